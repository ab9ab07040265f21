import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  ballisticPath,
  brownianPath,
  createRng,
  encodeNpy,
  fbmSurface,
  type RowChunk,
  stableSample,
} from '@sgdscope/analysis';
import { readNpyArray, readNpyHeader, streamNpyRows, writeNpy } from '../src/io/npy-file.js';

const bin = resolve(dirname(fileURLToPath(import.meta.url)), '../bin/sgdscope.js');
const dir = mkdtempSync(join(tmpdir(), 'sgdscope-analyze-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, 'analyze', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function runJson(...args: string[]): Record<string, unknown> {
  const r = run(...args, '--json');
  assert.equal(r.status, 0, `exit ${r.status}: ${r.stderr}`);
  // No progress bar or chatter when stderr is not a terminal.
  assert.equal(r.stderr, '');
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

/** Write a .npy file and return its path. */
async function npy(name: string, shape: number[], data: Float32Array | Float64Array): Promise<string> {
  const path = join(dir, name);
  await writeNpy(path, shape, data);
  return path;
}

/** Write raw bytes (for malformed files) and return the path. */
function raw(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** Replace an ASCII substring of a .npy header by one of the same length. */
function patchHeader(bytes: Uint8Array, from: string, to: string): Uint8Array {
  assert.equal(from.length, to.length);
  const text = new TextDecoder('latin1').decode(bytes.subarray(0, 128));
  const at = text.indexOf(from);
  assert.ok(at >= 0, `header has no ${from}`);
  const out = bytes.slice();
  out.set(new TextEncoder().encode(to), at);
  return out;
}

const f32 = (c: RowChunk): Float32Array => Float32Array.from(c.data);

test('npy files: streaming in small fixed-size reads returns exactly the written rows', async () => {
  const rng = createRng(1);
  const data = Float64Array.from({ length: 37 * 5 }, () => rng.normal());
  const path = await npy('m.npy', [37, 5], data);
  const info = await readNpyHeader(path);
  assert.deepEqual(info.header.shape, [37, 5]);
  const seen: number[] = [];
  const sizes: number[] = [];
  for await (const chunk of streamNpyRows(path, { chunkRows: 8 })) {
    assert.equal(chunk.d, 5);
    sizes.push(chunk.rows);
    seen.push(...chunk.data);
  }
  assert.deepEqual(sizes, [8, 8, 8, 8, 5]);
  assert.deepEqual(seen, Array.from(data));
  const whole = await readNpyArray(await npy('v.npy', [4], Float32Array.from([1.5, -2, 0, 3])));
  assert.deepEqual(Array.from(whole.data), [1.5, -2, 0, 3]);
  const truncated = raw('trunc.npy', encodeNpy([10], new Float64Array(10)).subarray(0, 100));
  await assert.rejects(readNpyHeader(truncated), /truncated/);
});

test('analyze trajectory: Brownian path gives alpha ~ 1 and Df ~ 2, ballistic gives alpha ~ 2 and Df ~ 1', async () => {
  const brown = await npy('brown.npy', [2000, 10], f32(brownianPath({ steps: 2000, d: 10, seed: 3 })));
  const rng = createRng(4);
  const loss = await npy(
    'loss.npy',
    [2000],
    Float64Array.from({ length: 2000 }, () => rng.normal()),
  );
  const out = runJson('trajectory', brown, '--loss', loss);
  assert.equal(out.steps, 2000);
  assert.equal(out.convention, 'tamsd');
  const windows = out.windows as Array<Record<string, unknown>>;
  assert.deepEqual(
    windows.map((w) => w.tw),
    [0, 1000],
  );
  for (const w of windows) {
    // Single-window spreads (measured): alpha of a 1000-step Brownian window within ~0.1 of 1; Df SD 0.16.
    assert.ok(Math.abs((w.alpha as number) - 1) < 0.15, `alpha ${w.alpha}`);
    const fractal = w.fractal as { Df: number; crossover: number | null };
    assert.ok(Math.abs(fractal.Df - 2) < 0.5, `Df ${fractal.Df}`);
    const msd = w.msd as { tau: number[]; value: number[] };
    assert.equal(msd.tau.length, 999);
    assert.ok((w.beta as { tau: number[] }).tau.length > 900);
    // Losses independent of position: MSL does not grow with distance (2H ~ 0).
    const msl = w.msl as { exponent: number; H: number };
    assert.ok(Math.abs(msl.exponent) < 0.2, `MSL exponent ${msl.exponent}`);
    for (const key of ['alphaStdErr', 'alphaShort', 'alphaLong', 'tau0', 'tau0DataDriven', 'rmse']) {
      assert.ok(key in w, key);
    }
  }
  for (const key of ['t0', 't0DataDriven', 't0DataDrivenThreshold']) assert.ok(key in out, key);
  const lossStats = out.loss as {
    movingVariance: { t: number[]; value: number[] };
    absChange: { mean: number };
  };
  assert.deepEqual(lossStats.movingVariance.t.slice(0, 3), [0, 100, 200]);
  assert.equal(lossStats.movingVariance.t.length, 20);
  // |N(0,1) - N(0,1)| has mean 2/sqrt(pi) = 1.128; SE over 1999 jumps ~0.02.
  assert.ok(Math.abs(lossStats.absChange.mean - 2 / Math.sqrt(Math.PI)) < 0.1, `${lossStats.absChange.mean}`);
  const excursion = (windows[0].fractal as { excursion: { classification: string } | null }).excursion;
  assert.ok(excursion && ['self-similar', 'self-affine'].includes(excursion.classification));

  const line = await npy('line.npy', [1200, 4], f32(ballisticPath({ steps: 1200, d: 4, seed: 1 })));
  const b = runJson('trajectory', line, '--window', '600');
  for (const w of b.windows as Array<{ alpha: number; fractal: { Df: number } }>) {
    assert.ok(Math.abs(w.alpha - 2) < 0.05, `ballistic alpha ${w.alpha}`);
    assert.ok(Math.abs(w.fractal.Df - 1) < 0.01, `ballistic Df ${w.fractal.Df}`);
  }
});

test('analyze trajectory: eq3 convention, stride, sketch and the readable table', async () => {
  const path = await npy('b2.npy', [1000, 300], f32(brownianPath({ steps: 1000, d: 300, seed: 5 })));
  const eq3 = runJson('trajectory', path, '--window', '200', '--convention', 'eq3', '--stride', '100');
  assert.equal(eq3.convention, 'eq3');
  // eq3 windows read 2T rows: starts 0, 100, ..., 600.
  assert.equal((eq3.windows as unknown[]).length, 7);
  const exact = runJson('trajectory', path, '--window', '500');
  const sketched = runJson('trajectory', path, '--window', '500', '--sketch', '128');
  const dfExact = (exact.windows as Array<{ fractal: { Df: number } }>)[0].fractal.Df;
  const dfSketch = (sketched.windows as Array<{ fractal: { Df: number } }>)[0].fractal.Df;
  // JL with k = 128 keeps squared distances within ~ sqrt(2/128) = 12.5% (1 SD); Df is a log-log slope, so
  // a common scale error cancels and the change stays well inside 0.1.
  assert.ok(Math.abs(dfExact - dfSketch) < 0.1, `${dfExact} vs ${dfSketch}`);
  // Fit ranges: restricting Df to contours below 2000 (lags up to ~115 of 17-long steps) changes the fit,
  // and a reversed range is a usage error.
  const ranged = runJson('trajectory', path, '--window', '500', '--df-range', ':2000');
  const rangedCurve = (ranged.windows as Array<{ fractal: { Df: number } }>)[0].fractal.Df;
  assert.notEqual(rangedCurve, dfExact);
  const byContour = runJson('trajectory', path, '--window', '500', '--df-group', 'contour');
  const dfContour = (byContour.windows as Array<{ fractal: { Df: number } }>)[0].fractal.Df;
  assert.notEqual(dfContour, dfExact);
  assert.ok(dfContour > 1 && dfContour < 3);
  const reversed = run('trajectory', path, '--msl-range', '5:1');
  assert.notEqual(reversed.status, 0);
  assert.match(reversed.stderr, /expected min:max/);
  const table = run('trajectory', path, '--window', '500');
  assert.equal(table.status, 0);
  assert.match(table.stdout, /tw\s+alpha/);
  assert.match(table.stdout, /Df/);
  assert.match(table.stdout, /^t0 /m);
});

test('analyze stable, escape and landscape report their fields with sensible values', async () => {
  const rng = createRng(8);
  const x = await npy(
    'x.npy',
    [4000],
    Float64Array.from({ length: 4000 }, () => stableSample(rng, 1.5, 0, 1, 0)),
  );
  const s = runJson('stable', x, '--resamples', '50');
  for (const key of ['alpha', 'alphaCI', 'scale', 'beta', 'loc', 'llrGaussian', 'vuongZ', 'vuongP', 'n']) {
    assert.ok(key in s, key);
  }
  // Koutrouvelis at n = 4000 has an alpha SE of ~0.03; 0.15 is 5 SE.
  assert.ok(Math.abs((s.alpha as number) - 1.5) < 0.15, `alpha ${s.alpha}`);
  assert.equal(s.n, 4000);
  assert.ok((s.vuongZ as number) > 0, 'a 1.5-stable sample must favour the stable law');

  const times = Float64Array.from({ length: 300 }, () => -Math.log(1 - rng.next()) / 0.02);
  const e = runJson('escape', await npy('t.npy', [300], times));
  const [lo, hi] = e.rateCI as number[];
  assert.ok(lo < 0.02 && 0.02 < hi, `CI [${lo}, ${hi}] should cover the true rate 0.02`);
  assert.equal(e.censored, 0);
  const c = runJson('escape', join(dir, 't.npy'), '--censor-at', '50');
  assert.ok((c.censored as number) > 0);

  const g = fbmSurface({ size: 64, hurst: 0.5, seed: 2, oversample: 4 });
  const grid = new Float64Array(51 * 51);
  for (let i = 0; i < 51; i++) for (let j = 0; j < 51; j++) grid[i * 51 + j] = g.data[i * 64 + j];
  const l = runJson('landscape', await npy('g.npy', [51, 51], grid));
  assert.ok((l.boxCountingSurface as number) > 2 && (l.boxCountingSurface as number) < 3);
  assert.ok((l.boxCountingLevelSet as number) > 1 && (l.boxCountingLevelSet as number) < 2);
  assert.ok((l.mslExponent as number) > 0 && (l.mslExponent as number) < 2);
  assert.equal(l.H, (l.mslExponent as number) / 2);
});

test('bad files: one stderr line naming the problem and exit status 2', async () => {
  const good = encodeNpy([20, 3], new Float64Array(60));
  const nan = new Float32Array(20 * 4);
  nan[7 * 4 + 3] = Number.NaN;
  const cases: Array<[string[], RegExp]> = [
    [['trajectory', raw('i8.npy', patchHeader(good, "'<f8'", "'<i8'"))], /unsupported dtype '<i8'/],
    [['trajectory', raw('be.npy', patchHeader(good, "'<f8'", "'>f8'"))], /big-endian/],
    [['trajectory', raw('fo.npy', patchHeader(good, 'False', 'True '))], /Fortran/],
    [['trajectory', raw('magic.npy', new TextEncoder().encode('hello, this is not numpy'))], /bad magic/],
    [['trajectory', await npy('nan.npy', [20, 4], nan), '--window', '10'], /NaN at step 7, column 3/],
    [['trajectory', await npy('short.npy', [500, 2], new Float32Array(1000))], /500 rows is too few/],
    [['trajectory', join(dir, 'missing.npy')], /cannot open \(ENOENT\)/],
    [['stable', raw('fo2.npy', patchHeader(good, 'False', 'True '))], /Fortran/],
    [['landscape', await npy('flat.npy', [40], new Float64Array(40))], /expected a 2-D loss grid/],
  ];
  for (const [args, message] of cases) {
    const r = run(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: exit ${r.status}, stderr ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
    assert.equal(r.stdout, '');
  }
});

test('analyze --help lists the four subcommands; trajectory --help documents its options', () => {
  const r = spawnSync(process.execPath, [bin, 'analyze', '--help'], { encoding: 'utf8' });
  assert.equal(r.status, 0);
  for (const sub of ['trajectory', 'stable', 'escape', 'landscape']) assert.match(r.stdout, new RegExp(sub));
  const t = spawnSync(process.execPath, [bin, 'analyze', 'trajectory', '--help'], { encoding: 'utf8' });
  for (const opt of ['--loss', '--window', '--stride', '--convention', '--dtau', '--json', '--sketch']) {
    assert.ok(t.stdout.includes(opt), opt);
  }
});

test('progress bar appears on a terminal only (run under script(1) for a pseudo-TTY)', {
  skip: existsSync('/usr/bin/script') ? false : 'util-linux script(1) not installed',
}, async () => {
  const path = await npy('tty.npy', [1500, 3], f32(brownianPath({ steps: 1500, d: 3, seed: 2 })));
  const command = [process.execPath, bin, 'analyze', 'trajectory', path, '--window', '300', '--no-fractal'];
  const r = spawnSync('/usr/bin/script', ['-qec', command.map((a) => `'${a}'`).join(' '), '/dev/null'], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /progress \[=+\] 100% .* 5\/5/);
  const plain = run('trajectory', path, '--window', '300', '--no-fractal');
  assert.equal(plain.stderr, '');
  assert.doesNotMatch(plain.stdout, /progress/);
});

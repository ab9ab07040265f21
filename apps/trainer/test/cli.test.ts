import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/sgdscope.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sgdscope-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function readRun(runDir: string): { status: string; kind: string; summary: Record<string, unknown> } {
  return JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8'));
}

describe('sgdscope CLI', () => {
  it('train --help explains the run file, kinds, examples and exit codes', () => {
    const r = cli(['train', '--help']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /Usage: sgdscope train \[options\] <config>/);
    assert.match(
      r.stdout,
      /Kinds:\n {2}network: [^\n]+\n {2}fractal_landscape: [^\n]+\n {2}escape: [^\n]+\n {2}phase_diagram: /,
    );
    assert.match(r.stdout, /\$ sgdscope train escape\.yaml/);
    assert.match(r.stdout, /--out <dir>/);
    assert.match(cli(['--help']).stdout, /train[\s\S]*sweep[\s\S]*worker[\s\S]*analyze/);
  });

  it('train runs a tiny config into --out and records a finished run', () => {
    const file = join(dir, 'tiny.yaml');
    writeFileSync(file, 'kind: escape\nname: tiny-escape\nconfig:\n  repeats: 5\n  seed: 2\n');
    const out = join(dir, 'runs');
    const r = cli(['train', file, '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    const line = JSON.parse(r.stdout.trim()) as { status: string; runDir: string };
    assert.equal(line.status, 'finished');
    assert.equal(line.runDir, join(out, 'tiny-escape'));
    const run = readRun(line.runDir);
    assert.equal(run.status, 'finished');
    assert.equal(run.kind, 'escape');
    assert.equal(run.summary.escaped, 5);
    // The same name again is refused rather than overwritten.
    const again = cli(['train', file, '--out', out]);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /already holds a run/);
  });

  it('train reports an invalid config with the key path and exit code 2', () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ kind: 'escape', config: { eta: 'fast', repeats: 5 } }));
    const r = cli(['train', file, '--out', join(dir, 'runs')]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /Invalid escape config in .*bad\.json:\n {2}- eta: /);
  });

  it('SIGINT stops a long run cleanly: exit 130, run.json canceled, artifacts flushed', async () => {
    const file = join(dir, 'long.yaml');
    // batchSize 0.5 never escapes within 5e7 steps: the run only ends by cancellation.
    writeFileSync(file, 'kind: escape\nname: long\nconfig:\n  batchSize: 0.5\n  maxSteps: 50000000\n');
    const out = join(dir, 'runs');
    const child = spawn(process.execPath, [BIN, 'train', file, '--out', out, '--plain-progress'], {
      env: { ...process.env, SGDSCOPE_PROGRESS_INTERVAL_MS: '100' },
    });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    const code = await new Promise<number | null>((resolve) => {
      child.stderr.on('data', (d) => {
        stderr += d;
        // Interrupt once progress shows the simulation is under way.
        if (/long: \d+\/50000000/.test(stderr) && !child.killed) child.kill('SIGINT');
      });
      child.on('exit', (c) => resolve(c));
    });
    assert.equal(code, 130, stderr);
    assert.match(stderr, /stopping/);
    assert.equal(JSON.parse(stdout.trim()).status, 'canceled');
    const run = readRun(join(out, 'long'));
    assert.equal(run.status, 'canceled');
    const steps = run.summary.stepsRun as number;
    assert.ok(steps > 0 && steps < 50_000_000, `stepsRun ${steps}`);
    const times = readFileSync(
      join(out, 'long', 'artifacts', 'escape_iterations', `${String(steps).padStart(12, '0')}.json`),
      'utf8',
    );
    assert.match(times, /"shape":\[100\]/);
  });

  it('sweep --dry-run lists runs; sweep --parallel 2 runs them in child processes and writes a manifest', () => {
    const file = join(dir, 'sweep.yaml');
    writeFileSync(
      file,
      'name: sw\nkind: fractal_landscape\nbase: { levels: 5, steps: 200, repeats: 1 }\ngrid:\n  landscape: [cone, paraboloid]\nreplicates: 2\n',
    );
    const dry = cli(['sweep', file, '--dry-run']);
    assert.equal(dry.status, 0, dry.stderr);
    const listed = dry.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { name: string });
    assert.deepEqual(
      listed.map((l) => l.name),
      [
        'sw/landscape=cone/r0',
        'sw/landscape=cone/r1',
        'sw/landscape=paraboloid/r0',
        'sw/landscape=paraboloid/r1',
      ],
    );
    const out = join(dir, 'sweeps');
    const r = cli(['sweep', file, '--parallel', '2', '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    const manifest = JSON.parse(readFileSync(join(out, 'sw', 'sweep.json'), 'utf8')) as {
      runs: { slug: string; status: string }[];
    };
    assert.deepEqual(
      manifest.runs.map((x) => x.status),
      ['finished', 'finished', 'finished', 'finished'],
    );
    for (const run of manifest.runs) assert.equal(readRun(join(out, 'sw', run.slug)).status, 'finished');
  });

  it('SIGINT during sweep --parallel 2 cancels both child runs and starts no more', async () => {
    const file = join(dir, 'longsweep.yaml');
    writeFileSync(
      file,
      'name: ls\nkind: escape\nbase: { batchSize: 0.5, maxSteps: 50000000 }\ngrid:\n  eta: [0.01, 0.02, 0.03]\n',
    );
    const out = join(dir, 'sweeps');
    const child = spawn(
      process.execPath,
      [BIN, 'sweep', file, '--parallel', '2', '--out', out, '--plain-progress'],
      {
        env: { ...process.env, SGDSCOPE_PROGRESS_INTERVAL_MS: '100' },
      },
    );
    let stderr = '';
    const code = await new Promise<number | null>((resolve) => {
      child.stderr.on('data', (d) => {
        stderr += d;
        // Both children report progress before the interrupt.
        if (/eta=0\.01\/r0: \d+\//.test(stderr) && /eta=0\.02\/r0: \d+\//.test(stderr) && !child.killed) {
          child.kill('SIGINT');
        }
      });
      child.on('exit', (c) => resolve(c));
    });
    assert.equal(code, 130, stderr);
    const manifest = JSON.parse(readFileSync(join(out, 'ls', 'sweep.json'), 'utf8')) as {
      runs: { status: string }[];
    };
    assert.deepEqual(
      manifest.runs.map((r) => r.status),
      ['canceled', 'canceled', 'pending'],
    );
  });

  it('sweep names the bad run and key', () => {
    const file = join(dir, 'badsweep.yaml');
    writeFileSync(file, 'name: b\nkind: escape\ngrid:\n  eta: [0.02, 5]\n');
    const r = cli(['sweep', file]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /b\/eta=5\/r0: eta: /);
  });
});

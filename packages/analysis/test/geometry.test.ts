import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ballisticPath,
  brownianPath,
  fitTwoSegments,
  fractalDimension,
  gramMatrix,
  levyFlight,
  transverseExcursion,
  WindowGeometry,
} from '../src/geometry/index.js';
import { createRng } from '../src/random.js';
import { AnalysisInputError, type RowChunk } from '../src/types.js';

const mean = (a: number[]): number => a.reduce((x, y) => x + y, 0) / a.length;
const seeds = [1, 2, 3, 4, 5, 6, 7, 8];

test('window geometry: Gram-matrix D_ij and contour S_ij (sum over k = i+1..j) match direct sums', () => {
  const rng = createRng(5);
  const n = 30;
  const d = 40;
  // A large common offset: the Gram identity must not lose the small displacements to cancellation.
  const data = new Float64Array(n * d);
  for (let c = 0; c < d; c++) data[c] = 1e4 + rng.normal();
  for (let i = 1; i < n; i++)
    for (let c = 0; c < d; c++) data[i * d + c] = data[(i - 1) * d + c] + 1e-3 * rng.normal();
  const g = new WindowGeometry({ rows: n, d, data });
  const dist2 = (i: number, j: number): number => {
    let s = 0;
    for (let c = 0; c < d; c++) s += (data[j * d + c] - data[i * d + c]) ** 2;
    return s;
  };
  for (const [i, j] of [
    [0, 1],
    [3, 4],
    [2, 17],
    [0, 29],
  ]) {
    assert.ok(Math.abs(g.sqDistance(i, j) / dist2(i, j) - 1) < 1e-6, `D(${i},${j})`);
    let s = 0;
    for (let k = i + 1; k <= j; k++) s += Math.sqrt(dist2(k - 1, k));
    assert.ok(Math.abs(g.contour(i, j) - s) < 1e-12 * s + 1e-15, `S(${i},${j})`);
  }
  // The off-by-one fix: a single step's contour is that step's length, not two steps.
  assert.ok(Math.abs(g.contour(3, 4) - Math.sqrt(dist2(3, 4))) < 1e-12);
  assert.equal(g.contour(5, 5), 0);
  assert.throws(() => new WindowGeometry({ rows: 1, d, data }), AnalysisInputError);
});

// Tolerances below come from 10 seeds of 1000-step windows measured while writing the estimator
// (single-window SD: Levy 0.18, Brownian 0.16); the mean of 8 seeds has SE ~0.06, so 0.2 is > 3 SE.
test('Levy flight (a = 1.5, 3-D): log-averaged Df ~ a, arithmetic variant biased towards 2', () => {
  const logDf: number[] = [];
  const arithDf: number[] = [];
  for (const seed of seeds) {
    const r = fractalDimension(levyFlight({ steps: 1000, d: 3, seed, alpha: 1.5 }));
    logDf.push(r.Df);
    arithDf.push(r.arithmetic.Df);
  }
  assert.ok(Math.abs(mean(logDf) - 1.5) < 0.2, `log-averaged Df ${mean(logDf)}`);
  assert.ok(mean(arithDf) > 1.85, `arithmetic Df ${mean(arithDf)} should sit near 2`);
  assert.ok(mean(arithDf) - mean(logDf) > 0.3, 'the arithmetic mean should be biased upward');
});

test('Brownian path: Df ~ 2; ballistic path: Df = 1', () => {
  const df = seeds.map((seed) => fractalDimension(brownianPath({ steps: 1000, d: 3, seed })).Df);
  assert.ok(Math.abs(mean(df) - 2) < 0.2, `Brownian Df ${mean(df)}`);
  const ballistic = fractalDimension(ballisticPath({ steps: 500, d: 3, seed: 1 }));
  // Exactly r = s on a straight line, so only rounding separates lambda from 2.
  assert.ok(Math.abs(ballistic.Df - 1) < 1e-6, `ballistic Df ${ballistic.Df}`);
  assert.ok(ballistic.curve.x.length > 10);
});

test('two-segment fit recovers a known break and slopes; Df reports a crossover between them', () => {
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i <= 40; i++) {
    const v = i / 10;
    x.push(v);
    y.push(v < 1.5 ? 2 * v : 3 + (v - 1.5));
  }
  const f = fitTwoSegments(x, y);
  const gridStep = (x[37] - x[2]) / 200;
  assert.ok(Math.abs(f.breakpoint - 1.5) <= gridStep, `break ${f.breakpoint}`);
  assert.ok(Math.abs(f.slopeLeft - 2) < 0.05 && Math.abs(f.slopeRight - 1) < 0.05);
  assert.ok(f.sse < 1e-3 * f.sseSingleLine);
  // A path ballistic for short runs (persistent direction) and diffusive beyond: lambda 2 then 1.
  const rng = createRng(3);
  const n = 1000;
  const data = new Float64Array(n * 2);
  let angle = 0;
  for (let t = 1; t < n; t++) {
    if (t % 30 === 0) angle = 2 * Math.PI * rng.next();
    data[2 * t] = data[2 * (t - 1)] + Math.cos(angle);
    data[2 * t + 1] = data[2 * (t - 1) + 1] + Math.sin(angle);
  }
  const r = fractalDimension({ rows: n, d: 2, data } satisfies RowChunk);
  assert.ok(r.crossover !== null && r.crossover > 5 && r.crossover < 200, `crossover ${r.crossover}`);
  assert.ok((r.lambdaShort ?? 0) > 1.6 && (r.lambdaLong ?? 9) < 1.5, `${r.lambdaShort} / ${r.lambdaLong}`);
  assert.ok(r.crossoverSseRatio !== null && r.crossoverSseRatio > 0 && r.crossoverSseRatio <= 1);
});

test('transverse excursion: Brownian paths are self-similar, drift-plus-noise paths self-affine', () => {
  for (const seed of [1, 2, 3, 4]) {
    const b = transverseExcursion(brownianPath({ steps: 1000, d: 3, seed }), { seed });
    assert.equal(
      b.classification,
      'self-similar',
      `seed ${seed}: ${b.chordExponent} vs ${b.transverseExponent}`,
    );
    const rng = createRng(seed);
    const n = 1000;
    const data = new Float64Array(n * 3);
    for (let t = 1; t < n; t++) {
      data[3 * t] = data[3 * (t - 1)] + 1;
      data[3 * t + 1] = data[3 * (t - 1) + 1] + 0.5 * rng.normal();
      data[3 * t + 2] = data[3 * (t - 1) + 2] + 0.5 * rng.normal();
    }
    const a = transverseExcursion({ rows: n, d: 3, data }, { seed });
    assert.equal(a.classification, 'self-affine');
    // Chord ~ m^2 (ballistic along the drift), transverse ~ m (diffusive across it).
    assert.ok(Math.abs(a.chordExponent - 2) < 0.05, `chord exponent ${a.chordExponent}`);
    assert.ok(Math.abs(a.transverseExponent - 1) < 0.3, `transverse exponent ${a.transverseExponent}`);
  }
});

test('gramMatrix equals naive dot products for ragged sizes (n mod 4 = 3, d spanning column blocks)', () => {
  const rng = createRng(9);
  const n = 11;
  const d = 2500;
  const x = Float32Array.from({ length: n * d }, () => rng.normal());
  const g = gramMatrix(x, n, d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += x[i * d + c] * x[j * d + c];
      // Same float64 products summed in a different grouping: agreement to rounding (|s| ~ sqrt(d) or d).
      assert.ok(Math.abs(g[i * n + j] - s) < 1e-9 * d, `G(${i},${j}) ${g[i * n + j]} vs ${s}`);
    }
  }
});

// SLOW (SGDSCOPE_SLOW=1): 20 seeds of 2000-step Lévy flights per index. Measured means (SD of one window):
// a = 1.2 -> 1.32 (0.15), 1.5 -> 1.53 (0.17), 1.8 -> 1.76 (0.18); the mean of 20 has SE <= 0.04. a = 1.2 sits
// ~0.12 high (at a -> 1 the contour itself is heavy-tailed, so finite windows converge slowly), hence 0.2 there
// and 0.12 (3 SE) elsewhere. The arithmetic variant stays at ~2.0-2.05 for every a.
test('SLOW: Levy flights a = 1.2, 1.5, 1.8: log-averaged Df tracks a, arithmetic Df does not', {
  skip: process.env.SGDSCOPE_SLOW !== '1',
}, () => {
  for (const [a, tolerance] of [
    [1.2, 0.2],
    [1.5, 0.12],
    [1.8, 0.12],
  ]) {
    const logDf: number[] = [];
    const arithDf: number[] = [];
    for (let s = 1; s <= 20; s++) {
      const r = fractalDimension(levyFlight({ steps: 2000, d: 3, seed: 1000 + s, alpha: a }));
      logDf.push(r.Df);
      arithDf.push(r.arithmetic.Df);
    }
    assert.ok(Math.abs(mean(logDf) - a) < tolerance, `a=${a}: Df ${mean(logDf)}`);
    assert.ok(Math.abs(mean(arithDf) - 2) < 0.15, `a=${a}: arithmetic Df ${mean(arithDf)}`);
  }
});

/**
 * Coordinate-jackknife error of the fractal-dimension exponent lambda (Delta r^2 ~ Delta s^lambda, Df = 2/lambda)
 * against replicate spread on paths of known dimension: Brownian (lambda = 1, Df = 2) and fBm H = 0.7
 * (lambda = 2H = 1.4, Df = 1/H). Seeded; tolerances stated per test.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { brownianWalk, fractionalBrownianMotion } from '../src/diffusion/index.js';
import { fractalDimension, WindowGeometry } from '../src/geometry/index.js';
import { createRng, type Rng } from '../src/random.js';
import type { RowChunk } from '../src/types.js';

test('leave-one-group-out geometry equals the geometry of the remaining columns (1e-9 relative)', () => {
  const walk = brownianWalk(createRng(8), 60, 10);
  const full = new WindowGeometry(walk);
  let g = 0;
  for (const rest of full.leaveOneGroupOut(4)) {
    const keep = Array.from({ length: 10 }, (_, c) => c).filter((c) => c % 4 !== g);
    const data = new Float64Array(60 * keep.length);
    for (let i = 0; i < 60; i++)
      for (const [k, c] of keep.entries()) data[i * keep.length + k] = walk.data[i * 10 + c];
    const direct = new WindowGeometry({ rows: 60, d: keep.length, data });
    for (const [i, j] of [
      [0, 1],
      [3, 40],
      [10, 59],
    ]) {
      const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
      assert.ok(close(rest.sqDistance(i, j), direct.sqDistance(i, j)), `group ${g} D(${i},${j})`);
      assert.ok(close(rest.contour(i, j), direct.contour(i, j)), `group ${g} S(${i},${j})`);
    }
    g++;
  }
  assert.equal(g, 4);
});

function calibration(make: (rng: Rng) => RowChunk, truth: number, replicates: number) {
  const rng = createRng(3);
  const lambdas: number[] = [];
  let meanSquaredSe = 0;
  let covered = 0;
  let dfCovered = 0;
  for (let r = 0; r < replicates; r++) {
    const f = fractalDimension(make(rng));
    assert.deepEqual(f.uncertainty, { method: 'coordinate-jackknife', groups: 16 });
    lambdas.push(f.lambda);
    meanSquaredSe += f.lambdaStdErr ** 2 / replicates;
    if (f.lambdaCi && f.lambdaCi.lower <= truth && truth <= f.lambdaCi.upper) covered++;
    if (f.DfCi && f.DfCi.lower <= 2 / truth && 2 / truth <= f.DfCi.upper) dfCovered++;
  }
  const mean = lambdas.reduce((a, b) => a + b, 0) / replicates;
  const sd = Math.sqrt(lambdas.reduce((acc, l) => acc + (l - mean) ** 2, 0) / (replicates - 1));
  return {
    mean,
    sd,
    rmsSe: Math.sqrt(meanSquaredSe),
    coverage: covered / replicates,
    dfCoverage: dfCovered / replicates,
  };
}

// 50 replicates of 300-row windows: a calibrated 95% interval's coverage has SD 0.03, so >= 0.84 is a 3.5-SD
// band; measured (60 replicates, 400 rows) SE/SD = 1.07 (Brownian d = 16), 0.94 (d = 64), 1.01 (fBm), coverage
// 0.95-0.97, where the OLS error of the bin means covered 0.22 (its SE is 5x too small).
for (const [label, make, truth] of [
  ['Brownian d = 16 (lambda = 1)', (rng: Rng) => brownianWalk(rng, 300, 16), 1],
  ['fBm H = 0.7, d = 16 (lambda = 1.4)', (rng: Rng) => fractionalBrownianMotion(rng, 300, 16, 0.7), 1.4],
] as const) {
  test(`fractal dimension jackknife on ${label}: SE matches the replicate SD, intervals cover`, () => {
    const c = calibration(make, truth, 50);
    assert.ok(Math.abs(c.mean - truth) < 0.05, `mean lambda ${c.mean}`);
    const ratio = c.rmsSe / c.sd;
    assert.ok(ratio > 0.7 && ratio < 1.4, `RMS SE ${c.rmsSe} vs replicate SD ${c.sd}`);
    assert.ok(c.coverage >= 0.84, `lambda coverage ${c.coverage}`);
    assert.equal(c.dfCoverage, c.coverage, 'the Df interval is the lambda interval through 2/lambda');
  });
}

test('a 2-D path is too narrow to group: OLS error, no interval', () => {
  const f = fractalDimension(brownianWalk(createRng(1), 300, 2));
  assert.deepEqual(f.uncertainty, { method: 'ols', groups: 0 });
  assert.equal(f.lambdaCi, null);
  assert.equal(f.DfCi, null);
  const off = fractalDimension(brownianWalk(createRng(1), 300, 16), { jackknifeGroups: 0 });
  assert.equal(off.uncertainty.method, 'ols');
});

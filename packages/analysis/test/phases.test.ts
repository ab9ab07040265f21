import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  classifyRun,
  estimatePhaseBoundary,
  fitCriticalExponent,
  fitHyperbola,
  type Phase,
  peakLocation,
  phaseGrid,
  type RunPhase,
} from '../src/phases/index.js';
import { createRng, type Rng } from '../src/random.js';
import { AnalysisInputError } from '../src/types.js';

/** AR(1) trajectory relaxing to `target` with stationary SD `sd`, starting at 0.5. */
const trajectory = (rng: Rng, target: number, sd: number, steps = 2000): Float64Array => {
  const x = new Float64Array(steps);
  x[0] = 0.5;
  const phi = 0.95;
  for (let t = 1; t < steps; t++)
    x[t] = target + phi * (x[t - 1] - target) + sd * Math.sqrt(1 - phi * phi) * rng.normal();
  return x;
};

test('classifyRun: relaxes to 0 → I, to ±x_s → II, NaN or runaway → III', () => {
  const rng = createRng(1);
  assert.equal(classifyRun(trajectory(rng, 0, 0.02)).phase, 'I');
  const two = classifyRun(trajectory(rng, -0.7, 0.02));
  assert.equal(two.phase, 'II');
  // Mean |x| over the last half estimates x_s; its SD there is ≈ 0.02 × √((1+φ)/(1−φ)/1000) ≈ 0.004.
  assert.ok(Math.abs(two.meanAbsX - 0.7) < 0.02, `x_s ${two.meanAbsX}`);
  const nan = trajectory(rng, 0, 0.02);
  nan[1500] = Number.NaN;
  assert.deepEqual(classifyRun(nan), {
    phase: 'III',
    meanAbsX: Number.NaN,
    sdX: Number.NaN,
    reason: 'non-finite',
  });
  const runaway = Float64Array.from({ length: 100 }, (_, t) => 1.2 ** t);
  assert.equal(classifyRun(runaway).reason, 'beyond-cutoff');
  // y diverging while x stays put: the norms argument catches it.
  const flat = new Float64Array(100);
  assert.equal(
    classifyRun(
      flat,
      {},
      Float64Array.from({ length: 100 }, (_, t) => 2 ** t),
    ).phase,
    'III',
  );
  // The tolerance is configurable: a wide phase-I cloud (mean |x| ≈ 0.16) needs a larger zeroTolerance.
  const wide = trajectory(rng, 0, 0.2);
  assert.equal(classifyRun(wide).phase, 'II');
  assert.equal(classifyRun(wide, { zeroTolerance: 0.3 }).phase, 'I');
});

/**
 * Synthetic diagram with a known I/II hyperbola eta ΔS = Δc: P(II | I or II) = σ(s (ln(eta ΔS) − ln Δc)), plus a
 * phase-III region at large eta ΔS that the I/II estimate must ignore.
 */
const syntheticRuns = (seed: number, deltaC: number, steepness: number, perCell: number): RunPhase[] => {
  const rng = createRng(seed);
  const runs: RunPhase[] = [];
  for (const eta of [0.01, 0.03, 0.1, 0.3, 1]) {
    for (let j = 0; j <= 16; j++) {
      const deltaS = 10 ** (-4 + j / 4);
      const u = Math.log(eta * deltaS);
      const pII = 1 / (1 + Math.exp(-steepness * (u - Math.log(deltaC))));
      const pIII = steepness === Number.POSITIVE_INFINITY ? 0 : 1 / (1 + Math.exp(-4 * (u - Math.log(0.3))));
      for (let r = 0; r < perCell; r++) {
        const phase: Phase = rng.next() < pIII ? 'III' : rng.next() < pII ? 'II' : 'I';
        runs.push({ eta, deltaS, phase });
      }
    }
  }
  return runs;
};

test('phaseGrid counts and fractions per cell', () => {
  const grid = phaseGrid([
    { eta: 0.1, deltaS: 0.01, phase: 'I' },
    { eta: 0.1, deltaS: 0.01, phase: 'II' },
    { eta: 0.1, deltaS: 0.01, phase: 'II' },
    { eta: 0.1, deltaS: 0.001, phase: 'III' },
    { eta: 0.05, deltaS: 0.01, phase: 'I' },
  ]);
  assert.deepEqual(grid.etas, [0.05, 0.1]);
  assert.deepEqual(grid.deltaSs, [0.001, 0.01]);
  assert.equal(grid.cells.length, 3);
  const cell = grid.cells.find((c) => c.eta === 0.1 && c.deltaS === 0.01)!;
  assert.deepEqual(cell.counts, { I: 1, II: 2, III: 0 });
  assert.equal(cell.n, 3);
  assert.ok(Math.abs(cell.fractions.II - 2 / 3) < 1e-15);
});

test('boundary recovery: logistic crossings cover Δc/eta and the hyperbola fit recovers Δc = 1e-3', () => {
  const deltaC = 1e-3;
  const grid = phaseGrid(syntheticRuns(5, deltaC, 2, 60));
  const b = estimatePhaseBoundary(grid, { resamples: 200, seed: 2 });
  assert.equal(b.points.length, 5);
  let covered = 0;
  for (const p of b.points) {
    assert.equal(p.method, 'logistic');
    const truth = deltaC / p.eta;
    if (p.ci.lower <= truth && truth <= p.ci.upper) covered++;
    assert.ok(p.ci.lower < p.deltaS && p.deltaS < p.ci.upper);
  }
  // 95% intervals: P(≤ 3 of 5 covered) ≈ 0.02 if calibrated.
  assert.ok(covered >= 4, `covered ${covered}/5`);
  const h = fitHyperbola(b.points);
  assert.ok(
    h.deltaCCI.lower <= deltaC && deltaC <= h.deltaCCI.upper,
    `Δc CI [${h.deltaCCI.lower}, ${h.deltaCCI.upper}]`,
  );
  // Measured over 30 synthetic grids (seeds 100–129): SD of ln(Δc_hat/Δc) = 0.030, mean −0.008; 0.12 is 4 SD.
  // The same run gave boundary-CI coverage 140/150 and Δc-CI coverage 29/30.
  assert.ok(Math.abs(Math.log(h.deltaC / deltaC)) < 0.12, `Δc ${h.deltaC}`);
  assert.ok(Math.abs(h.slope + 1) < 4 * h.slopeStdErr + 1e-9, `slope ${h.slope} ± ${h.slopeStdErr}`);
});

test('boundary by interpolation agrees with the logistic estimate within their CIs', () => {
  const grid = phaseGrid(syntheticRuns(6, 1e-3, 2, 60));
  const lg = estimatePhaseBoundary(grid, { resamples: 100 });
  const ip = estimatePhaseBoundary(grid, { method: 'interpolate', resamples: 100 });
  for (let i = 0; i < lg.points.length; i++) {
    const a = lg.points[i];
    const c = ip.points[i];
    assert.equal(c.method, 'interpolate');
    assert.ok(
      c.deltaS > a.ci.lower / 1.5 && c.deltaS < a.ci.upper * 1.5,
      `eta ${a.eta}: ${c.deltaS} vs ${a.deltaS}`,
    );
  }
});

test('perfectly separated runs give a bracket estimate whose CI is the two bracketing cells', () => {
  const grid = phaseGrid(syntheticRuns(7, 1.5e-3, Number.POSITIVE_INFINITY, 10));
  const b = estimatePhaseBoundary(grid);
  for (const p of b.points) {
    assert.equal(p.method, 'bracket');
    const truth = 1.5e-3 / p.eta;
    assert.ok(
      p.ci.lower <= truth && truth <= p.ci.upper,
      `eta ${p.eta}: [${p.ci.lower}, ${p.ci.upper}] vs ${truth}`,
    );
    assert.ok(Math.abs(Math.log10(p.ci.upper / p.ci.lower) - 0.25) < 1e-9);
  }
});

test('II/III boundary uses only II and III runs and etas without a crossing are reported', () => {
  const runs: RunPhase[] = [];
  for (const deltaS of [0.1, 0.2, 0.4, 0.8]) {
    for (let r = 0; r < 10; r++) runs.push({ eta: 0.5, deltaS, phase: deltaS < 0.3 ? 'II' : 'III' });
    for (let r = 0; r < 10; r++) runs.push({ eta: 0.01, deltaS, phase: 'I' });
  }
  const b = estimatePhaseBoundary(phaseGrid(runs), { lower: 'II', upper: 'III' });
  assert.deepEqual(b.noCrossing, [0.01]);
  assert.equal(b.points.length, 1);
  assert.ok(Math.abs(b.points[0].deltaS - Math.sqrt(0.2 * 0.4)) < 1e-12);
});

test('critical exponents: order parameter ∝ (Δ−Δc)^1 above, search time ∝ |Δ−Δc|^−1 both sides', () => {
  const rng = createRng(9);
  const deltaC = 0.02;
  const control: number[] = [];
  const flatness: number[] = [];
  const searchTime: number[] = [];
  for (let i = 0; i < 40; i++) {
    const d = deltaC * (1 + (i < 20 ? -1 : 1) * 10 ** (-2 + (2 * (i % 20)) / 19) * 0.9);
    control.push(d);
    // 5% multiplicative noise: log residual SD 0.05.
    const noise = (): number => Math.exp(0.05 * rng.normal());
    flatness.push(1 + (d > deltaC ? 3 * (d - deltaC) * noise() : 0));
    searchTime.push((0.01 / Math.abs(d - deltaC)) * noise());
  }
  const order = fitCriticalExponent(control, flatness, deltaC, 'above', { baseline: 1 });
  // 20 points spread over 2 decades: slope SE ≈ 0.05 / (0.58 ln 10 · √20) ≈ 0.008; we allow 5 SE and check the SE.
  assert.ok(
    Math.abs(order.exponent - 1) < 5 * order.stdErr,
    `flatness exponent ${order.exponent} ± ${order.stdErr}`,
  );
  assert.ok(order.stdErr < 0.02);
  assert.ok(order.ci.lower < 1 && 1 < order.ci.upper);
  for (const side of ['above', 'below'] as const) {
    const ts = fitCriticalExponent(control, searchTime, deltaC, side);
    assert.ok(
      Math.abs(ts.exponent + 1) < 5 * ts.stdErr,
      `${side} search-time exponent ${ts.exponent} ± ${ts.stdErr}`,
    );
  }
  // The search-time peak locates Δc within the grid resolution next to it.
  assert.ok(Math.abs(peakLocation(control, searchTime) / deltaC - 1) < 0.02);
});

test('bad input throws AnalysisInputError', () => {
  assert.throws(
    () => classifyRun([]),
    (e: unknown) => e instanceof AnalysisInputError && /empty/.test(e.message),
  );
  assert.throws(() => phaseGrid([]), AnalysisInputError);
  assert.throws(
    () => phaseGrid([{ eta: Number.NaN, deltaS: 1, phase: 'I' }]),
    (e: unknown) => e instanceof AnalysisInputError && /eta=NaN/.test(e.message),
  );
  assert.throws(() => fitCriticalExponent([1, 2], [1, 2], 0, 'above'), AnalysisInputError);
  assert.throws(() => fitCriticalExponent([1, 2, 3], [1, 2], 0, 'above'), AnalysisInputError);
  const grid = phaseGrid([{ eta: 1, deltaS: 1, phase: 'I' }]);
  assert.throws(() => estimatePhaseBoundary(grid, { lower: 'I', upper: 'I' }), AnalysisInputError);
  assert.throws(() => fitHyperbola([]), AnalysisInputError);
});

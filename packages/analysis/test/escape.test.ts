import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  controlAxis,
  escapeRate,
  fitEscapeLaw,
  oneDimEscapeTime,
  sgdEscapeTime,
  sgdLogRateSlope,
  sgldEscapeTime,
} from '../src/escape/index.js';
import { createRng, type Rng } from '../src/random.js';
import { AnalysisInputError } from '../src/types.js';

const exponential = (rng: Rng, rate: number): number => -Math.log(1 - rng.next()) / rate;
const draws = (rng: Rng, n: number, rate: number): number[] =>
  Array.from({ length: n }, () => exponential(rng, rate));

test('exact chi-square CI covers the true rate in >= 90% of 200 repetitions (n=100, nominal 95%)', (t) => {
  const rng = createRng(2024);
  const gamma = 0.02;
  let exact = 0;
  let normal = 0;
  for (let rep = 0; rep < 200; rep++) {
    const r = escapeRate(draws(rng, 100, gamma));
    assert.equal(r.method, 'exact');
    if (r.rateCI.lower <= gamma && gamma <= r.rateCI.upper) exact++;
    if (r.normalCI.lower <= gamma && gamma <= r.normalCI.upper) normal++;
  }
  t.diagnostic(`exact ${exact}/200, normal approximation ${normal}/200`);
  // Calibrated 95%: 190 ± 3.1 covered; 180 is > 3 SD below.
  assert.ok(exact >= 180, `exact coverage ${exact}/200`);
  // The seed's normal interval is close to nominal at n = 100 as well.
  assert.ok(normal >= 175, `normal-approximation coverage ${normal}/200`);
});

test('(n−1)/Σt is unbiased where the MLE n/Σt is biased by n/(n−1) (n=10, 3000 repetitions)', () => {
  const rng = createRng(7);
  const gamma = 1.5;
  let unbiased = 0;
  let mle = 0;
  const reps = 3000;
  for (let rep = 0; rep < reps; rep++) {
    const t = draws(rng, 10, gamma);
    unbiased += escapeRate(t).rate / reps;
    mle += escapeRate(t, { numerator: 'n' }).rate / reps;
  }
  // SD of (n−1)/Σt is γ/√(n−2) = 0.53; SE of the mean over 3000 reps ≈ 0.0097: tolerance 0.04 ≈ 4 SE.
  assert.ok(Math.abs(unbiased - gamma) < 0.04, `mean (n−1)/Σt = ${unbiased}`);
  assert.ok(Math.abs(mle - (gamma * 10) / 9) < 0.045, `mean n/Σt = ${mle} vs ${(gamma * 10) / 9}`);
});

test('censored-exponential MLE: CI coverage >= 90% over 200 repetitions with ~30% of runs censored', (tc) => {
  const rng = createRng(99);
  const gamma = 0.01;
  const budget = -Math.log(0.3) / gamma; // P(T > budget) = 0.3
  let covered = 0;
  let censoredRuns = 0;
  for (let rep = 0; rep < 200; rep++) {
    const t = draws(rng, 100, gamma).map((v) => Math.min(v, budget));
    const r = escapeRate(t, { budget });
    assert.equal(r.method, 'censored-mle');
    assert.equal(r.escaped + r.censored, 100);
    censoredRuns += r.censored;
    if (r.rateCI.lower <= gamma && gamma <= r.rateCI.upper) covered++;
  }
  tc.diagnostic(`censored ${covered}/200 covered, censored fraction ${censoredRuns / 20000}`);
  assert.ok(Math.abs(censoredRuns / 20000 - 0.3) < 0.02, `censored fraction ${censoredRuns / 20000}`);
  assert.ok(covered >= 180, `censored coverage ${covered}/200`);
});

test('censoring flags and budget agree; meanTime is Σt/d; no escapes gives rate 0 with a finite upper bound', () => {
  const t = [10, 20, 30, 100, 100];
  const a = escapeRate(t, { budget: 100 });
  const b = escapeRate(t, { censored: [false, false, false, true, true] });
  assert.deepEqual(a, b);
  assert.equal(a.rate, 3 / 260);
  assert.equal(a.meanTime, 260 / 3);
  const none = escapeRate([50, 50, 50], { budget: 50 });
  assert.equal(none.rate, 0);
  assert.equal(none.rateCI.lower, 0);
  // Upper bound with no events: χ²_{0.975, 2}/(2T) = −ln(0.025)/T.
  assert.ok(Math.abs(none.rateCI.upper - -Math.log(0.025) / 150) < 1e-12);
});

test('the rate from a single exact sample lies in its own CI, and the seed (n−2) variant is available', () => {
  const rng = createRng(3);
  const t = draws(rng, 100, 0.5);
  const r = escapeRate(t);
  assert.ok(r.rateCI.lower < r.rate && r.rate < r.rateCI.upper);
  assert.equal(r.n, 100);
  assert.equal(r.censored, 0);
  const sum = t.reduce((x, y) => x + y, 0);
  assert.ok(Math.abs(escapeRate(t, { numerator: 'n-2' }).rate - 98 / sum) < 1e-15);
  assert.ok(Math.abs(r.meanTime - sum / 100) < 1e-12);
});

test('WLS recovers a known law −log γ = 2 + 0.5 B, slope CI covers 0.5 in >= 85% of 100 repetitions', (t) => {
  const rng = createRng(11);
  const a = 2;
  const b = 0.5;
  const Bs = [1, 2, 3, 4, 5, 6];
  let covered = 0;
  let minR = 1;
  for (let rep = 0; rep < 100; rep++) {
    const points = Bs.map((B) => {
      const r = escapeRate(draws(rng, 100, Math.exp(-(a + b * B))));
      return { x: controlAxis('batchSize', B), rate: r.rate, rateCI: r.rateCI };
    });
    const fit = fitEscapeLaw(points);
    if (fit.slopeCI.lower <= b && b <= fit.slopeCI.upper) covered++;
    minR = Math.min(minR, fit.r);
    // Each −log γ has SD 0.1 (n=100): the slope SD over 6 points is ≈ 0.1/√17.5 = 0.024; 6 SD = 0.15.
    assert.ok(Math.abs(fit.slope - b) < 0.15, `slope ${fit.slope}`);
  }
  t.diagnostic(`slope CI coverage ${covered}/100, min Pearson r ${minR}`);
  assert.ok(covered >= 85, `slope CI coverage ${covered}/100`);
  assert.ok(minR > 0.98, `Pearson r min ${minR}`);
});

test('WLS with noiseless rates is exact; controlAxis maps eta, k, D to reciprocals', () => {
  const points = [0.01, 0.02, 0.05, 0.1].map((eta) => {
    const x = controlAxis('learningRate', eta);
    const rate = Math.exp(-(1 + 0.03 * x));
    return { x, rate, rateCI: { lower: rate * 0.8, upper: rate * 1.25, level: 0.95 } };
  });
  const fit = fitEscapeLaw(points);
  assert.ok(Math.abs(fit.slope - 0.03) < 1e-12);
  assert.ok(Math.abs(fit.intercept - 1) < 1e-10);
  assert.ok(Math.abs(fit.r - 1) < 1e-12);
  assert.equal(controlAxis('sharpness', 4), 0.25);
  assert.equal(controlAxis('diffusion', 0.5), 2);
});

test('Kramers: Theorem 3.2 equals the 1-D general form at T = ηH/(2B); slopes match finite differences', () => {
  const p = { hae: 29.27, hbe: -15.85, deltaL: 25.23, learningRate: 0.05, batchSize: 10, s: 0.4 };
  const ta = (p.learningRate * p.hae) / (2 * p.batchSize);
  const tb = (p.learningRate * Math.abs(p.hbe)) / (2 * p.batchSize);
  const general = oneDimEscapeTime({ ha: p.hae, hb: p.hbe, ta, tb, deltaL: p.deltaL, s: p.s });
  // √(Ta/Tb)/√(Ha|Hb|) = 1/|Hb|: the two forms agree (seed 001 App. A.2).
  assert.ok(Math.abs(Math.log(general) - Math.log(sgdEscapeTime(p))) < 1e-9);
  const h = 1e-3;
  const dB =
    (Math.log(sgdEscapeTime({ ...p, batchSize: p.batchSize + h })) -
      Math.log(sgdEscapeTime({ ...p, batchSize: p.batchSize - h }))) /
    (2 * h);
  assert.ok(Math.abs(dB / sgdLogRateSlope(p, 'batchSize') - 1) < 1e-6);
  const invEta = 1 / p.learningRate;
  const dEta =
    (Math.log(sgdEscapeTime({ ...p, learningRate: 1 / (invEta + h) })) -
      Math.log(sgdEscapeTime({ ...p, learningRate: 1 / (invEta - h) }))) /
    (2 * h);
  assert.ok(Math.abs(dEta / sgdLogRateSlope(p, 'inverseLearningRate') - 1) < 1e-6);
});

test('Kramers SGLD: rescaling H by k multiplies the rate by k (seed 001: γ = O(k))', () => {
  const base = { detHa: 30 * 20, detHb: -15 * 20, hbe: -15, deltaL: 1, diffusion: 0.1 };
  const k = 3;
  // Rescaling a 2-D problem by k multiplies both determinants by k² and |H_be| by k.
  const scaled = { ...base, detHa: base.detHa * k * k, detHb: base.detHb * k * k, hbe: base.hbe * k };
  assert.ok(Math.abs(sgldEscapeTime(base) / sgldEscapeTime(scaled) - k) < 1e-12);
});

test('bad input throws AnalysisInputError', () => {
  assert.throws(
    () => escapeRate([]),
    (e: unknown) => e instanceof AnalysisInputError && /no escape times/.test(e.message),
  );
  assert.throws(
    () => escapeRate([1, Number.NaN]),
    (e: unknown) => e instanceof AnalysisInputError && /time 1 is NaN/.test(e.message),
  );
  assert.throws(
    () => escapeRate([0, 0, 0]),
    (e: unknown) => e instanceof AnalysisInputError && /all escape times are 0/.test(e.message),
  );
  assert.throws(() => escapeRate([1, -2]), AnalysisInputError);
  assert.throws(() => escapeRate([1, 2], { censored: [true] }), AnalysisInputError);
  const ci = { lower: 0.5, upper: 2, level: 0.95 };
  assert.throws(
    () => fitEscapeLaw([1, 1, 1].map((x) => ({ x, rate: 1, rateCI: ci }))),
    (e: unknown) => e instanceof AnalysisInputError && /all control values are equal/.test(e.message),
  );
  assert.throws(() => fitEscapeLaw([{ x: 1, rate: 1, rateCI: ci }]), AnalysisInputError);
  assert.throws(() => controlAxis('learningRate', 0), AnalysisInputError);
});

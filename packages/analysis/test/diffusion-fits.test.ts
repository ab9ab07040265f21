import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  analyzeWindow,
  crossoverWalk,
  fitMsdPowerLaw,
  logDerivative,
  sampleStandardDeviation,
  scanCrossover,
  timeAveragedMsd,
} from '../src/diffusion/index.js';
import { createRng } from '../src/random.js';
import { fitLine } from '../src/regression.js';
import { AnalysisInputError } from '../src/types.js';

test('the O(T) suffix-sum crossover scan reproduces fitLine RMSE at every start lag (1e-9)', () => {
  const curve = timeAveragedMsd(crossoverWalk(createRng(21), 1000, 16));
  const scan = scanCrossover(curve.tau, curve.value, { minFitPoints: 10 });
  assert.equal(scan.start.length, 999 - 10 + 1);
  for (const start of [1, 2, 17, 100, 500, 990]) {
    const fit = fitMsdPowerLaw(curve.tau, curve.value, start, 999);
    assert.equal(scan.start[start - 1], start);
    assert.ok(Math.abs(scan.rmse[start - 1] - fit.rmse) < 1e-9, `start ${start}`);
  }
  // tau0 is the first start under the threshold, and every earlier start is at or above it.
  const tau0 = scan.tau0 ?? Number.NaN;
  assert.ok(scan.rmse[tau0 - 1] < 0.03);
  for (let k = 0; k < tau0 - 1; k++) assert.ok(scan.rmse[k] >= 0.03);
  assert.ok(Math.abs(scan.rmseSd - sampleStandardDeviation(scan.rmse)) < 1e-15);
  const dd = scan.tau0DataDriven ?? Number.NaN;
  assert.ok(scan.rmse[dd - 1] < scan.rmseSd);
});

test('fitMsdPowerLaw is OLS of log10 MSD on log10 tau over every integer lag in the range', () => {
  const tau = Array.from({ length: 300 }, (_, i) => i + 1);
  const rng = createRng(2);
  const msd = tau.map((t) => 5 * t ** 1.3 * 10 ** (0.05 * rng.normal()));
  const fit = fitMsdPowerLaw(tau, msd, 11, 250);
  const x = tau.slice(10, 250).map(Math.log10);
  const y = msd.slice(10, 250).map(Math.log10);
  const ref = fitLine(x, y);
  assert.equal(fit.n, 240);
  assert.ok(Math.abs(fit.alpha - ref.slope) < 1e-12);
  assert.ok(Math.abs(fit.alphaStdErr - ref.slopeStdErr) < 1e-12);
  assert.ok(Math.abs(fit.rmse - ref.rmse) < 1e-12);
  // The noise is 0.05 in log10: RMSE (divisor n) must be close to it (SD of a 240-sample SD ~ 0.05/sqrt(480)).
  assert.ok(Math.abs(fit.rmse - 0.05) < 4 * (0.05 / Math.sqrt(480)));
  const exact = fitMsdPowerLaw(
    tau,
    tau.map((t) => 2 * t ** 0.8),
    1,
    300,
  );
  assert.ok(Math.abs(exact.alpha - 0.8) < 1e-12 && exact.rmse < 1e-12);
  assert.ok(Math.abs(exact.intercept - Math.log10(2)) < 1e-12);
});

test('fits reject non-positive MSD, non-integer lag grids and empty ranges', () => {
  const tau = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  const ok = tau.map((t) => t);
  const bad = [...ok];
  bad[4] = 0;
  assert.throws(
    () => fitMsdPowerLaw(tau, bad, 1, 12),
    (e: unknown) => e instanceof AnalysisInputError && /MSD at lag 5 is 0/.test(e.message),
  );
  assert.throws(() => scanCrossover([1, 3, 4], [1, 2, 3]), /integers 1..n/);
  assert.throws(() => fitMsdPowerLaw(tau, ok, 5, 5), AnalysisInputError);
  assert.throws(() => fitMsdPowerLaw(tau, ok, 0, 5), AnalysisInputError);
  assert.throws(() => scanCrossover(tau, ok, { minFitPoints: 13 }), AnalysisInputError);
  assert.throws(() => scanCrossover(tau, ok, { threshold: 0 }), AnalysisInputError);
  assert.throws(() => logDerivative(tau, ok, 0), AnalysisInputError);
  assert.deepEqual(logDerivative(tau, ok, 12), { tau: [], value: [] });
});

test('window results survive a JSON round trip unchanged (CLI and GraphQL serialise them)', () => {
  const r = analyzeWindow(crossoverWalk(createRng(5), 300, 4), { windowSize: 300 });
  assert.deepEqual(JSON.parse(JSON.stringify(r)), r);
  assert.ok(Array.isArray(r.msd.value) && Array.isArray(r.beta.tau) && Array.isArray(r.msdPerParameter));
  // Reusing the cached calculator across window sizes and conventions gives fresh-calculator results.
  const a = analyzeWindow(crossoverWalk(createRng(6), 600, 3), { windowSize: 300, convention: 'eq3' });
  const b = analyzeWindow(crossoverWalk(createRng(6), 600, 3), { windowSize: 600 });
  assert.equal(a.msd.tau.length, 300);
  assert.equal(b.msd.tau.length, 599);
  assert.deepEqual(
    analyzeWindow(crossoverWalk(createRng(6), 600, 3), { windowSize: 300, convention: 'eq3' }),
    a,
  );
});

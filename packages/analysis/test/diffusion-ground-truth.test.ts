/**
 * Known-answer tests of the diffusion metrics on seeded ground-truth trajectories.
 *
 * Tolerances: the time-averaged MSD of one window is itself a random variable, and the alpha fit's
 * spread across seeds is far larger than its OLS standard error (residuals at neighbouring lags are
 * strongly correlated; measured with d = 32: SD of alpha over seeds ~0.04-0.07 versus OLS SE ~0.002).
 * So each test runs k seeds and requires the seed mean to lie within 4 standard errors of the mean
 * (SD across seeds / sqrt(k), computed in the test) of the exact value. Fixed seeds make this
 * deterministic; a biased estimator would still fail it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  analyzeTrajectory,
  analyzeWindow,
  ballisticMotion,
  brownianWalk,
  chunkTrajectory,
  crossoverExpectedMsd,
  crossoverWalk,
  fbmExpectedMsd,
  fitMsdPowerLaw,
  fractionalBrownianMotion,
  logDerivative,
  msdDirect,
  ornsteinUhlenbeckWalk,
  ouExpectedMsd,
  regimeChangeWalk,
  scanCrossover,
  timeAveragedMsd,
} from '../src/diffusion/index.js';
import { createRng } from '../src/random.js';
import type { RowChunk } from '../src/types.js';

interface Spread {
  mean: number;
  sd: number;
  sem: number;
}

function spread(values: number[]): Spread {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  return { mean, sd, sem: sd / Math.sqrt(n) };
}

function assertWithinSem(values: number[], expected: number, label: string, sems = 4): void {
  const s = spread(values);
  assert.ok(
    Math.abs(s.mean - expected) <= sems * s.sem,
    `${label}: mean ${s.mean} vs expected ${expected}, allowed ${sems} x SEM ${s.sem} (SD ${s.sd}, k=${values.length})`,
  );
}

const LAGS_CHECKED = [1, 10, 100, 500];

/** Mean over seeds of the window MSD at chosen lags must match the exact expected MSD (4 SEM). */
function assertMsdMatches(windows: RowChunk[], expected: (tau: number) => number, label: string): void {
  const curves = windows.map((w) => timeAveragedMsd(w).value);
  for (const lag of LAGS_CHECKED) {
    assertWithinSem(
      curves.map((c) => c[lag - 1]),
      expected(lag),
      `${label} MSD(${lag})`,
    );
  }
}

const SEEDS = Array.from({ length: 12 }, (_, k) => 1000 + k);

test('Brownian walk: alpha = 1 and MSD = d s^2 tau (12 seeds, d = 64, T = 1000)', () => {
  const windows = SEEDS.map((s) => brownianWalk(createRng(s), 1000, 64, 0.5));
  assertMsdMatches(windows, (tau) => 64 * 0.25 * tau, 'Brownian');
  const results = windows.map((w) => analyzeWindow(w));
  assertWithinSem(
    results.map((r) => r.alpha),
    1,
    'Brownian alpha',
  );
  // beta ~ alpha for a pure power law: the mean of beta over tau in [1, 100] per seed.
  assertWithinSem(
    results.map((r) => r.beta.value.slice(0, 100).reduce((a, b) => a + b, 0) / 100),
    1,
    'Brownian beta',
  );
});

test('ballistic motion: MSD = |v|^2 tau^2 exactly, alpha = beta = 2, tau0 = 1, both conventions', () => {
  const walk = ballisticMotion(createRng(8), 2000, 10, 0.3);
  const speed2 = walk.velocity.reduce((a, v) => a + v * v, 0);
  for (const convention of ['tamsd', 'eq3'] as const) {
    const window = convention === 'tamsd' ? { rows: 1000, d: 10, data: walk.data.subarray(0, 10_000) } : walk;
    const r = analyzeWindow(window, { convention });
    assert.equal(r.convention, convention);
    assert.equal(r.msd.tau.length, convention === 'tamsd' ? 999 : 1000);
    r.msd.value.forEach((m, i) => {
      const tau = i + 1;
      assert.ok(Math.abs(m - speed2 * tau * tau) <= 1e-9 * speed2 * tau * tau, `${convention} tau=${tau}`);
    });
    assert.ok(Math.abs(r.alpha - 2) < 1e-9);
    assert.ok(r.rmse < 1e-9);
    assert.equal(r.tau0, 1);
    assert.equal(r.alphaShort, null); // [1, 1] holds one lag: no fit
    assert.ok(Math.abs((r.alphaLong ?? 0) - 2) < 1e-9);
    for (const b of r.beta.value) assert.ok(Math.abs(b - 2) < 1e-9);
    assert.equal(r.beta.tau.length, r.msd.tau.length - 20);
  }
});

test('beta equals alpha exactly on an exact power law, with the configured lag span', () => {
  const tau = Array.from({ length: 999 }, (_, i) => i + 1);
  const msd = tau.map((t) => 3 * t ** 0.7);
  for (const span of [1, 20, 50]) {
    const beta = logDerivative(tau, msd, span);
    assert.equal(beta.value.length, 999 - span);
    for (const b of beta.value) assert.ok(Math.abs(b - 0.7) < 1e-12);
  }
});

for (const hurst of [0.3, 0.5, 0.7]) {
  test(`exact fBm (Davies-Harte), H = ${hurst}: MSD = d tau^2H and alpha = 2H (12 seeds, d = 64)`, () => {
    const windows = SEEDS.map((s) => fractionalBrownianMotion(createRng(s + 77), 1000, 64, hurst));
    assertMsdMatches(windows, (tau) => fbmExpectedMsd(tau, hurst, 64), `fBm H=${hurst}`);
    assertWithinSem(
      windows.map((w) => analyzeWindow(w).alpha),
      2 * hurst,
      `fBm H=${hurst} alpha`,
    );
  });
}

test('confined (Ornstein-Uhlenbeck) walk: MSD plateau at d 2v, alpha ~ 0 at long lags (12 seeds, d = 32)', () => {
  const phi = 0.9;
  const windows = SEEDS.map((s) => ornsteinUhlenbeckWalk(createRng(s + 5), 1000, 32, phi, 0.2));
  assertMsdMatches(windows, (tau) => ouExpectedMsd(tau, phi, 32, 0.2), 'OU');
  // Exact expected slope over [100, 999] (lags >> 1/(1 - phi) = 10): effectively 0.
  const tau = Array.from({ length: 999 }, (_, i) => i + 1);
  const exact = fitMsdPowerLaw(
    tau,
    tau.map((t) => ouExpectedMsd(t, phi, 32, 0.2)),
    100,
    999,
  ).alpha;
  assert.ok(Math.abs(exact) < 1e-4);
  const longLag = windows.map((w) => {
    const curve = timeAveragedMsd(w);
    return fitMsdPowerLaw(curve.tau, curve.value, 100, 999).alpha;
  });
  assertWithinSem(longLag, exact, 'OU long-lag alpha');
  // The window-level alpha is far below 1 (subdiffusive) because of the plateau.
  for (const w of windows) assert.ok(analyzeWindow(w).alpha < 0.2);
});

test('sub-then-super crossover: tau0 is found near the designed crossover lag (12 seeds, d = 32)', () => {
  const design = { hurst: 0.25, crossoverLag: 50 };
  // The rule applied to the exact expected curve: must sit within a factor 2 of the designed lag.
  const tau = Array.from({ length: 999 }, (_, i) => i + 1);
  const exactScan = scanCrossover(
    tau,
    tau.map((t) => crossoverExpectedMsd(t, 32, design)),
  );
  const exactTau0 = exactScan.tau0 ?? Number.NaN;
  assert.ok(exactTau0 >= 25 && exactTau0 <= 100, `exact-curve tau0 ${exactTau0}`);
  const results = SEEDS.map((s) => analyzeWindow(crossoverWalk(createRng(s + 3), 1000, 32, design)));
  // tau0 is an integer: allow 1 lag of discreteness on top of 4 SEM.
  const tau0s = results.map((r) => r.tau0 ?? Number.NaN);
  const s = spread(tau0s);
  assert.ok(
    Math.abs(s.mean - exactTau0) <= 4 * s.sem + 1,
    `tau0 mean ${s.mean} (SD ${s.sd}) vs ${exactTau0}`,
  );
  for (const r of results) {
    assert.ok(r.alphaShort !== null && r.alphaShort < 1, `alphaShort ${r.alphaShort}`);
    assert.ok(r.alphaLong !== null && r.alphaLong > 1.5, `alphaLong ${r.alphaLong}`);
    assert.ok(r.rmse > 0.03, 'one power law must not fit a crossover');
  }
});

test('super-then-sub regime change: t0 is the designed change window (streamed in odd chunks)', async () => {
  const design = { windows: 8, windowSize: 1000, changeWindow: 5, afterHurst: 0.35 };
  const walk = regimeChangeWalk(createRng(2024), 256, design);
  const result = await analyzeTrajectory(chunkTrajectory(walk, [777, 5, 1234]));
  assert.equal(result.windows.length, 8);
  assert.equal(result.convention, 'tamsd');
  assert.equal(result.d, 256);
  assert.equal(result.t0, 5000);
  assert.equal(result.t0DataDriven, 5000);
  result.windows.forEach((w, k) => {
    assert.equal(w.tw, 1000 * k);
    if (k < 5) assert.ok((w.alphaLong ?? 0) > 1, `window ${k}: superdiffusive at long lags`);
    else assert.ok(Math.abs(w.alpha - 0.7) < 0.1, `window ${k}: alpha ${w.alpha}`);
  });
});

test('t0 and tau0 are null (and alphaShort/alphaLong too) when nothing meets the threshold', async () => {
  const walk = crossoverWalk(createRng(9), 3000, 8);
  const result = await analyzeTrajectory([walk], { rmseThreshold: 1e-9 });
  assert.equal(result.t0, null);
  for (const w of result.windows) {
    assert.equal(w.tau0, null);
    assert.equal(w.alphaShort, null);
    assert.equal(w.alphaLong, null);
  }
});

test('eq3 convention through the driver matches its direct definition', async () => {
  const walk = fractionalBrownianMotion(createRng(4), 600, 6, 0.6);
  const result = await analyzeTrajectory(chunkTrajectory(walk, [99]), { windowSize: 200, convention: 'eq3' });
  assert.equal(result.windows.length, 2); // tw = 0, 200 (tw = 400 would need rows up to 799)
  result.windows.forEach((w) => {
    const rows = { rows: 400, d: 6, data: walk.data.subarray(w.tw * 6, (w.tw + 400) * 6) };
    const direct = msdDirect(rows, 'eq3', 200).value;
    for (let i = 0; i < direct.length; i++) {
      assert.ok(Math.abs(w.msd.value[i] - direct[i]) <= 1e-9 * direct[i]);
      assert.ok(Math.abs(w.msdPerParameter[i] - direct[i] / 6) <= 1e-9 * direct[i]);
    }
  });
});

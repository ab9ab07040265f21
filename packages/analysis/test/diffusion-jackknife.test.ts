/**
 * Per-window exponent uncertainty: the delete-one-group coordinate jackknife against replicate spread on processes
 * of known exponent (Brownian alpha = 1, fBm alpha = 2H, ballistic alpha = 2). Tolerances are stated per test;
 * every case is seeded, so a failure reproduces.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  analyzeWindow,
  ballisticMotion,
  brownianWalk,
  fractionalBrownianMotion,
  MsdCalculator,
  msdDirect,
} from '../src/diffusion/index.js';
import { createRng, type Rng } from '../src/random.js';
import type { RowChunk } from '../src/types.js';

test('coordinate groups partition the MSD: their contributions sum to the total (1e-9 relative), both conventions', () => {
  const walk = brownianWalk(createRng(3), 400, 37);
  for (const convention of ['tamsd', 'eq3'] as const) {
    const windowSize = convention === 'eq3' ? 200 : 400;
    const curve = new MsdCalculator(windowSize, convention, { jackknifeGroups: 16 }).compute(walk);
    const direct = msdDirect(walk, convention, windowSize);
    // 37 columns = 19 pairs, dealt round-robin over 16 groups.
    assert.equal(curve.groups?.length, 16);
    for (let k = 0; k < curve.value.length; k++) {
      const sum = (curve.groups ?? []).reduce((acc, part) => acc + part[k], 0);
      assert.ok(Math.abs(sum - curve.value[k]) <= 1e-9 * curve.value[k], `${convention} lag ${k + 1}`);
      assert.ok(Math.abs(curve.value[k] - direct.value[k]) <= 1e-9 * direct.value[k]);
    }
  }
});

test('no groups, and classical OLS errors without an interval, below 4 column pairs or with grouping off', () => {
  const narrow = analyzeWindow(brownianWalk(createRng(4), 500, 6), { windowSize: 500 });
  assert.equal(narrow.uncertainty.method, 'ols');
  assert.equal(narrow.alphaCi, null);
  const off = analyzeWindow(brownianWalk(createRng(4), 500, 64), { windowSize: 500, jackknifeGroups: 0 });
  assert.equal(off.uncertainty.method, 'ols');
  const on = analyzeWindow(brownianWalk(createRng(4), 500, 64), { windowSize: 500 });
  assert.deepEqual(on.uncertainty, { method: 'coordinate-jackknife', groups: 16 });
  // Grouping changes the error, never the estimate (beyond the rounding of summing group spectra).
  assert.ok(Math.abs(on.alpha - off.alpha) < 1e-12, `${on.alpha} vs ${off.alpha}`);
});

function calibration(make: (rng: Rng) => RowChunk, truth: number, replicates: number) {
  const rng = createRng(11);
  const alphas: number[] = [];
  let meanSquaredSe = 0;
  let covered = 0;
  for (let r = 0; r < replicates; r++) {
    const w = analyzeWindow(make(rng), { windowSize: 1000 });
    assert.equal(w.uncertainty.method, 'coordinate-jackknife');
    alphas.push(w.alpha);
    meanSquaredSe += w.alphaStdErr ** 2 / replicates;
    if (w.alphaCi && w.alphaCi.lower <= truth && truth <= w.alphaCi.upper) covered++;
  }
  const mean = alphas.reduce((a, b) => a + b, 0) / replicates;
  const sd = Math.sqrt(alphas.reduce((acc, a) => acc + (a - mean) ** 2, 0) / (replicates - 1));
  return { mean, sd, rmsSe: Math.sqrt(meanSquaredSe), coverage: covered / replicates };
}

// 120 replicates: the coverage of a calibrated 95% interval then has SD 0.02, so [0.86, 1] is a 4.5-SD band
// below; the SE-to-spread ratio of a calibrated jackknife stays within [0.75, 1.35] (about 4 SD of the ratio's
// sampling error for 8-16 groups).
test('Brownian walks (alpha = 1, d = 16 and 64): jackknife SE matches the replicate SD and 95% intervals cover', () => {
  for (const d of [16, 64]) {
    const c = calibration((rng) => brownianWalk(rng, 1000, d), 1, 120);
    assert.ok(Math.abs(c.mean - 1) < 0.03, `d=${d}: mean alpha ${c.mean}`);
    const ratio = c.rmsSe / c.sd;
    assert.ok(ratio > 0.75 && ratio < 1.35, `d=${d}: RMS SE ${c.rmsSe} vs replicate SD ${c.sd}`);
    assert.ok(c.coverage >= 0.86, `d=${d}: coverage ${c.coverage}`);
  }
});

test('fractional Brownian motion H = 0.3 (alpha = 0.6, d = 16): calibrated SE and coverage', () => {
  const c = calibration((rng) => fractionalBrownianMotion(rng, 1000, 16, 0.3), 0.6, 120);
  // The all-lag OLS fit of log MSD is biased low by a few hundredths at this window length (Jensen at long lags).
  assert.ok(Math.abs(c.mean - 0.6) < 0.05, `mean alpha ${c.mean}`);
  const ratio = c.rmsSe / c.sd;
  assert.ok(ratio > 0.75 && ratio < 1.35, `RMS SE ${c.rmsSe} vs replicate SD ${c.sd}`);
  assert.ok(c.coverage >= 0.86, `coverage ${c.coverage}`);
});

test('ballistic motion (alpha = 2 exactly in every coordinate group): the interval is tight around 2', () => {
  const w = analyzeWindow(ballisticMotion(createRng(5), 1000, 32), { windowSize: 1000 });
  assert.ok(Math.abs(w.alpha - 2) < 1e-9);
  assert.ok(w.alphaStdErr < 1e-9, `SE ${w.alphaStdErr}`);
  assert.ok(w.alphaCi && w.alphaCi.lower <= 2 + 1e-9 && w.alphaCi.upper >= 2 - 1e-9);
});

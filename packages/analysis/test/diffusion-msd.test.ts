import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  brownianWalk,
  eq3Msd,
  MsdCalculator,
  type MsdCurve,
  msdDirect,
  timeAveragedMsd,
} from '../src/diffusion/index.js';
import { createRng } from '../src/random.js';
import { AnalysisInputError, type RowChunk } from '../src/types.js';

/** Largest relative difference between two MSD curves over all lags. */
function maxRelativeError(a: MsdCurve, b: MsdCurve): number {
  assert.equal(a.value.length, b.value.length);
  let worst = 0;
  for (let i = 0; i < a.value.length; i++) {
    worst = Math.max(worst, Math.abs(a.value[i] - b.value[i]) / Math.abs(b.value[i]));
  }
  return worst;
}

/** A Brownian walk shifted far from the origin, so the FFT identity's subtraction is stressed. */
function offsetWalk(seed: number, rows: number, d: number, offset: number): RowChunk {
  const walk = brownianWalk(createRng(seed), rows, d);
  const data = walk.data as Float64Array;
  for (let i = 0; i < data.length; i++) data[i] += offset + (i % d);
  return walk;
}

test('FFT time-averaged MSD equals the direct O(N^2) sum to 1e-9 relative', () => {
  // Shapes: even/odd d, d crossing the 32-column transpose block, the smallest window (N = 2).
  const shapes: Array<[number, number]> = [
    [64, 7],
    [100, 33],
    [2, 1],
    [129, 64],
    [37, 1],
  ];
  for (const [rows, d] of shapes) {
    const walk = offsetWalk(rows * 31 + d, rows, d, 1000);
    const fast = timeAveragedMsd(walk);
    const slow = msdDirect(walk, 'tamsd', rows);
    assert.equal(fast.convention, 'tamsd');
    assert.equal(fast.tau.length, rows - 1);
    assert.ok(maxRelativeError(fast, slow) < 1e-9, `rows=${rows} d=${d}: ${maxRelativeError(fast, slow)}`);
    for (let i = 0; i < fast.value.length; i++) {
      assert.ok(Math.abs(fast.perParameter[i] - fast.value[i] / d) <= 1e-12 * fast.value[i]);
    }
  }
});

test('FFT eq3 MSD equals the seed Eq. 3 definition (1/T) sum_{t<T} ||w(t+tau) - w(t)||^2, tau = 1..T', () => {
  for (const [t, d] of [
    [50, 33],
    [16, 2],
    [3, 5],
  ]) {
    const walk = offsetWalk(t + d, 2 * t, d, -500);
    const fast = eq3Msd(walk);
    assert.equal(fast.convention, 'eq3');
    assert.equal(fast.tau.length, t);
    assert.equal(fast.tau[t - 1], t);
    // Written out here independently of msdDirect.
    for (let lag = 1; lag <= t; lag++) {
      let sum = 0;
      for (let s = 0; s < t; s++) {
        for (let j = 0; j < d; j++) sum += (walk.data[(s + lag) * d + j] - walk.data[s * d + j]) ** 2;
      }
      const expected = sum / t;
      assert.ok(Math.abs(fast.value[lag - 1] - expected) < 1e-9 * expected, `T=${t} lag=${lag}`);
    }
    assert.ok(maxRelativeError(fast, msdDirect(walk, 'eq3', t)) < 1e-9);
  }
});

test('float32 windows give the same MSD as the float64 values they hold', () => {
  const walk = brownianWalk(createRng(5), 200, 9);
  const f32 = Float32Array.from(walk.data);
  const asF64 = { rows: 200, d: 9, data: Float64Array.from(f32) };
  const a = timeAveragedMsd({ rows: 200, d: 9, data: f32 });
  const b = msdDirect(asF64, 'tamsd', 200);
  assert.ok(maxRelativeError(a, b) < 1e-9);
});

test('one calculator reused across windows gives the same result as fresh ones', () => {
  const calc = new MsdCalculator(80, 'tamsd');
  for (let seed = 0; seed < 3; seed++) {
    const walk = brownianWalk(createRng(seed), 80, 40 - seed * 13);
    assert.deepEqual(calc.compute(walk).value, timeAveragedMsd(walk).value);
  }
});

test('MSD rejects windows of the wrong length and windows without motion', () => {
  const calc = new MsdCalculator(10, 'eq3');
  assert.throws(
    () => calc.compute(brownianWalk(createRng(1), 10, 2)),
    (e: unknown) => e instanceof AnalysisInputError && /needs windows of 20 rows, got 10/.test(e.message),
  );
  assert.throws(
    () => timeAveragedMsd({ rows: 5, d: 3, data: new Float64Array(15).fill(2) }),
    (e: unknown) => e instanceof AnalysisInputError && /no displacement/.test(e.message),
  );
  const nan = brownianWalk(createRng(2), 10, 3);
  (nan.data as Float64Array)[17] = Number.NaN;
  assert.throws(
    () => timeAveragedMsd(nan),
    (e: unknown) => e instanceof AnalysisInputError && /NaN or infinite/.test(e.message),
  );
  assert.throws(() => new MsdCalculator(1), AnalysisInputError);
  assert.throws(() => eq3Msd(brownianWalk(createRng(1), 7, 2)), AnalysisInputError);
});

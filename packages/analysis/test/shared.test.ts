import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng, fitLine, stableSample } from '../src/index.js';

test('seeded rng is reproducible and normal() has unit variance (n=200k, 5 sigma bounds)', () => {
  const a = createRng(42);
  const b = createRng(42);
  for (let i = 0; i < 10; i++) assert.equal(a.next(), b.next());
  const r = createRng(7);
  const n = 200_000;
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const z = r.normal();
    s += z;
    s2 += z * z;
  }
  const mean = s / n;
  const variance = s2 / n - mean * mean;
  assert.ok(Math.abs(mean) < 5 / Math.sqrt(n), `mean ${mean}`);
  assert.ok(Math.abs(variance - 1) < 5 * Math.sqrt(2 / n), `variance ${variance}`);
});

test('fitLine recovers a noiseless line and reports Pearson r = 1', () => {
  const x = [1, 2, 3, 4, 5];
  const y = x.map((v) => 3 - 2 * v);
  const f = fitLine(x, y);
  assert.ok(Math.abs(f.slope + 2) < 1e-12);
  assert.ok(Math.abs(f.intercept - 3) < 1e-12);
  assert.ok(Math.abs(f.r + 1) < 1e-12);
});

test('stableSample with alpha=2 is Gaussian with variance 2 scale^2 (S1 convention)', () => {
  const r = createRng(11);
  const n = 100_000;
  let s2 = 0;
  for (let i = 0; i < n; i++) s2 += stableSample(r, 2, 0, 1, 0) ** 2;
  assert.ok(Math.abs(s2 / n - 2) < 0.05, `variance ${s2 / n}`);
});

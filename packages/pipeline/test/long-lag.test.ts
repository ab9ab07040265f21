/** The alphaLong rule shared by diffusion and toy-walk: a long-lag range must span MIN_LONG_DECADES of lag. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { alphaLongSkip, MIN_LONG_DECADES } from '../src/estimators/long-lag.js';

describe('alphaLongSkip', () => {
  const lags = Array.from({ length: 999 }, (_, i) => i + 1);

  test('keeps alphaLong when [tau0, maxLag] spans half a decade, skips it just short of that', () => {
    assert.equal(MIN_LONG_DECADES, 0.5);
    // log10(999 / 315) = 0.5012, log10(999 / 316) = 0.4999.
    assert.equal(alphaLongSkip(0, 315, lags), null);
    const skip = alphaLongSkip(3, 316, lags);
    assert.ok(skip);
    assert.equal(skip.window, 3);
    assert.equal(skip.quantity, 'alphaLong');
    assert.equal(skip.maxLag, 999);
    assert.ok(Math.abs((skip.decades as number) - Math.log10(999 / 316)) < 1e-12);
    assert.match(String(skip.reason), /\[316, 999\] spans 0\.500 decades, fewer than 0\.5/);
  });

  test('has nothing to skip without a crossover or without lags', () => {
    assert.equal(alphaLongSkip(0, null, lags), null);
    assert.equal(alphaLongSkip(0, 5, []), null);
  });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  chiSquareCdf,
  chiSquareQuantile,
  logGamma,
  normalCdf,
  normalQuantile,
  regularizedBeta,
  regularizedGammaP,
  regularizedGammaQ,
  studentTCdf,
  studentTQuantile,
} from '../src/special.js';

const close = (got: number, want: number, rel: number, what: string): void =>
  assert.ok(
    Math.abs(got - want) <= rel * Math.abs(want),
    `${what}: got ${got}, want ${want} (rel tol ${rel})`,
  );

test('logGamma matches factorials, Γ(1/2) = √π and a tiny argument', () => {
  close(logGamma(0.5), 0.5 * Math.log(Math.PI), 1e-14, 'lnΓ(0.5)');
  close(logGamma(10), Math.log(362880), 1e-14, 'lnΓ(10)');
  close(logGamma(171), 706.5730622457874, 1e-14, 'lnΓ(171)');
  close(logGamma(1e-3), 6.907178885383854, 1e-13, 'lnΓ(0.001)');
  assert.throws(() => logGamma(0), RangeError);
});

test('regularized incomplete gamma: closed forms P(1,x) = 1 − e^−x and P(3,2) = 1 − 5e^−2', () => {
  close(regularizedGammaP(1, 0.7), 1 - Math.exp(-0.7), 1e-14, 'P(1,0.7)');
  close(regularizedGammaP(3, 2), 1 - 5 * Math.exp(-2), 1e-14, 'P(3,2)');
  close(regularizedGammaQ(1, 50), Math.exp(-50), 1e-12, 'Q(1,50) far tail');
  close(regularizedGammaP(20, 5) + regularizedGammaQ(20, 5), 1, 1e-15, 'P + Q');
});

test('chi-square CDF and quantile reproduce table values (R qchisq)', () => {
  close(chiSquareQuantile(0.95, 1), 3.841458820694124, 1e-12, 'q(0.95, 1)');
  close(chiSquareQuantile(0.975, 200), 241.0578955063119, 1e-10, 'q(0.975, 200)');
  close(chiSquareQuantile(0.025, 200), 162.727982501845, 1e-10, 'q(0.025, 200)');
  close(chiSquareQuantile(0.5, 2), 2 * Math.log(2), 1e-12, 'median of chi2_2 = 2 ln 2');
  for (const [p, k] of [
    [0.001, 3],
    [0.3, 7],
    [0.999, 40],
  ]) {
    close(chiSquareCdf(chiSquareQuantile(p, k), k), p, 1e-10, `round trip p=${p}, k=${k}`);
  }
});

test('normal CDF/quantile: 1.96, far tail and round trips', () => {
  close(normalCdf(1.959963984540054), 0.975, 1e-15, 'Φ(1.96)');
  close(normalCdf(-10), 7.619853024160527e-24, 1e-12, 'Φ(−10)');
  close(normalQuantile(0.975), 1.959963984540054, 1e-14, 'Φ⁻¹(0.975)');
  close(normalQuantile(1e-10), -6.361340902404056, 1e-13, 'Φ⁻¹(1e−10)');
  for (const p of [1e-300, 0.01, 0.3, 0.5, 0.77, 0.999999]) {
    const x = normalQuantile(p);
    close(p < 0.5 ? normalCdf(x) : 1 - normalCdf(-x), p, 1e-12, `round trip ${p}`);
  }
});

test('regularized beta and Student t match known values', () => {
  close(regularizedBeta(0.3, 1, 1), 0.3, 1e-14, 'I_x(1,1) = x');
  close(regularizedBeta(0.4, 2, 3), 0.5248, 1e-12, 'I_0.4(2,3)');
  close(studentTQuantile(0.975, 4), 2.776445105197793, 1e-9, 't(0.975, 4)');
  close(studentTQuantile(0.975, 1), 12.70620473617471, 1e-9, 't(0.975, 1)');
  close(studentTCdf(1, 1), 0.75, 1e-14, 'Cauchy CDF at 1');
});

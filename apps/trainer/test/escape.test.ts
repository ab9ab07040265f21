import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRng, fitLine } from '@sgdscope/analysis';
import {
  escapeRate,
  simulateEscapes,
  stCriticalPoints,
  stTerm,
  stTermCurvature,
  styblinskiTang,
} from '../src/toy/styblinski-tang.js';

const base = {
  noise: 'sgd',
  eta: 0.02,
  batchSize: 0.05,
  diffusion: 3,
  sharpness: 1,
  dimension: 10,
  startMinimum: 'local',
  repeats: 100,
  maxSteps: 100_000,
} as const;

/** -log of the escape rate per unit dynamical time (eta x iterations), seed 001's y-axis. */
async function minusLogRate(
  overrides: Partial<typeof base> | Record<string, unknown>,
  seed = 1,
): Promise<number> {
  const dyn = { ...base, ...overrides } as typeof base;
  const sim = await simulateEscapes(dyn, createRng(seed));
  const rate = escapeRate(
    Array.from(sim.iterations, (t) => t * dyn.eta),
    sim.escaped,
  );
  assert.ok(rate.escaped >= 90, `only ${rate.escaped} escaped for ${JSON.stringify(overrides)}`);
  return -Math.log(rate.rate);
}

describe('Styblinski-Tang landscape (science-spec §2.2)', () => {
  it('has the minima, col, curvatures and barriers of the spec', async () => {
    const { leftMin, col, rightMin } = stCriticalPoints();
    assert.ok(Math.abs(leftMin + 2.90353) < 1e-5);
    assert.ok(Math.abs(col - 0.15673) < 1e-5);
    assert.ok(Math.abs(rightMin - 2.7468) < 1e-5);
    assert.ok(Math.abs(stTermCurvature(leftMin) - 34.58) < 0.01);
    assert.ok(Math.abs(stTermCurvature(rightMin) - 29.27) < 0.01);
    assert.ok(Math.abs(stTermCurvature(col) + 15.85) < 0.01);
    assert.ok(Math.abs(stTerm(col) - stTerm(leftMin) - 39.36) < 0.005);
    assert.ok(Math.abs(stTerm(col) - stTerm(rightMin) - 25.23) < 0.005);
  });

  it('sharpness k keeps loss values and scales positions by 1/sqrt(k)', async () => {
    const theta = [0.3, -1.2, 2.0];
    const k = 4;
    assert.ok(
      Math.abs(
        styblinskiTang(
          theta.map((t) => t / Math.sqrt(k)),
          k,
        ) - styblinskiTang(theta),
      ) < 1e-12,
    );
  });
});

describe('escape-rate estimator (science-spec §3.2)', () => {
  it('(n-1)/sum t is unbiased for exponential times and its chi-square CI covers the rate ~95%', async () => {
    const rng = createRng(42);
    const trueRate = 0.3;
    let covered = 0;
    let sumRate = 0;
    const trials = 400;
    for (let k = 0; k < trials; k++) {
      const times = Array.from({ length: 20 }, () => -Math.log(1 - rng.next()) / trueRate);
      const est = escapeRate(
        times,
        times.map(() => 1),
      );
      sumRate += est.rate;
      if (est.lower <= trueRate && trueRate <= est.upper) covered++;
    }
    // Mean of 400 estimates with SD 0.3/sqrt(19) each: SE 0.0035; coverage SE sqrt(.95*.05/400) = 0.011.
    assert.ok(Math.abs(sumRate / trials - trueRate) < 0.015, `mean estimate ${sumRate / trials}`);
    assert.ok(covered / trials > 0.91 && covered / trials < 0.99, `coverage ${covered / trials}`);
  });

  it('switches to the censored MLE when some runs never escape', async () => {
    const est = escapeRate([10, 20, 100, 100], [1, 1, 0, 0]);
    assert.equal(est.method, 'censored-mle');
    assert.equal(est.rate, 2 / 230);
    assert.equal(escapeRate([5, 5], [0, 0]).rate, 0);
  });
});

describe('escape-time scaling (seed 001 Thm 3.2, science-spec §3.1)', () => {
  it('default settings give mean escape times between 50 and 1e5 iterations (science-spec §5.14)', async () => {
    const sim = await simulateEscapes(base, createRng(3));
    const mean = sim.iterations.reduce((a, b) => a + b, 0) / sim.iterations.length;
    assert.ok(mean > 50 && mean < 1e5, `mean ${mean}`);
    assert.equal(
      sim.escaped.reduce((a, b) => a + b, 0),
      100,
    );
  });

  it('-log(rate) is linear in B with r > 0.99 and a positive slope', async () => {
    // n = 100 per point: each -log(rate) has SE ~0.1, against a 4-unit rise over the sweep.
    const bs = [0.04, 0.05, 0.06, 0.07];
    const fit = fitLine(bs, await Promise.all(bs.map((batchSize) => minusLogRate({ batchSize }))));
    assert.ok(fit.slope > 0, `slope ${fit.slope}`);
    assert.ok(fit.r > 0.99, `r = ${fit.r}`);
  });

  it('-log(rate per dynamical time) is linear in 1/eta with r > 0.99 and a positive slope', async () => {
    const etas = [0.018, 0.02, 0.022, 0.025];
    const fit = fitLine(
      etas.map((e) => 1 / e),
      await Promise.all(etas.map((eta) => minusLogRate({ eta }))),
    );
    assert.ok(fit.slope > 0, `slope ${fit.slope}`);
    assert.ok(fit.r > 0.99, `r = ${fit.r}`);
  });

  it('SGLD: -log(rate) is linear in 1/D with slope ≈ the barrier 25.23 (Kramers, Thm 3.1)', async () => {
    // Measured 23.9 ± 0.4 over D in [2.5, 4]; the Kramers prefactor drifts weakly with D, so allow 15%.
    const ds = [2.5, 3, 3.5, 4];
    const fit = fitLine(
      ds.map((d) => 1 / d),
      await Promise.all(ds.map((diffusion) => minusLogRate({ noise: 'sgld', diffusion }))),
    );
    assert.ok(fit.r > 0.99, `r = ${fit.r}`);
    assert.ok(Math.abs(fit.slope - 25.23) < 0.15 * 25.23, `slope ${fit.slope}`);
  });

  it('a sharper minimum (larger k) escapes faster', async () => {
    assert.ok((await minusLogRate({ sharpness: 1.2 })) < (await minusLogRate({ sharpness: 1 })));
  });
});

/**
 * The compute worker changes the thread, not the numbers: every estimator that hands work to it (diffusion,
 * gradient-stable, geometry and msl, sketched and not, and landscape) gives bit-identical output to the same estimator run on
 * the calling thread (SGDSCOPE_PIPELINE_WORKER=0), on a seeded network run.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { brownianPath, createRng, fbmSurface, stableSample } from '@sgdscope/analysis';
import { writeArtifact } from '@sgdscope/db/repo/artifacts';
import { createRun, getRun } from '@sgdscope/db/repo/runs';
import { appendSteps } from '@sgdscope/db/repo/steps';
import { computeWorkerCalls } from '../src/compute/pool.js';
import { findEstimator } from '../src/index.js';
import { newProject, openTargets, writeRows } from './fixtures.js';

const { ready } = await openTargets();
after(() => Promise.all(ready.map((t) => t.close())));

/** Every number (plain or in a typed array) as the hex of its float64 bits, so -0, NaN and ulps all count. */
function bits(value: unknown): unknown {
  const hex = (x: number) => {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, x);
    return view.getBigUint64(0).toString(16);
  };
  if (typeof value === 'number') return hex(value);
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>, hex);
  if (Array.isArray(value)) return value.map(bits);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, bits(v)]));
  }
  return value;
}

test('estimators give bit-identical results in the compute worker and on the calling thread', {
  skip: ready.length === 0 ? 'no database' : undefined,
}, async () => {
  const { deps } = ready[0];
  const projectId = await newProject(deps);
  const created = await createRun(deps, { projectId, name: 'worker-identity', kind: 'network', config: {} });
  const path = brownianPath({ steps: 1100, d: 40, seed: 3 });
  await writeRows(deps, created.id, path.rows, path.d, path.data, 300);
  const rng = createRng(5);
  const loss = Float64Array.from({ length: 1100 }, (_, t) => Math.exp(-t / 400) + 0.05 * rng.normal());
  await appendSteps(deps, created.id, { fromStep: 0, series: { loss } });
  const g = Float64Array.from({ length: 1500 }, () => stableSample(rng, 1.4, 0, 0.01, 0));
  await writeArtifact(deps, created.id, { name: 'gradient_sample', step: 0, shape: [1500], data: g });
  const grid = fbmSurface({ size: 64, hurst: 0.4, seed: 9, oversample: 2 });
  const shape = [grid.rows, grid.cols];
  await writeArtifact(deps, created.id, { name: 'landscape2d', step: 0, shape, data: grid.data });
  const run = await getRun(deps, created.id);

  const cases: [string, Record<string, unknown>][] = [
    ['diffusion', { windowSize: 500 }],
    ['gradient-stable', { resamples: 20 }],
    ['geometry', { windowSize: 500 }],
    ['geometry', { windowSize: 500, sketchDim: 16, sketchSeed: 2 }],
    ['msl', { windowSize: 500, minPairsPerBin: 20 }],
    ['msl', { windowSize: 500, minPairsPerBin: 20, sketchDim: 16 }],
    ['landscape', { mslPoints: 300 }],
  ];
  for (const [name, raw] of cases) {
    const estimator = findEstimator(name);
    assert.ok(estimator);
    const params = estimator.resolveParams(raw);
    const before = computeWorkerCalls();
    delete process.env.SGDSCOPE_PIPELINE_WORKER;
    const offThread = await estimator.run(deps, run, params);
    assert.ok(computeWorkerCalls() > before, `${name}: the worker answered no call`);
    process.env.SGDSCOPE_PIPELINE_WORKER = '0';
    const onThread = await estimator.run(deps, run, params);
    delete process.env.SGDSCOPE_PIPELINE_WORKER;
    assert.ok(onThread.scalars.length > 0, `${name}: no scalars`);
    assert.deepEqual(bits(offThread), bits(onThread), `${name} ${JSON.stringify(raw)}`);
  }
});

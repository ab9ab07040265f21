/**
 * Event-loop responsiveness while analyses run: seeds a network run on the embedded database (PGlite) whose
 * trajectory is wider than maxDimension (so analyzeRunAll sketches it for geometry and msl, as for the MNIST MLP),
 * runs analyzeRunAll on it while perf_hooks.monitorEventLoopDelay records, then reruns each estimator alone
 * (force) to show which one blocks longest. Prints max / p99 event-loop delay and wall time.
 * Usage: npm run bench:event-loop -w @sgdscope/pipeline. SGDSCOPE_EL_D (default 79,510, the MNIST MLP),
 * SGDSCOPE_EL_ROWS (default 2000), SGDSCOPE_EL_CHUNK (rows per stored chunk, default as the trainer: 32 MiB),
 * SGDSCOPE_EL_ONLY (comma-separated estimators, default all); SGDSCOPE_PIPELINE_WORKER=0 measures the old path.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createRng, stableSample } from '@sgdscope/analysis';
import { LocalBlobStore } from '@sgdscope/db/blob/index';
import { createDb } from '@sgdscope/db/client';
import { writeArtifact } from '@sgdscope/db/repo/artifacts';
import type { RepoDeps } from '@sgdscope/db/repo/context';
import { createProject } from '@sgdscope/db/repo/projects';
import { createRun } from '@sgdscope/db/repo/runs';
import { appendSteps } from '@sgdscope/db/repo/steps';
import { writeTrajectoryChunk } from '@sgdscope/db/repo/trajectory';
import { testDatabases } from '@sgdscope/db/testing';
import { analyzeRun, analyzeRunAll } from '../src/index.js';

const D = Number(process.env.SGDSCOPE_EL_D ?? 79_510);
const ROWS = Number(process.env.SGDSCOPE_EL_ROWS ?? 2000);
const ONLY = process.env.SGDSCOPE_EL_ONLY?.split(',').filter((s) => s !== '');
const CHUNK = Number(
  process.env.SGDSCOPE_EL_CHUNK ?? Math.max(1, Math.min(1000, Math.floor((32 * 2 ** 20) / (4 * D)))),
);

/** A Brownian walk (small steps around a random start, like weights), a loss series, gradient samples, Hessian. */
async function seed(deps: RepoDeps): Promise<string> {
  const project = await createProject(deps, { slug: `el-bench-${process.pid}`, name: 'event-loop bench' });
  const run = await createRun(deps, {
    projectId: project.id,
    name: 'event-loop',
    kind: 'network',
    config: { trajectory: { stride: 1 } },
  });
  const rng = createRng(1);
  const w = Float32Array.from({ length: D }, () => 0.1 * rng.normal());
  for (let from = 0, seq = 0; from < ROWS; from += CHUNK, seq++) {
    const n = Math.min(CHUNK, ROWS - from);
    const data = new Float32Array(n * D);
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < D; c++) w[c] += 1e-3 * rng.normal();
      data.set(w, r * D);
    }
    await writeTrajectoryChunk(deps, run.id, { seq, fromStep: from, rows: n, d: D, dtype: 'float32', data });
  }
  const loss = Float64Array.from({ length: ROWS }, (_, t) => 2 * Math.exp(-t / 500) + 0.05 * rng.normal());
  await appendSteps(deps, run.id, { fromStep: 0, series: { loss } });
  for (let k = 0; k < 2; k++) {
    const data = Float64Array.from({ length: 5000 }, () => stableSample(rng, 1.5, 0, 0.01, 0));
    await writeArtifact(deps, run.id, {
      name: 'gradient_sample',
      step: k * 1000,
      shape: [5000],
      data,
      meta: { window: k },
    });
  }
  for (const [i, step] of [0, 1000].entries()) {
    const top = Float64Array.from([3, 10, 7].map((v) => v / (1 + i)));
    await writeArtifact(deps, run.id, { name: 'hessian_top_eigenvalues', step, shape: [3], data: top });
  }
  return run.id;
}

/** Runs fn while the event-loop delay is recorded (10 ms resolution); returns wall time and delay stats in ms. */
async function measured<T>(
  fn: () => Promise<T>,
): Promise<{ value: T; wallMs: number; maxMs: number; p99Ms: number; meanMs: number }> {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  const t = performance.now();
  const value = await fn();
  const wallMs = performance.now() - t;
  h.disable();
  return { value, wallMs, maxMs: h.max / 1e6, p99Ms: h.percentile(99) / 1e6, meanMs: h.mean / 1e6 };
}

const fmt = (m: { wallMs: number; maxMs: number; p99Ms: number }) =>
  `wall ${(m.wallMs / 1000).toFixed(1).padStart(6)} s   loop delay max ${m.maxMs.toFixed(0).padStart(6)} ms  p99 ${m.p99Ms.toFixed(0).padStart(6)} ms`;

const [db] = await testDatabases({ kinds: ['pglite'] });
if (!db?.url) throw new Error(`embedded database unavailable: ${db?.skip}`);
const handle = await createDb({ url: db.url, migrate: false, maxConnections: 5 });
handle.pool.on('error', () => undefined);
const blobRoot = await mkdtemp(path.join(tmpdir(), 'sgdscope-event-loop-bench-'));
try {
  const deps: RepoDeps = { prisma: handle.prisma, blobs: new LocalBlobStore(blobRoot) };
  const seeded = await measured(() => seed(deps));
  console.log(
    `seeded ${ROWS} x ${D} float32 in chunks of ${CHUNK} rows (${(seeded.wallMs / 1000).toFixed(1)} s)`,
  );
  const all = await measured(() => analyzeRunAll(deps, seeded.value, { only: ONLY }));
  console.log(`analyzeRunAll                ${fmt(all)}`);
  for (const r of all.value) {
    if (r.status !== 'done') console.log(`  ${r.estimator}: ${r.status} ${r.reason ?? ''}`);
  }
  for (const r of all.value) {
    if (r.status !== 'done') continue;
    const one = await measured(() =>
      analyzeRun(deps, seeded.value, r.estimator, r.params ?? {}, { force: true }),
    );
    console.log(`  ${r.estimator.padEnd(26)} ${fmt(one)}`);
  }
} finally {
  await handle.close();
  await db.dispose();
  await rm(blobRoot, { recursive: true, force: true });
}

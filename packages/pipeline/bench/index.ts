/**
 * Pipeline benchmark: cost of each estimator on a stored run, and of a cache hit, as ratios against the baseline
 * of streaming the same trajectory out of the database in the same process (so the ratio says how much the
 * analysis adds on top of the read it cannot avoid). Runs on PGlite and, when reachable, the PostgreSQL server.
 * Usage: npm run bench (SGDSCOPE_BENCH_D, SGDSCOPE_BENCH_ROWS to change the synthetic run; defaults d=200, 2000).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brownianPath, createRng, stableSample } from '@sgdscope/analysis';
import { LocalBlobStore } from '@sgdscope/db/blob/index';
import { createDb } from '@sgdscope/db/client';
import { writeArtifact } from '@sgdscope/db/repo/artifacts';
import type { RepoDeps } from '@sgdscope/db/repo/context';
import { createProject } from '@sgdscope/db/repo/projects';
import { createRun } from '@sgdscope/db/repo/runs';
import { appendSteps } from '@sgdscope/db/repo/steps';
import { streamTrajectory, writeTrajectoryChunk } from '@sgdscope/db/repo/trajectory';
import { testDatabases } from '@sgdscope/db/testing';
import { analyzeRun } from '../src/index.js';

const D = Number(process.env.SGDSCOPE_BENCH_D ?? 200);
const ROWS = Number(process.env.SGDSCOPE_BENCH_ROWS ?? 2000);

async function seed(deps: RepoDeps): Promise<string> {
  const project = await createProject(deps, { slug: `bench-${process.pid}`, name: 'bench' });
  const run = await createRun(deps, { projectId: project.id, name: 'bench', kind: 'network', config: {} });
  const p = brownianPath({ steps: ROWS, d: D, seed: 1 });
  for (let from = 0, seq = 0; from < ROWS; from += 500, seq++) {
    const n = Math.min(500, ROWS - from);
    await writeTrajectoryChunk(deps, run.id, {
      seq,
      fromStep: from,
      rows: n,
      d: D,
      dtype: 'float32',
      data: Float32Array.from(p.data.subarray(from * D, (from + n) * D)),
    });
  }
  const rng = createRng(2);
  await appendSteps(deps, run.id, {
    fromStep: 0,
    series: { loss: Float64Array.from({ length: ROWS }, () => rng.normal()) },
  });
  const data = Float64Array.from({ length: 5000 }, () => stableSample(rng, 1.5, 0, 1, 0));
  await writeArtifact(deps, run.id, {
    name: 'gradient_sample',
    step: 0,
    shape: [5000],
    data,
    meta: { window: 0 },
  });
  return run.id;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

const dbs = await testDatabases();
try {
  for (const db of dbs) {
    if (db.url === undefined) {
      console.log(`${db.name}: skipped (${db.skip})`);
      continue;
    }
    const handle = await createDb({ url: db.url, migrate: false, maxConnections: 5 });
    handle.pool.on('error', () => undefined);
    const blobRoot = await mkdtemp(path.join(tmpdir(), 'sgdscope-pipeline-bench-'));
    try {
      const deps: RepoDeps = { prisma: handle.prisma, blobs: new LocalBlobStore(blobRoot) };
      const runId = await seed(deps);
      const read = async () => {
        let rows = 0;
        for await (const c of streamTrajectory(deps, runId)) rows += c.rows;
        return rows;
      };
      await read(); // warm-up
      const baseline = Math.min(await timed(read), await timed(read), await timed(read));
      console.log(
        `${db.name}: trajectory ${ROWS} x ${D} float32; baseline stream read ${baseline.toFixed(1)} ms`,
      );
      for (const name of ['diffusion', 'geometry', 'msl', 'loss-fluctuations', 'gradient-stable']) {
        const first = await timed(() => analyzeRun(deps, runId, name, {}));
        const hit = await timed(() => analyzeRun(deps, runId, name, {}));
        console.log(
          `  ${name.padEnd(18)} compute+store ${first.toFixed(0).padStart(6)} ms = ${(first / baseline).toFixed(1).padStart(6)} x read; cache hit ${hit.toFixed(1)} ms = ${(hit / baseline).toFixed(2)} x read`,
        );
      }
    } finally {
      await handle.close();
      await rm(blobRoot, { recursive: true, force: true });
    }
  }
} finally {
  await Promise.all(dbs.map((d) => d.dispose()));
}

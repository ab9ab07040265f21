/**
 * Kill test on a PostgreSQL server (team mode): the API and a worker run as separate child processes on a
 * fresh `sgdscope_platform_test_<random>` database. The worker is SIGKILLed mid-run (no cleanup code runs)
 * and restarted; its orphan sweep re-queues the run, which resumes from its checkpoint. The API is
 * SIGKILLed and restarted during the run too. Afterwards every logged step 0..N-1 is stored exactly once,
 * the trajectory chunks tile 0..N-1 without gap or overlap, and lastStep = N-1.
 * Skips visibly when no server answers at SGDSCOPE_TEST_PG_URL (default 127.0.0.1:5432).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LocalBlobStore } from '@sgdscope/db/blob/local';
import { createDb, type Db } from '@sgdscope/db/client';
import { migrateDeploy } from '@sgdscope/db/migrate/commands';
import { formatDatabaseUrl, parseDatabaseUrl, quoteIdent } from '@sgdscope/db/migrate/connection';
import { createApiKey } from '@sgdscope/db/repo/api-keys';
import type { RepoDeps } from '@sgdscope/db/repo/context';
import { addMember, createProject, createUser } from '@sgdscope/db/repo/projects';
import { createRun } from '@sgdscope/db/repo/runs';
import { listSeries, readSeries } from '@sgdscope/db/repo/steps';
import { listTrajectoryChunks } from '@sgdscope/db/repo/trajectory';
import { enqueueRun, openRunQueue } from '@sgdscope/trainer/worker/run-queue';
import pg from 'pg';
import { type Child, freePort, graphql, REPO_ROOT, spawnTs, until } from './support/child.js';

const ADMIN_URL = process.env.SGDSCOPE_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const STEPS = 700;

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ ...parseDatabaseUrl(ADMIN_URL), connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query(sql);
  } finally {
    await client.end().catch(() => undefined);
  }
}

const database = `sgdscope_platform_test_${randomBytes(5).toString('hex')}`;
let skip: string | false = false;
try {
  await admin(`CREATE DATABASE ${quoteIdent(database)}`);
} catch (error) {
  skip = `PostgreSQL server unreachable at ${ADMIN_URL} (${(error as Error).message}): kill test skipped`;
  console.warn(`[platform kill test] ${skip}`);
}
const url = formatDatabaseUrl({ ...parseDatabaseUrl(ADMIN_URL), database });
const dataDir = mkdtempSync(join(tmpdir(), 'sgdscope-kill-'));

describe('team mode: SIGKILL the worker and the API mid-run', { skip }, () => {
  let db: Db;
  let repo: RepoDeps;
  let key = '';
  const children: Child[] = [];
  const childEnv = {
    DATABASE_URL: url,
    SGDSCOPE_DATA_DIR: dataDir,
    SGDSCOPE_HEARTBEAT_MS: '500',
    SGDSCOPE_STALE_AFTER_MS: '3000',
    SGDSCOPE_RECOVER_EVERY_MS: '1000',
  };
  const startWorker = (): Child => {
    const c = spawnTs(join(REPO_ROOT, 'packages/platform/src/worker-main.ts'), childEnv);
    children.push(c);
    return c;
  };
  const startApi = async (port: number): Promise<Child> => {
    const c = spawnTs(
      join(REPO_ROOT, 'apps/api/src/main.ts'),
      { ...childEnv, PORT: String(port) },
      join(REPO_ROOT, 'apps/api'),
    );
    children.push(c);
    await c.waitFor(/API on (http:\S+)\/graphql/, 60_000);
    return c;
  };

  before(async () => {
    await migrateDeploy(url);
    db = await createDb({ url, migrate: false });
    repo = { prisma: db.prisma, blobs: new LocalBlobStore(join(dataDir, 'blobs')) };
    const user = await createUser(repo, { email: 'kill@test.local', name: 'Kill test' });
    key = (await createApiKey(repo, { userId: user.id, name: 'kill test' })).secret;
    const project = await createProject(repo, { slug: 'kill-test', name: 'Kill test' });
    await addMember(repo, { projectId: project.id, userId: user.id, role: 'admin' });
  });

  after(async () => {
    for (const c of children) await c.kill9();
    await db?.close();
    await admin(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`).catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('the run resumes and completes with every step stored exactly once', async () => {
    const project = await db.prisma.project.findUniqueOrThrow({ where: { slug: 'kill-test' } });
    const config = {
      model: { type: 'mlp', hidden: [32] },
      data: { source: 'mnist-embedded' },
      batchSize: 32,
      steps: STEPS,
      seed: 7,
      backend: 'wasm',
      stepFlushEvery: 10,
      checkpointEvery: 50,
      trajectory: { sketchDim: 16, chunkRows: 64 },
      gradientSample: { enabled: false },
    };
    const run = await createRun(repo, { projectId: project.id, name: 'kill me', kind: 'network', config });
    const boss = await openRunQueue({ connectionString: url, maxConnections: 2 });
    await enqueueRun(boss, run.id, 'network', config);
    await boss.stop({ graceful: true, wait: true, timeout: 10_000 });

    const apiPort = await freePort();
    let api = await startApi(apiPort);
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const lastStep = async () =>
      (await db.prisma.run.findUniqueOrThrow({ where: { id: run.id }, select: { lastStep: true } })).lastStep;

    // 1. SIGKILL the worker mid-run.
    const first = startWorker();
    const killedAt = await until(
      'the first worker to log 150 steps',
      async () => {
        const s = await lastStep();
        return s >= 150 ? s : undefined;
      },
      120_000,
      50,
    );
    await first.kill9();
    const afterKill = await lastStep();
    assert.ok(afterKill < STEPS - 1, `the run was still in progress when killed (lastStep ${afterKill})`);

    // 2. SIGKILL the API too, restart both; the new worker finds the stale run and re-queues it.
    await api.kill9();
    api = await startApi(apiPort);
    const second = startWorker();
    await second.waitFor(/re-queued/, 60_000);
    await until(
      'the resumed run to log past its kill point',
      async () => {
        const s = await lastStep();
        return s > afterKill + 50 ? s : undefined;
      },
      120_000,
      50,
    );

    // 3. SIGKILL and restart the API while the worker logs: the worker writes to the database, not through it.
    await api.kill9();
    const duringApiOutage = await lastStep();
    api = await startApi(apiPort);

    const status = await until(
      'the run to end',
      async () => {
        const r = await db.prisma.run.findUniqueOrThrow({ where: { id: run.id }, select: { status: true } });
        return ['FINISHED', 'FAILED', 'CANCELED'].includes(r.status) ? r.status : undefined;
      },
      240_000,
      250,
    );
    assert.equal(status, 'FINISHED', second.output());

    const final = await db.prisma.run.findUniqueOrThrow({ where: { id: run.id } });
    assert.equal(final.lastStep, STEPS - 1);
    const summary = final.summary as { resumedFromStep?: number | null };
    assert.ok(
      typeof summary.resumedFromStep === 'number' && summary.resumedFromStep > 0,
      `resumed from a checkpoint, not restarted (summary ${JSON.stringify(summary)})`,
    );

    // Every series holds each step 0..N-1 exactly once.
    const series = await listSeries(repo, run.id);
    assert.ok(series.some((s) => s.name === 'loss'));
    for (const s of series) {
      assert.equal(s.steps, STEPS, `series ${s.name}: stored step count`);
      const points = await readSeries(repo, run.id, s.name);
      assert.deepEqual(
        Array.from(points.steps),
        Array.from({ length: STEPS }, (_, i) => i),
        `series ${s.name}`,
      );
    }
    // The trajectory chunks tile 0..N-1: seq 0..k-1, each starting where the previous ended.
    const chunks = await listTrajectoryChunks(repo, run.id);
    let next = 0;
    chunks.forEach((c, i) => {
      assert.equal(c.seq, i);
      assert.equal(c.fromStep, next, `chunk ${i} starts where chunk ${i - 1} ended`);
      next += c.rows;
    });
    assert.equal(next, STEPS);

    // The restarted API serves the run.
    const data = await graphql<{ run: { status: string; lastStep: number } }>(
      apiUrl,
      key,
      'query($id: ID!) { run(id: $id) { status lastStep } }',
      { id: run.id },
    );
    assert.deepEqual(data.run, { status: 'FINISHED', lastStep: STEPS - 1 });
    console.log(
      `killed worker at lastStep ${killedAt}→${afterKill}; API killed at ${duringApiOutage}; finished ${STEPS} steps`,
    );
    await second.stop();
    await api.stop();
  });
});

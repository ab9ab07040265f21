/**
 * DbRecorder against a real dropped connection: the embedded PGlite server is stopped mid-run (writes fail with
 * connection errors and go to the spool) and restarted on the same data directory and port; finish replays the
 * spool. Every step must be stored exactly once.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { LocalBlobStore } from '@sgdscope/db/blob/index';
import { createDb } from '@sgdscope/db/client';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '@sgdscope/db/embedded/index';
import { migrateDeploy } from '@sgdscope/db/migrate/index';
import { createProject } from '@sgdscope/db/repo/projects';
import { createRun, getRun } from '@sgdscope/db/repo/runs';
import { readSeries } from '@sgdscope/db/repo/steps';
import { listTrajectoryChunks } from '@sgdscope/db/repo/trajectory';
import { DbRecorder, type DbRecorderEvent } from '../src/recording/db-recorder.js';

const root = mkdtempSync(join(tmpdir(), 'sgdscope-dbrec-restart-'));
let server: EmbeddedPostgres | null = null;
after(async () => {
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
});

test('stopping and restarting the embedded server mid-run loses and duplicates nothing', async () => {
  const dataDir = join(root, 'pgdata');
  server = await startEmbeddedPostgres({ dataDir, maxConnections: 5 });
  const { port, url } = server;
  await migrateDeploy(url);
  const db = await createDb({ url, migrate: false, maxConnections: 2 });
  db.pool.on('error', () => undefined);
  try {
    const deps = { prisma: db.prisma, blobs: new LocalBlobStore(join(root, 'blobs')) };
    const project = await createProject(deps, { slug: 'restart', name: 'restart' });
    const run = await createRun(deps, { projectId: project.id, name: 'r', kind: 'network', config: {} });
    const events: DbRecorderEvent[] = [];
    const rec = new DbRecorder({
      deps,
      runId: run.id,
      spoolDir: join(root, 'spool'),
      retryIntervalMs: 100,
      finishTimeoutMs: 60_000,
      analyze: null,
      onEvent: (e) => events.push(e),
    });
    await rec.start({ kind: 'network', config: {}, backend: 'test', codeVersion: 'x' });
    const write = async (b: number) => {
      await rec.logSteps({
        fromStep: b * 10,
        series: { loss: Float64Array.from({ length: 10 }, (_, i) => b * 10 + i) },
      });
      await rec.writeTrajectoryChunk({
        seq: b,
        fromStep: b * 10,
        rows: 10,
        d: 3,
        dtype: 'float32',
        data: Float32Array.from({ length: 30 }, (_, i) => b + i / 100),
      });
    };
    for (let b = 0; b < 10; b++) await write(b);
    assert.equal(rec.pendingRecords, 0);

    await server.stop();
    server = null;
    for (let b = 10; b < 20; b++) await write(b);
    assert.equal(rec.pendingRecords, 20, 'ten step batches and ten chunks spooled while the server is down');
    assert.equal(await rec.lastStep(), 199, 'answered from the spool and the last step seen');

    server = await startEmbeddedPostgres({ dataDir, port, maxConnections: 5 });
    await rec.flushSpool();
    assert.equal(rec.pendingRecords, 0, 'flushSpool replays everything once the server is back');
    for (let b = 20; b < 30; b++) await write(b);
    await rec.finish('finished');
    assert.equal(rec.pendingRecords, 0);
    assert.ok(events.some((e) => e.type === 'spooled'));
    assert.ok(events.some((e) => e.type === 'replayed'));

    const loss = await readSeries(deps, run.id, 'loss');
    assert.deepEqual(
      Array.from(loss.steps),
      Array.from({ length: 300 }, (_, i) => i),
    );
    assert.deepEqual(
      Array.from(loss.values),
      Array.from({ length: 300 }, (_, i) => i),
    );
    const chunks = await listTrajectoryChunks(deps, run.id);
    assert.deepEqual(
      chunks.map((c) => c.seq),
      Array.from({ length: 30 }, (_, i) => i),
    );
    const stored = await getRun(deps, run.id);
    assert.equal(stored.status, 'finished');
    assert.equal(stored.lastStep, 299);
  } finally {
    await db.close();
  }
});

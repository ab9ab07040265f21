import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import pg from 'pg';
import { ConfigError } from '../src/experiments/registry.js';
import type {
  Artifact,
  RunKind,
  RunRecorder,
  StepBatch,
  TrajectoryChunk,
} from '../src/recording/recorder.js';
import { enqueueRun, openRunQueue, RUN_QUEUE, type RunEndEvent, startWorker } from '../src/worker/index.js';

/** Records lifecycle calls only (the worker's concern); data calls are counted. */
class LifecycleRecorder implements RunRecorder {
  startedKind?: RunKind;
  status?: string;
  summary?: Readonly<Record<string, unknown>>;
  writes = 0;
  async start(info: { kind: RunKind }): Promise<void> {
    this.startedKind = info.kind;
  }
  async logSteps(_batch: StepBatch): Promise<void> {
    this.writes++;
  }
  async writeTrajectoryChunk(_chunk: TrajectoryChunk): Promise<void> {
    this.writes++;
  }
  async writeArtifact(_artifact: Artifact): Promise<void> {
    this.writes++;
  }
  async lastStep(): Promise<number> {
    return -1;
  }
  async finish(status: string, summary?: Readonly<Record<string, unknown>>): Promise<void> {
    this.status = status;
    this.summary = summary;
  }
}

/** Admin connection used to create and drop the test database (override to point at another server). */
const ADMIN_URL = process.env.SGDSCOPE_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

function databaseUrl(database: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}
const fastEscape = { repeats: 10, seed: 1 };
const longEscape = { repeats: 100, batchSize: 0.5, maxSteps: 50_000_000 }; // never escapes: runs until stopped

/** Waits until `predicate` holds, polling every 50 ms, or fails after `ms`. */
async function until(predicate: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The same worker scenario against any connection string. */
function workerScenario(connection: () => string | null): void {
  it('runs queued runs with concurrency 2, records failures, and cancels runs in progress on stop()', async (t) => {
    const url = connection();
    if (url === null) {
      t.skip('PostgreSQL server absent (see the SKIPPED line)');
      return;
    }
    const recorders = new Map<string, LifecycleRecorder>();
    const ended: RunEndEvent[] = [];
    const queue = await openRunQueue({ connectionString: url });
    try {
      await enqueueRun(queue, 'run-a', 'escape', fastEscape);
      await enqueueRun(queue, 'run-b', 'phase_diagram', {
        etas: [0.1],
        shiftVariances: [0.01],
        replicates: 2,
      });
      assert.equal(
        await enqueueRun(queue, 'run-a', 'escape', fastEscape),
        null,
        'a pending run id is queued once',
      );
      await assert.rejects(enqueueRun(queue, 'run-bad', 'escape', { eta: -1 }), ConfigError);
      // A job that bypassed validation fails on the worker and is recorded as failed.
      await queue.send(RUN_QUEUE, { runId: 'run-broken', kind: 'escape', config: { eta: 'fast' } });
    } finally {
      await queue.stop({ graceful: false, wait: true });
    }
    const worker = await startWorker({
      connectionString: url,
      concurrency: 2,
      pollingIntervalSeconds: 0.5,
      recorderFactory: (runId) => {
        const rec = new LifecycleRecorder();
        recorders.set(runId, rec);
        return rec;
      },
      onRunEnd: (e) => ended.push(e),
    });
    try {
      await until(() => ended.length >= 3, 30_000, 'three runs to end');
      const byId = new Map(ended.map((e) => [e.runId, e]));
      assert.equal(byId.get('run-a')?.status, 'finished');
      assert.equal(byId.get('run-b')?.status, 'finished');
      assert.equal(byId.get('run-broken')?.status, 'failed');
      assert.match(byId.get('run-broken')?.error ?? '', /eta/);
      assert.equal(recorders.get('run-a')?.status, 'finished');
      assert.equal(recorders.get('run-a')?.startedKind, 'escape');
      assert.ok((recorders.get('run-a')?.writes ?? 0) >= 3);
      assert.equal(recorders.get('run-broken')?.status, 'failed');
      // A long run is canceled by stop() and ends as canceled.
      await enqueueRun(worker.boss, 'run-long', 'escape', longEscape);
      await until(
        () => recorders.get('run-long')?.startedKind !== undefined,
        30_000,
        'the long run to start',
      );
    } finally {
      await worker.stop();
    }
    assert.equal(recorders.get('run-long')?.status, 'canceled');
    assert.equal(ended.at(-1)?.runId, 'run-long');
  });
}

describe('pg-boss worker against PostgreSQL 127.0.0.1:5432', () => {
  const database = `sgdscope_worker_test_${Math.random().toString(36).slice(2, 10)}`;
  let available = true;
  before(async () => {
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    try {
      await admin.connect();
      await admin.query(`CREATE DATABASE ${database}`);
    } catch (error) {
      available = false;
      console.log(
        `# SKIPPED PostgreSQL worker tests: server at ${ADMIN_URL} unavailable (${(error as Error).message})`,
      );
    } finally {
      await admin.end().catch(() => undefined);
    }
  });
  after(async () => {
    if (!available) return;
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  });
  workerScenario(() => (available ? databaseUrl(database) : null));
});

describe('pg-boss worker against PGlite served by pglite-socket', () => {
  let db: PGlite;
  let server: PGLiteSocketServer;
  const port = 55400 + Math.floor(Math.random() * 100);
  before(async () => {
    db = await PGlite.create();
    // pg-boss opens a pool (max concurrency + 1 here, plus the enqueuing connection): allow several sockets.
    server = new PGLiteSocketServer({ db, port, maxConnections: 8 });
    await server.start();
  });
  after(async () => {
    await server.stop();
    await db.close();
  });
  workerScenario(() => `postgresql://postgres@127.0.0.1:${port}/postgres`);
});

/**
 * `npm run -w @sgdscope/platform worker`: a standalone trainer worker for team mode. It takes runs from
 * the shared pg-boss queue in DATABASE_URL, records them through DbRecorder into the same database and
 * the blob store under SGDSCOPE_DATA_DIR (a directory every worker and the API share), beats a heartbeat
 * and re-queues runs of workers that died. Start as many as you like, on as many machines.
 *
 * Environment: DATABASE_URL (required), SGDSCOPE_DATA_DIR, SGDSCOPE_WORKER_CONCURRENCY (default 1),
 * SGDSCOPE_HEARTBEAT_MS (5000), SGDSCOPE_STALE_AFTER_MS (60000), SGDSCOPE_RECOVER_EVERY_MS (15000).
 * SIGINT/SIGTERM: runs in progress end canceled; SIGKILL: they are re-queued by a surviving worker.
 */
import { join } from 'node:path';
import { LocalBlobStore } from '@sgdscope/db/blob/local';
import { createDb } from '@sgdscope/db/client';
import { dataDirOf } from './platform.js';
import { startPlatformWorker } from './worker-runtime.js';

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${raw}`);
  return n;
}

const log = (line: string): void => console.log(`[sgdscope worker ${process.pid}] ${line}`);
const url = process.env.DATABASE_URL?.trim();
if (!url) {
  console.error(
    'sgdscope worker: DATABASE_URL is not set. The embedded database belongs to `npm start` (which runs its own worker);\n' +
      'separate workers need a PostgreSQL server: DATABASE_URL=postgresql://user@host:5432/db npm run -w @sgdscope/platform worker',
  );
  process.exit(2);
}
const dataDir = dataDirOf(process.env);
const db = await createDb({ url, migrate: false, maxConnections: 4 });
const worker = await startPlatformWorker({
  connectionString: db.url,
  repo: { prisma: db.prisma, blobs: new LocalBlobStore(join(dataDir, 'blobs')) },
  spoolDir: join(dataDir, 'spool'),
  concurrency: intFromEnv('SGDSCOPE_WORKER_CONCURRENCY', 1),
  heartbeatMs: intFromEnv('SGDSCOPE_HEARTBEAT_MS', 5_000),
  staleAfterMs: intFromEnv('SGDSCOPE_STALE_AFTER_MS', 60_000),
  recoverEveryMs: intFromEnv('SGDSCOPE_RECOVER_EVERY_MS', 15_000),
  log,
});
log(`ready (${worker.workerId}); Ctrl-C to stop`);

let stopping = false;
const shutdown = async (): Promise<void> => {
  if (stopping) return;
  stopping = true;
  log('stopping: runs in progress end canceled');
  await worker.stop();
  await db.close();
  process.exit(0);
};
// `on`, not `once`: tsx's signal relay exits 130 when it sees no SIGINT listener left mid-shutdown.
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());

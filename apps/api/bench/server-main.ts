/**
 * The bench's API server, run as a child process of bench/index.ts so the server has an event loop
 * (and a CPU profile) of its own: the load generator's work is no longer counted as server latency.
 *
 * Environment: DATABASE_URL (the seeded database), SGDSCOPE_BENCH_BLOB_DIR (its blob store),
 * PORT (default 0: a free port). Reports `{ type: 'listening', url }` over the IPC channel once it
 * listens, answers `{ type: 'cpu' }` with its process.cpuUsage(), and shuts down cleanly (so `--cpu-prof` writes its profile) on a `{ type: 'stop' }`
 * message, SIGTERM/SIGINT, or when the parent goes away (IPC disconnect).
 */
import 'reflect-metadata';
import { LocalBlobStore } from '@sgdscope/db/blob/local';
import { createDb } from '@sgdscope/db/client';
import type { RepoDeps } from '@sgdscope/db/repo/context';
import { useReadPool } from '@sgdscope/db/repo/raw';
import { startApiServer } from '../src/http/server.js';
import { RunProgressBus } from '../src/pubsub.js';

const url = process.env.DATABASE_URL;
const blobDir = process.env.SGDSCOPE_BENCH_BLOB_DIR;
if (!url || !blobDir) throw new Error('bench server needs DATABASE_URL and SGDSCOPE_BENCH_BLOB_DIR');

const db = await createDb({ url, maxConnections: 10, migrate: false });
// The bench drops its database at the end; idle connections dying then is expected.
db.pool.on('error', () => undefined);
const repo: RepoDeps = { prisma: db.prisma, blobs: new LocalBlobStore(blobDir) };
useReadPool(db.prisma, db.pool);
const server = await startApiServer({
  services: { repo, progress: new RunProgressBus() },
  port: Number(process.env.PORT ?? 0),
});

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  // A hard deadline: a hung close must not leave an orphan behind.
  setTimeout(() => process.exit(1), 5000).unref();
  try {
    await server.close();
    await db.close();
  } finally {
    // process.exit (not a signal) lets --cpu-prof write its profile.
    process.exit(0);
  }
}

process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('disconnect', stop);
process.on('message', (m) => {
  const type = (m as { type?: string } | null)?.type;
  if (type === 'stop') void stop();
  // The bench divides this process's CPU time by the requests it served: server CPU per request.
  if (type === 'cpu') process.send?.({ type: 'cpu', usage: process.cpuUsage() });
});
if (process.send) process.send({ type: 'listening', url: server.url });
else console.log(`bench server on ${server.url}`);

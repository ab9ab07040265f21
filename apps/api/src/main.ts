/**
 * `npm start -w @sgdscope/api`: open the database (no DATABASE_URL: the embedded PGlite under
 * SGDSCOPE_DATA_DIR, migrated on start by createDb), then serve GraphQL, subscriptions, the local
 * explorer and the HTTP side endpoints on PORT (default 4000). On a fresh database it creates a first
 * user and prints an API key once, so the explorer and scripts can be used straight away.
 */
import 'reflect-metadata';
import { defaultBlobStore } from '@sgdscope/db/blob/local';
import { createDb } from '@sgdscope/db/client';
import { hasAnyUser } from '@sgdscope/db/repo/access';
import { createApiKey } from '@sgdscope/db/repo/api-keys';
import type { RepoDeps } from '@sgdscope/db/repo/context';
import { createUser } from '@sgdscope/db/repo/projects';
import { useReadPool } from '@sgdscope/db/repo/raw';
import { startApiServer } from './http/server.js';
import { RunProgressBus } from './pubsub.js';

const port = Number(process.env.PORT ?? 4000);
if (!Number.isInteger(port) || port < 0 || port > 65535)
  throw new Error(`PORT must be a port number, got ${process.env.PORT}`);

const db = await createDb({
  migrate: process.env.DATABASE_URL ? process.env.SGDSCOPE_MIGRATE === '1' : true,
});
const repo: RepoDeps = { prisma: db.prisma, blobs: defaultBlobStore() };
// Hot reads (run pages, analyses, curves) go straight to the pg pool instead of through Prisma's client.
useReadPool(db.prisma, db.pool);

if (!(await hasAnyUser(db.prisma))) {
  const email = process.env.SGDSCOPE_ADMIN_EMAIL ?? 'admin@localhost.localdomain';
  const user = await createUser(repo, { email, name: 'Admin' });
  const key = await createApiKey(repo, { userId: user.id, name: 'bootstrap' });
  console.log(`[sgdscope] fresh database: created user ${email}. API key (shown once):\n  ${key.secret}`);
}

const server = await startApiServer({
  services: { repo, progress: new RunProgressBus() },
  port,
  host: process.env.HOST,
});
console.log(
  `[sgdscope] API on ${server.url}/graphql (explorer: open it in a browser; database: ${db.embedded ? 'embedded PGlite' : 'PostgreSQL server'})`,
);

// process.on, not once: tsx re-raises a signal whose last listener is gone and exits 130 before the embedded
// database has closed. The guard makes a second Ctrl-C wait for the first shutdown instead of starting another.
let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  await server.close();
  await db.close();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);

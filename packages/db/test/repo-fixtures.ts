/**
 * Shared fixture of the repository tests: one Repository per database target (PGlite embedded and
 * the PostgreSQL server), each on a fresh migrated database with its own blob directory.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe } from 'node:test';
import { LocalBlobStore } from '../src/blob/index.js';
import { createDb } from '../src/client.js';
import type { PrismaClient } from '../src/generated/prisma/client.js';
import { createRepository, type Repository } from '../src/repo/index.js';
import { type TestDatabase, testDatabases } from '../src/testing.js';

export interface RepoTarget {
  readonly name: string;
  readonly kind: TestDatabase['kind'];
  readonly url: string;
  readonly repo: Repository;
  readonly prisma: PrismaClient;
  readonly blobs: LocalBlobStore;
  readonly blobRoot: string;
  close(): Promise<void>;
}

/**
 * Opens every usable target (fresh migrated PGlite and PostgreSQL-server databases from
 * testDatabases) and registers a skipped suite, with its reason, for any target that is unavailable,
 * so a missing server shows up in the report instead of passing silently. Call close() on each.
 */
export async function openRepoTargets(): Promise<RepoTarget[]> {
  const dbs = await testDatabases();
  const ready: RepoTarget[] = [];
  for (const db of dbs) {
    if (db.skip !== undefined || db.url === undefined) {
      describe(db.name, { skip: db.skip ?? 'no url' }, () => undefined);
      continue;
    }
    const handle = await createDb({ url: db.url, migrate: false, maxConnections: 5 });
    // An idle pooled connection killed server-side (another suite's DROP ... WITH (FORCE) or
    // pg_terminate_backend) emits 'error' on the pool; unhandled it crashes the test process, while
    // the pool itself just reconnects on the next checkout.
    handle.pool.on('error', () => undefined);
    const blobRoot = await mkdtemp(path.join(tmpdir(), 'sgdscope-repo-test-'));
    const blobs = new LocalBlobStore(blobRoot);
    ready.push({
      name: db.name,
      kind: db.kind,
      url: db.url,
      repo: createRepository({ prisma: handle.prisma, blobs }),
      prisma: handle.prisma,
      blobs,
      blobRoot,
      async close() {
        await handle.close();
        await db.dispose();
        await rm(blobRoot, { recursive: true, force: true });
      },
    });
  }
  return ready;
}

let counter = 0;

/** A fresh project with one queued run in it, names unique within the process. */
export async function newRun(repo: Repository, config: Record<string, string | number | boolean> = {}) {
  counter += 1;
  const project = await repo.createProject({
    slug: `proj-${process.pid}-${counter}`,
    name: `Project ${counter}`,
  });
  const run = await repo.createRun({
    projectId: project.id,
    name: `run-${counter}`,
    kind: 'network',
    config,
  });
  return { project, run };
}

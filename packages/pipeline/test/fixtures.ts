/**
 * Test fixture: one repository target per database (PGlite embedded and the PostgreSQL server, from testDatabases),
 * each with its own blob directory, plus helpers that seed runs with synthetic data through the repository.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalBlobStore } from '@sgdscope/db/blob/index';
import { createDb } from '@sgdscope/db/client';
import type { RepoDeps } from '@sgdscope/db/repo/context';
import { createProject } from '@sgdscope/db/repo/projects';
import { writeTrajectoryChunk } from '@sgdscope/db/repo/trajectory';
import { type TestDatabase, testDatabases } from '@sgdscope/db/testing';

export interface Target {
  readonly name: string;
  readonly deps: RepoDeps;
  close(): Promise<void>;
}

/** Opens every database target; unavailable ones come back in `skipped` with the reason. */
export async function openTargets(): Promise<{ ready: Target[]; skipped: TestDatabase[] }> {
  const dbs = await testDatabases();
  const ready: Target[] = [];
  const skipped: TestDatabase[] = [];
  for (const db of dbs) {
    if (db.skip !== undefined || db.url === undefined) {
      skipped.push(db);
      continue;
    }
    const handle = await createDb({ url: db.url, migrate: false, maxConnections: 5 });
    handle.pool.on('error', () => undefined);
    const blobRoot = await mkdtemp(path.join(tmpdir(), 'sgdscope-pipeline-test-'));
    ready.push({
      name: db.name,
      deps: { prisma: handle.prisma, blobs: new LocalBlobStore(blobRoot) },
      async close() {
        await handle.close();
        await db.dispose();
        await rm(blobRoot, { recursive: true, force: true });
      },
    });
  }
  return { ready, skipped };
}

let counter = 0;

/** A fresh project (unique slug within the process). */
export async function newProject(deps: RepoDeps): Promise<string> {
  counter += 1;
  const p = await createProject(deps, {
    slug: `pipe-${process.pid}-${counter}`,
    name: `Pipeline ${counter}`,
  });
  return p.id;
}

/** Stores `rows` x `d` float32 rows as chunks of `chunkRows`, from step 0. */
export async function writeRows(
  deps: RepoDeps,
  runId: string,
  rows: number,
  d: number,
  data: Float32Array | Float64Array,
  chunkRows = 500,
): Promise<void> {
  let seq = 0;
  for (let from = 0; from < rows; from += chunkRows) {
    const n = Math.min(chunkRows, rows - from);
    await writeTrajectoryChunk(deps, runId, {
      seq: seq++,
      fromStep: from,
      rows: n,
      d,
      dtype: 'float32',
      data: Float32Array.from(data.subarray(from * d, (from + n) * d)),
    });
  }
}

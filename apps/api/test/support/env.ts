/**
 * Test environment: a migrated database (PGlite and PostgreSQL server, via the db package's
 * testDatabases()), a blob store in a temp dir, and a running API server on a random port.
 */
import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalBlobStore } from '@sgdscope/db/blob/local';
import { createDb, type Db } from '@sgdscope/db/client';
import type { RepoDeps } from '@sgdscope/db/repo/context';
import { useReadPool } from '@sgdscope/db/repo/raw';
import { type TestDatabase, testDatabases } from '@sgdscope/db/testing';
import { type BodyLimits, type RunningApiServer, startApiServer } from '../../src/http/server.js';
import { RunProgressBus } from '../../src/pubsub.js';

/** A GraphQL answer as the tests read it. */
export interface GqlResponse<T> {
  readonly status: number;
  readonly body: {
    data?: T | null;
    errors?: { message: string; path?: string[]; extensions?: { code?: string } }[];
  };
}

export interface TestEnv {
  readonly target: TestDatabase;
  readonly db: Db;
  readonly repo: RepoDeps;
  readonly server: RunningApiServer;
  /** POST a GraphQL operation as the holder of `key` (anonymous when null). */
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    key?: string | null,
  ): Promise<GqlResponse<T>>;
  close(): Promise<void>;
}

/** Both database targets, migrated (PGlite embedded and the PostgreSQL server). */
export function databaseTargets(): Promise<TestDatabase[]> {
  return testDatabases();
}

/** Open the API over one target. */
export async function openTestEnv(target: TestDatabase, limits?: Partial<BodyLimits>): Promise<TestEnv> {
  if (!target.url) throw new Error(`target ${target.name} is skipped: ${target.skip}`);
  const db = await createDb({ url: target.url, maxConnections: 5 });
  const blobDir = await mkdtemp(path.join(tmpdir(), 'sgdscope-api-blobs-'));
  const repo: RepoDeps = { prisma: db.prisma, blobs: new LocalBlobStore(blobDir) };
  // As the API's main does: hot reads on the pg pool (packages/db tests cover the $queryRawUnsafe fallback).
  useReadPool(db.prisma, db.pool);
  const server = await startApiServer({
    services: { repo, progress: new RunProgressBus() },
    port: 0,
    limits,
  });
  return {
    target,
    db,
    repo,
    server,
    async gql(query, variables = {}, key = null) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (key) headers.authorization = `Bearer ${key}`;
      const res = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ query, variables }),
      });
      return { status: res.status, body: (await res.json()) as GqlResponse<never>['body'] };
    },
    async close() {
      await server.close();
      await db.close();
      await rm(blobDir, { recursive: true, force: true });
    },
  };
}

/** The error code of the first GraphQL error, or undefined. */
export function errorCode(res: GqlResponse<unknown>): string | undefined {
  return res.body.errors?.[0]?.extensions?.code;
}

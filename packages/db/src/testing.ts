import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from './embedded/server.js';
import { migrateDeploy } from './migrate/commands.js';
import {
  formatDatabaseUrl,
  type PgConnectionFields,
  parseDatabaseUrl,
  quoteIdent,
  redactUrl,
} from './migrate/connection.js';

/** Which database engine a test target runs on. */
export type TestTargetKind = 'pglite' | 'postgres';

/** One database to run data-layer tests against. */
export interface TestDatabase {
  readonly kind: TestTargetKind;
  /** e.g. "pglite (embedded)" or "postgres (127.0.0.1:5432/sgdscope_test_ab12cd34)". */
  readonly name: string;
  /** Connection URL, migrated unless `migrate: false`; `undefined` when skipped. */
  readonly url: string | undefined;
  /** Why the target is skipped (pass as node:test's `skip` option), or `undefined` when usable. */
  readonly skip: string | undefined;
  /** Milliseconds spent in `migrateDeploy` while preparing this target (0 if not migrated). */
  readonly migrateMs: number;
  /** For PGlite: the data directory (to restart the server on it); otherwise `undefined`. */
  readonly dataDir: string | undefined;
  /** Drops the database / stops the server and removes its directory. Idempotent. */
  dispose(): Promise<void>;
}

/** Options for {@link testDatabases}. */
export interface TestDatabasesOptions {
  /** Apply `prisma/migrations` to each target (default true). */
  migrate?: boolean;
  /** Subset of targets (default both). */
  kinds?: TestTargetKind[];
  /** Server maintenance URL (default `SGDSCOPE_TEST_PG_URL` or postgresql://postgres@127.0.0.1:5432/postgres). */
  serverUrl?: string;
}

/** The PostgreSQL server every machine in this project has (trust auth). */
export const DEFAULT_TEST_SERVER_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

/**
 * The databases data-layer tests run against: an embedded PGlite in a fresh temporary directory on its
 * own (OS-chosen) loopback port, and a fresh `sgdscope_test_<random>` database on the PostgreSQL server.
 * An unreachable server yields a target with `skip` set and a warning on stderr, never a silent pass.
 *
 * ```ts
 * const targets = await testDatabases();
 * after(() => Promise.all(targets.map((t) => t.dispose())));
 * for (const t of targets) test(`smoke on ${t.name}`, { skip: t.skip }, async () => { ... t.url! ... });
 * ```
 */
export async function testDatabases(options: TestDatabasesOptions = {}): Promise<TestDatabase[]> {
  const kinds = options.kinds ?? ['pglite', 'postgres'];
  const targets: TestDatabase[] = [];
  try {
    for (const kind of kinds) {
      targets.push(kind === 'pglite' ? await embeddedTarget(options) : await serverTarget(options));
    }
  } catch (error) {
    await Promise.all(targets.map((t) => t.dispose()));
    throw error;
  }
  return targets;
}

async function maybeMigrate(url: string, options: TestDatabasesOptions): Promise<number> {
  if (options.migrate === false) return 0;
  return (await migrateDeploy(url)).durationMs;
}

/** A PGlite server on a new data directory (unpacked from the cached empty cluster, see template.ts). */
async function embeddedTarget(options: TestDatabasesOptions): Promise<TestDatabase> {
  const root = mkdtempSync(join(tmpdir(), 'sgdscope-test-pglite-'));
  const dataDir = join(root, 'pgdata');
  const server = await startEmbeddedPostgres({ dataDir });
  let disposed = false;
  const dispose = async () => {
    if (disposed) return;
    disposed = true;
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  };
  try {
    const migrateMs = await maybeMigrate(server.url, options);
    return {
      kind: 'pglite',
      name: 'pglite (embedded)',
      url: server.url,
      skip: undefined,
      migrateMs,
      dataDir,
      dispose,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/**
 * Runs one maintenance statement on its own short-lived connection. A pooled admin connection would sit
 * idle for the whole test file and can be gone by dispose time; one retry absorbs a transient refusal.
 */
async function adminQuery(fields: PgConnectionFields, sql: string, connectTimeoutMs: number): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const client = new pg.Client({ ...fields, connectionTimeoutMillis: connectTimeoutMs });
    try {
      await client.connect();
      await client.query(sql);
      return;
    } catch (error) {
      if (attempt >= 2) throw error;
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

async function serverTarget(options: TestDatabasesOptions): Promise<TestDatabase> {
  const adminUrl = options.serverUrl ?? process.env.SGDSCOPE_TEST_PG_URL ?? DEFAULT_TEST_SERVER_URL;
  const adminFields = parseDatabaseUrl(adminUrl);
  const database = `sgdscope_test_${randomBytes(6).toString('hex')}`;
  try {
    await adminQuery(adminFields, `CREATE DATABASE ${quoteIdent(database)}`, 3000);
  } catch (error) {
    const reason = `PostgreSQL server at ${redactUrl(adminUrl)} unreachable (${(error as Error).message}): postgres target skipped`;
    console.warn(`[sgdscope testDatabases] ${reason}`);
    return {
      kind: 'postgres',
      name: 'postgres (unavailable)',
      url: undefined,
      skip: reason,
      migrateMs: 0,
      dataDir: undefined,
      dispose: async () => undefined,
    };
  }
  const url = formatDatabaseUrl({ ...adminFields, database });
  let disposed = false;
  const dispose = async () => {
    if (disposed) return;
    disposed = true;
    await adminQuery(adminFields, `DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`, 15000);
  };
  try {
    const migrateMs = await maybeMigrate(url, options);
    const name = `postgres (${adminFields.host}:${adminFields.port}/${database})`;
    return { kind: 'postgres', name, url, skip: undefined, migrateMs, dataDir: undefined, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

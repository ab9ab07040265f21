import { AsyncLocalStorage } from 'node:async_hooks';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  bindMigrationAwareSqlAdapterFactory,
  ColumnTypeEnum,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
  type SqlResultSet,
} from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { CHAR_OID, type MappedFieldDescription, mapCharOidToText } from './char-oid.js';
import { parseDatabaseUrl } from './connection.js';
import { createShadowDatabase } from './shadow.js';

/** Per-`queryRaw` slot where the wrapped pool leaves the raw field list of the query it ran. */
const lastFields = new AsyncLocalStorage<{ fields?: MappedFieldDescription[] }>();

/** Makes `pool.query` report the field list of each result into {@link lastFields}. */
function recordFields(pool: pg.Pool): pg.Pool {
  const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<pg.QueryResult>;
  (pool as unknown as { query: (...args: unknown[]) => unknown }).query = async (...args: unknown[]) => {
    const result = await query(...args);
    const slot = lastFields.getStore();
    if (slot) slot.fields = result.fields as unknown as MappedFieldDescription[];
    return result;
  };
  return pool;
}

/**
 * Wraps an adapter for the engine's needs:
 * - argument-free `executeRaw` runs explicitly as one simple-protocol query (trap 3). The engine sends
 *   whole migration scripts through `executeRaw`. Multiple statements are only legal in a simple `Query`
 *   message; a prepared (Parse/Bind) statement rejects them. adapter-pg 7.10.1 + pg 8.23.1 happen to
 *   send an empty parameter list as a simple query (checked), but a `statementNameGenerator` or another
 *   driver would prepare it, so we do not depend on that. The server parses the statements itself
 *   (semicolons in strings or dollar quotes are safe, unlike adapter-pg's `executeScript`, which splits
 *   on every ';'), runs them in one implicit transaction, and we sum the row counts of all results;
 * - `"char"` columns, relabelled as text for adapter-pg (trap 4), are reported to the engine as
 *   `Character`, the type its row accessors expect for them. Relabelling alone is not enough: on
 *   PostgreSQL 18 (PGlite) the engine's constraint query returns rows (NOT NULL constraints now live in
 *   `pg_constraint`, `contype = 'n'`), and reading `contype` as a character from a Text value panics.
 */
function adaptForEngine(
  adapter: SqlDriverAdapter,
  pool: pg.Pool,
  options: MigrationAdapterOptions,
): SqlDriverAdapter {
  const reportCharacters = options.reportCharAsCharacter !== false;
  const executeRaw = async (query: SqlQuery): Promise<number> => {
    if (query.args.length > 0) return adapter.executeRaw(query);
    const result = (await pool.query(query.sql)) as pg.QueryResult | pg.QueryResult[];
    const results = Array.isArray(result) ? result : [result];
    return results.reduce((sum, r) => sum + (r.rowCount ?? 0), 0);
  };
  const queryRaw = (query: SqlQuery): Promise<SqlResultSet> =>
    lastFields.run({}, async () => {
      const resultSet = await adapter.queryRaw(query);
      if (!reportCharacters) return resultSet;
      const fields = lastFields.getStore()?.fields ?? [];
      fields.forEach((field, i) => {
        if (field.originalDataTypeID === CHAR_OID) resultSet.columnTypes[i] = ColumnTypeEnum.Character;
      });
      return resultSet;
    });
  return new Proxy(adapter, {
    get(target, property, receiver) {
      if (property === 'executeRaw') return executeRaw;
      if (property === 'queryRaw') return queryRaw;
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * The driver-adapter factory the wasm schema engine needs for the database at `url`.
 *
 * - bound with `bindMigrationAwareSqlAdapterFactory` (trap 1: the raw factory crashes inside the wasm);
 * - `"char"` columns mapped to text (trap 4);
 * - script fallback for multi-statement SQL (trap 3) and the other fixes in `adaptForEngine`;
 * - our own shadow-database lifecycle built from discrete host/user/database fields (trap 5).
 * Every pool it opens is recorded so {@link MigrationAdapter.close} can end them: the engine never does (trap 6).
 */
export interface MigrationAdapter {
  readonly factory: ReturnType<typeof bindMigrationAwareSqlAdapterFactory>;
  /** Ends every pool and shadow database this factory opened. */
  close(): Promise<void>;
}

/** Switches for the workarounds, so tests can show each one is needed. */
export interface MigrationAdapterOptions {
  /** Report `"char"` columns to the engine as `Character` rather than Text (default true). */
  reportCharAsCharacter?: boolean;
}

/** Creates the migration adapter for `url` (see {@link MigrationAdapter}). */
export function createMigrationAdapter(url: string, options: MigrationAdapterOptions = {}): MigrationAdapter {
  mapCharOidToText();
  const fields = parseDatabaseUrl(url);
  const openPools: pg.Pool[] = [];
  const shadows: Array<{ dispose(): Promise<void> }> = [];

  const connectPool = async (pool: pg.Pool): Promise<SqlDriverAdapter> => {
    // An idle engine connection whose database is dropped or restarted (test databases are dropped WITH (FORCE))
    // emits 'error' on the pool; unhandled it would crash the process. The pool replaces the client on next use.
    pool.on('error', () => undefined);
    openPools.push(pool);
    const adapter = await new PrismaPg(recordFields(pool)).connect();
    return adaptForEngine(adapter, pool, options);
  };

  const raw: SqlMigrationAwareDriverAdapterFactory = {
    provider: 'postgres',
    adapterName: '@prisma/adapter-pg',
    connect: () => connectPool(new pg.Pool({ ...fields, max: 4 })),
    async connectToShadowDb() {
      const shadow = await createShadowDatabase(url);
      const pool = new pg.Pool({ ...shadow.fields, max: 4 });
      shadow.registerPool(pool);
      const adapter = await connectPool(pool);
      let disposed = false;
      const dispose = async () => {
        if (disposed) return;
        disposed = true;
        openPools.splice(openPools.indexOf(pool), 1);
        await shadow.dispose();
      };
      shadows.push({ dispose });
      return new Proxy(adapter, {
        get(target, property, receiver) {
          if (property === 'dispose') return dispose;
          return Reflect.get(target, property, receiver);
        },
      });
    },
  };

  return {
    factory: bindMigrationAwareSqlAdapterFactory(raw),
    async close() {
      for (const shadow of shadows.splice(0)) await shadow.dispose().catch(() => undefined);
      for (const pool of openPools.splice(0)) await pool.end().catch(() => undefined);
    },
  };
}

import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { startEmbeddedPostgres } from '../embedded/server.js';
import { isPglite, type PgConnectionFields, parseDatabaseUrl, quoteIdent } from './connection.js';

/** A scratch database the schema engine replays the migration history into, and its teardown. */
export interface ShadowDatabase {
  readonly fields: PgConnectionFields;
  dispose(): Promise<void>;
}

/**
 * Creates a shadow database for `migrate dev` / `diff` next to the main database at `mainUrl`
 * (stack-notes trap 5: we own the lifecycle rather than adapter-pg's `connectToShadowDb`).
 *
 * - PostgreSQL server: `CREATE DATABASE prisma_migrate_shadow_db_<uuid>` on the same server; dispose
 *   ends the caller's pool first (the caller passes it to `registerPool`), then `DROP DATABASE … WITH (FORCE)`.
 * - PGlite: an instance serves exactly one database, so `CREATE DATABASE` would create something no client
 *   can connect to. The shadow is instead a fresh in-memory PGlite on its own loopback port, stopped on dispose.
 */
export async function createShadowDatabase(
  mainUrl: string,
): Promise<ShadowDatabase & { registerPool(pool: pg.Pool): void }> {
  const main = parseDatabaseUrl(mainUrl);
  const admin = new pg.Pool({ ...main, max: 1 });
  let shadowPool: pg.Pool | undefined;
  const registerPool = (pool: pg.Pool) => {
    shadowPool = pool;
  };
  try {
    if (await isPglite(admin)) {
      await admin.end();
      const embedded = await startEmbeddedPostgres({ dataDir: 'memory://' });
      return {
        fields: parseDatabaseUrl(embedded.url),
        registerPool,
        async dispose() {
          await shadowPool?.end();
          await embedded.stop();
        },
      };
    }
    const database = `prisma_migrate_shadow_db_${randomUUID().replace(/-/g, '')}`;
    await admin.query(`CREATE DATABASE ${quoteIdent(database)}`);
    return {
      fields: { ...main, database },
      registerPool,
      async dispose() {
        try {
          await shadowPool?.end();
          await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`);
        } finally {
          await admin.end();
        }
      },
    };
  } catch (error) {
    await admin.end().catch(() => undefined);
    throw error;
  }
}

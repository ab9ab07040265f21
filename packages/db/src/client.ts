import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { type DatabaseConfig, resolveDatabaseConfig } from './config.js';
import { type EmbeddedPostgres, startEmbeddedPostgres } from './embedded/server.js';
import { PrismaClient } from './generated/prisma/client.js';
import { migrateDeploy } from './migrate/commands.js';
import { parseDatabaseUrl } from './migrate/connection.js';

/** Options for {@link createDb}. */
export interface CreateDbOptions {
  /** PostgreSQL URL. Omitted: resolved by `resolveDatabaseConfig` (DATABASE_URL, else embedded PGlite). */
  url?: string;
  /** Configuration to use instead of the environment when `url` is omitted. */
  config?: DatabaseConfig;
  /**
   * Apply pending migrations before returning. Default: true for the embedded database (it belongs to
   * this process), false for a server (deploying there is an explicit `sgdscope db migrate deploy`).
   */
  migrate?: boolean;
  /** Maximum connections in the pg pool (default 10). */
  maxConnections?: number;
}

/** An open database: the Prisma client, the pg pool under it (for raw SQL), and cleanup. */
export interface Db {
  readonly prisma: PrismaClient;
  readonly pool: pg.Pool;
  readonly url: string;
  /** The embedded server this handle started, if any (stopped by {@link Db.close}). */
  readonly embedded: EmbeddedPostgres | undefined;
  /** Disconnects Prisma, ends the pool, and stops the embedded server if this handle started one. */
  close(): Promise<void>;
}

/**
 * Opens the database the way every sgdscope process does: a `pg` Pool, `@prisma/adapter-pg` over it,
 * and the generated Rust-free `PrismaClient` (no query engine binary). With no URL, the embedded PGlite
 * server is started in-process under `SGDSCOPE_DATA_DIR` (locked against a second process).
 */
export async function createDb(options: CreateDbOptions = {}): Promise<Db> {
  let url = options.url;
  let embedded: EmbeddedPostgres | undefined;
  if (!url) {
    const config = options.config ?? resolveDatabaseConfig();
    if (config.kind === 'server') {
      url = config.url;
    } else {
      embedded = await startEmbeddedPostgres({ dataDir: config.pgDataDir, port: config.port });
      url = embedded.url;
    }
  }
  try {
    if (options.migrate ?? embedded !== undefined) await migrateDeploy(url);
    const pool = new pg.Pool({ ...parseDatabaseUrl(url), max: options.maxConnections ?? 10 });
    // An idle pooled connection that the server drops (restart, DROP DATABASE ... WITH (FORCE)) emits 'error'
    // on the pool; unhandled, that would crash the process. The pool discards the client and the next query
    // reconnects, so logging is all that is needed.
    pool.on('error', (error) => {
      process.stderr.write(`sgdscope db: idle connection lost (${error.message}); it will be replaced\n`);
    });
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
    const dbUrl = url;
    let closed = false;
    return {
      prisma,
      pool,
      url: dbUrl,
      embedded,
      async close() {
        if (closed) return;
        closed = true;
        try {
          await prisma.$disconnect();
          await pool.end();
        } finally {
          await embedded?.stop();
        }
      },
    };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}

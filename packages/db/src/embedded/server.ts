import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { acquireDataDirLock, type DataDirLock } from './lock.js';
import { batchProtocolMessages } from './protocol-batching.js';
import { freshClusterTarball } from './template.js';

/** Options for {@link startEmbeddedPostgres}. */
export interface EmbeddedPostgresOptions {
  /** Directory PGlite persists to; `undefined` or `'memory://'` keeps everything in memory (shadow DBs). */
  dataDir?: string;
  /** Loopback port; 0 (the default) lets the OS pick a free one. */
  port?: number;
  /** Interface to bind; loopback by default because the server has no authentication. */
  host?: string;
  /** Upper bound on simultaneous client connections (pglite-socket's own default is 1). */
  maxConnections?: number;
}

/** A running embedded server. */
export interface EmbeddedPostgres {
  /** `postgresql://postgres@host:port/postgres`: PGlite has one database and ignores the name. */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  /** Absolute data directory, or `undefined` for an in-memory instance. */
  readonly dataDir: string | undefined;
  /** The PGlite instance itself, for in-process diagnostics; application code should use {@link url}. */
  readonly pglite: PGlite;
  /** Milliseconds from call to listening (PGlite init dominates: initdb on first use of a directory). */
  readonly startupMs: number;
  /** Closes client sockets, stops listening, closes PGlite (flushing to disk) and releases the lock. */
  stop(): Promise<void>;
}

/**
 * Starts PostgreSQL embedded in this process: PGlite (Postgres compiled to WASM) persisted to `dataDir`,
 * served over the Postgres wire protocol on a loopback port by `@electric-sql/pglite-socket`, so the app
 * talks to it through `pg` + `@prisma/adapter-pg` exactly as it would to a server.
 *
 * A lock file next to the directory keeps a second process from opening it (see `acquireDataDirLock`).
 * pglite-socket runs one message at a time and, while a transaction is open, only that connection's
 * messages: concurrent transactions from a pool are serialised, not interleaved (see packages/db/README.md).
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions = {},
): Promise<EmbeddedPostgres> {
  const started = performance.now();
  const inMemory = options.dataDir === undefined || options.dataDir.startsWith('memory://');
  const dataDir = inMemory ? undefined : resolve(options.dataDir as string);
  const host = options.host ?? '127.0.0.1';
  let lock: DataDirLock | undefined;
  if (dataDir) {
    lock = acquireDataDirLock(dataDir);
    mkdirSync(dataDir, { recursive: true });
  }
  let pglite: PGlite | undefined;
  try {
    // A new cluster is unpacked from a cached empty one instead of running initdb (see template.ts).
    const isNew = !dataDir || !existsSync(join(dataDir, 'PG_VERSION'));
    const loadDataDir = isNew ? await freshClusterTarball() : undefined;
    pglite = dataDir ? await PGlite.create(dataDir, { loadDataDir }) : await PGlite.create({ loadDataDir });
    const server = new PGLiteSocketServer({
      db: pglite,
      host,
      port: options.port ?? 0,
      maxConnections: options.maxConnections ?? 64,
    });
    batchProtocolMessages(server);
    await server.start();
    const port = Number(server.getServerConn().split(':').pop());
    const url = `postgresql://postgres@${host}:${port}/postgres`;
    lock?.setUrl(url);
    const db = pglite;
    let stopped = false;
    return {
      url,
      port,
      host,
      dataDir,
      pglite: db,
      startupMs: performance.now() - started,
      async stop() {
        if (stopped) return;
        stopped = true;
        try {
          await server.stop();
          await db.close();
        } finally {
          lock?.release();
        }
      },
    };
  } catch (error) {
    await pglite?.close().catch(() => undefined);
    lock?.release();
    throw error;
  }
}

import { join, resolve } from 'node:path';

/** Where the application's database lives. */
export type DatabaseConfig =
  | { kind: 'server'; url: string }
  | {
      kind: 'embedded';
      /** `SGDSCOPE_DATA_DIR` (default `./.sgdscope/`), resolved against the working directory. */
      dataDir: string;
      /** The PGlite data directory inside it: `<dataDir>/pgdata`. */
      pgDataDir: string;
      /** Loopback port for the embedded server; 0 = any free port. */
      port: number;
    };

/** Default root for local state when `SGDSCOPE_DATA_DIR` is unset. */
export const DEFAULT_DATA_DIR = './.sgdscope/';

/**
 * Resolves the database from the environment:
 * `DATABASE_URL` set → that PostgreSQL server; unset → embedded PGlite under
 * `SGDSCOPE_DATA_DIR` (default `./.sgdscope/`, relative to npm's `INIT_CWD` or the working directory) in
 * `pgdata/`, served on `SGDSCOPE_PG_PORT` (default: any free port).
 */
export function resolveDatabaseConfig(env: NodeJS.ProcessEnv = process.env): DatabaseConfig {
  const url = env.DATABASE_URL?.trim();
  if (url) return { kind: 'server', url };
  // `npm run -w` changes the working directory to the package; INIT_CWD is where the user typed the
  // command, so `npm run db` from the repository root uses the root's `.sgdscope/` like every other tool.
  const base = env.INIT_CWD || process.cwd();
  const dataDir = resolve(base, env.SGDSCOPE_DATA_DIR?.trim() || DEFAULT_DATA_DIR);
  const port = Number(env.SGDSCOPE_PG_PORT ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`SGDSCOPE_PG_PORT must be a port number, got "${env.SGDSCOPE_PG_PORT}"`);
  }
  return { kind: 'embedded', dataDir, pgDataDir: join(dataDir, 'pgdata'), port };
}

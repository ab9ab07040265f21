import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import { type DatabaseConfig, resolveDatabaseConfig } from './config.js';
import { DataDirLockedError } from './embedded/lock.js';
import { startEmbeddedPostgres } from './embedded/server.js';
import {
  diffMigrationsToSchema,
  isEmptyMigrationScript,
  migrateDeploy,
  migrateDev,
  migrateStatus,
} from './migrate/commands.js';
import { redactUrl } from './migrate/connection.js';

type Print = (line: string) => void;

/**
 * Runs `work` against the configured database: `DATABASE_URL`, or the embedded PGlite started for the
 * duration of the command. If another process (e.g. `sgdscope db start`) already serves the data
 * directory, its advertised URL is used instead of failing on the lock.
 */
async function withConfiguredDatabase<T>(
  config: DatabaseConfig,
  print: Print,
  work: (url: string) => Promise<T>,
): Promise<T> {
  if (config.kind === 'server') return work(config.url);
  let embedded: Awaited<ReturnType<typeof startEmbeddedPostgres>>;
  try {
    embedded = await startEmbeddedPostgres({ dataDir: config.pgDataDir, port: config.port });
  } catch (error) {
    if (error instanceof DataDirLockedError && error.holder.url) {
      print(`embedded database is served by process ${error.holder.pid}: using ${error.holder.url}`);
      return work(error.holder.url);
    }
    throw error;
  }
  try {
    return await work(embedded.url);
  } finally {
    await embedded.stop();
  }
}

function describeTarget(config: DatabaseConfig): string {
  return config.kind === 'server' ? redactUrl(config.url) : `embedded PGlite at ${config.pgDataDir}`;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new InvalidArgumentError('not a port number');
  return port;
}

/**
 * The `db` command tree (`migrate deploy|status|dev|diff`, `start`), for `npm run db -- <cmd>` and for
 * registration under the `sgdscope` CLI. Actions set `process.exitCode`; the caller exits explicitly
 * because the schema engine leaves nothing it can close (stack-notes trap 6).
 */
export function buildDbCommand(print: Print = (line) => console.log(line)): Command {
  const db = new Command('db').description(
    'database: migrations (no downloadable engines) and the embedded server',
  );
  const migrate = db
    .command('migrate')
    .description('Prisma-compatible migrations (prisma/migrations, _prisma_migrations)');

  migrate
    .command('deploy')
    .description('apply pending migrations')
    .action(async () => {
      const config = resolveDatabaseConfig();
      const result = await withConfiguredDatabase(config, print, (url) => migrateDeploy(url));
      const names = result.appliedMigrationNames;
      print(
        names.length === 0
          ? `${describeTarget(config)}: no pending migrations (${result.durationMs.toFixed(0)} ms)`
          : `${describeTarget(config)}: applied ${names.join(', ')} (${result.durationMs.toFixed(0)} ms)`,
      );
    });

  migrate
    .command('status')
    .description('applied and pending migrations; exit code 1 unless up to date')
    .action(async () => {
      const config = resolveDatabaseConfig();
      const status = await withConfiguredDatabase(config, print, (url) => migrateStatus(url));
      print(`${describeTarget(config)}: ${status.local.length} local migration(s)`);
      for (const name of status.local)
        print(`  ${status.applied.includes(name) ? 'applied' : 'pending'}  ${name}`);
      for (const name of status.unknownApplied) print(`  applied in database only  ${name}`);
      for (const name of status.failed) print(`  FAILED  ${name}`);
      for (const name of status.edited) print(`  edited after being applied  ${name}`);
      print(status.upToDate ? 'Database schema is up to date.' : 'Database schema is NOT up to date.');
      if (!status.upToDate) process.exitCode = 1;
    });

  migrate
    .command('dev')
    .description('create a migration from schema changes (replayed in a shadow database) and apply it')
    .requiredOption('--name <name>', 'migration name, [A-Za-z0-9_]+')
    .action(async (options: { name: string }) => {
      const config = resolveDatabaseConfig();
      const result = await withConfiguredDatabase(config, print, (url) => migrateDev(url, options.name));
      if (result.appliedMigrationNames.length > 0)
        print(`applied ${result.appliedMigrationNames.join(', ')}`);
      print(
        result.createdMigrationPath
          ? `created ${result.createdMigrationPath}`
          : 'schema matches the migration history: no migration created',
      );
    });

  migrate
    .command('diff')
    .description('SQL from the migration history to the schema; exit code 2 if not empty (CI drift check)')
    .action(async () => {
      const config = resolveDatabaseConfig();
      const script = await withConfiguredDatabase(config, print, (url) => diffMigrationsToSchema(url));
      print(script.trimEnd());
      if (!isEmptyMigrationScript(script)) process.exitCode = 2;
    });

  db.command('start')
    .description('run the embedded PGlite server in the foreground (Ctrl-C stops it)')
    .option('--port <port>', 'loopback port (default SGDSCOPE_PG_PORT or 5433)', parsePort)
    .option('--no-migrate', 'do not apply pending migrations first')
    .action(async (options: { port?: number; migrate: boolean }) => {
      const config = resolveDatabaseConfig({ ...process.env, DATABASE_URL: '' });
      if (config.kind !== 'embedded') throw new Error('unreachable: DATABASE_URL was cleared');
      const port = options.port ?? (config.port || 5433);
      const server = await startEmbeddedPostgres({ dataDir: config.pgDataDir, port });
      print(`embedded PGlite (${config.pgDataDir}) started in ${server.startupMs.toFixed(0)} ms`);
      if (options.migrate) {
        const result = await migrateDeploy(server.url);
        print(`migrations applied: ${result.appliedMigrationNames.join(', ') || 'none pending'}`);
      }
      print(`DATABASE_URL=${server.url}`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      print('stopping');
      await server.stop();
    });

  return db;
}

/** Entry point for `npm run db -- <cmd>` (`tsx src/cli.ts`). */
async function main(argv: string[]): Promise<void> {
  const program = buildDbCommand();
  program.name('sgdscope db');
  try {
    await program.parseAsync(argv);
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    process.exitCode = 1;
  }
  // The engine never closes its pg pools: exit explicitly (stack-notes trap 6).
  process.exit(process.exitCode ?? 0);
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
if (invokedDirectly) await main(process.argv);

import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { DbRecorder } from '../recording/db-recorder.js';
import { FileRecorder } from '../recording/file-recorder.js';
import { startWorker } from '../worker/worker.js';
import { reportCliError } from './train.js';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

/**
 * The database the queue and the runs live in: DATABASE_URL (or --database-url) names a PostgreSQL server;
 * otherwise the embedded PGlite database of @sgdscope/db is started (and migrated) in this process. PGlite is
 * single-process, so the embedded default runs exactly one worker, here.
 */
async function openDatabase(url: string | undefined) {
  const db = await import('@sgdscope/db');
  const handle = await db.createDb(url ? { url } : {});
  const config = db.resolveDatabaseConfig();
  // The spool for writes that could not reach the database lives beside the blobs, on this machine.
  const dataDir =
    config.kind === 'embedded'
      ? config.dataDir
      : resolve(process.env.SGDSCOPE_DATA_DIR ?? db.DEFAULT_DATA_DIR);
  return { handle, blobs: db.defaultBlobStore(), embedded: handle.embedded !== undefined, dataDir };
}

/** `sgdscope worker`: take queued runs from the pg-boss queue and run them until Ctrl-C. */
export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('Run queued experiments from the PostgreSQL job queue (pg-boss) until interrupted')
    .option(
      '--database-url <url>',
      'PostgreSQL server holding the queue (default: $DATABASE_URL, else embedded PGlite)',
    )
    .option('-c, --concurrency <n>', 'runs at a time (forced to 1 on the embedded database)', positiveInt, 1)
    .option('--files <dir>', 'record runs to run directories under <dir> instead of the database')
    .addHelpText(
      'after',
      `
Runs are queued with enqueueRun(boss, runId, kind, config) from @sgdscope/trainer (the API does this).
Each run records into the database (steps, trajectory chunks in the blob store, artifacts) and is analysed
when it finishes; writes that fail while the database is unreachable are spooled to disk and replayed.

Examples:
  $ DATABASE_URL=postgresql://postgres@127.0.0.1:5432/sgdscope sgdscope worker --concurrency 2
  $ sgdscope worker            # embedded PGlite under $SGDSCOPE_DATA_DIR (default ./.sgdscope/)
Ctrl-C stops fetching, cancels runs in progress (they end as canceled) and exits.`,
    )
    .action(async (opts: { databaseUrl?: string; concurrency: number; files?: string }) => {
      try {
        const database = await openDatabase(opts.databaseUrl ?? process.env.DATABASE_URL);
        const concurrency = database.embedded ? 1 : opts.concurrency;
        const deps = { prisma: database.handle.prisma, blobs: database.blobs };
        const spoolDir = join(database.dataDir, 'spool');
        const workerId = `${hostname()}:${process.pid}`;
        const filesDir = opts.files ? resolve(opts.files) : undefined;
        const worker = await startWorker({
          connectionString: database.handle.url,
          concurrency,
          recorderFactory: (runId) =>
            filesDir
              ? new FileRecorder(join(filesDir, runId.replace(/[^A-Za-z0-9_.-]+/g, '_')))
              : new DbRecorder({ deps, runId, spoolDir, workerId }),
          onRunEnd: (e) =>
            process.stderr.write(`run ${e.runId} (${e.kind}): ${e.status}${e.error ? `: ${e.error}` : ''}\n`),
        });
        process.stderr.write(
          `sgdscope worker: ${concurrency} slot(s) on ${database.embedded ? 'embedded PGlite' : 'PostgreSQL'}; Ctrl-C to stop\n`,
        );
        await new Promise<void>((resolveStop) => {
          const stop = (): void => {
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
            process.stderr.write('sgdscope worker: stopping (runs in progress end as canceled)\n');
            resolveStop();
          };
          process.on('SIGINT', stop);
          process.on('SIGTERM', stop);
        });
        await worker.stop();
        await database.handle.close();
      } catch (error) {
        reportCliError(error);
      }
    });
}

import { join, resolve } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { FileRecorder } from '../recording/file-recorder.js';
import { startWorker } from '../worker/worker.js';
import { DEFAULT_OUT, reportCliError } from './train.js';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

/**
 * Where the queue lives: DATABASE_URL (or --database-url) names a PostgreSQL server; otherwise the
 * embedded PGlite database of @sgdscope/db is started in this process (PGlite is single-process, so the
 * embedded default runs exactly one worker, here).
 */
async function openDatabase(
  url: string | undefined,
): Promise<{ url: string; close: () => Promise<void>; embedded: boolean }> {
  if (url) return { url, close: async () => undefined, embedded: false };
  const db = await import('@sgdscope/db');
  const config = db.resolveDatabaseConfig();
  if (config.kind === 'server') return { url: config.url, close: async () => undefined, embedded: false };
  const server = await db.startEmbeddedPostgres({ dataDir: config.pgDataDir, port: config.port });
  return { url: server.url, close: () => server.stop(), embedded: true };
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
    .option('-o, --out <dir>', 'output root for run directories (file recorder: <out>/<runId>/)', DEFAULT_OUT)
    .addHelpText(
      'after',
      `
Runs are queued with enqueueRun(boss, runId, kind, config) from @sgdscope/trainer (the API does this).
Until the database recorder exists, each run records to files under --out.

Examples:
  $ DATABASE_URL=postgresql://postgres@127.0.0.1:5432/sgdscope sgdscope worker --concurrency 2
  $ sgdscope worker            # embedded PGlite under $SGDSCOPE_DATA_DIR (default ./.sgdscope/)
Ctrl-C stops fetching, cancels runs in progress (they end as canceled) and exits.`,
    )
    .action(async (opts: { databaseUrl?: string; concurrency: number; out: string }) => {
      try {
        const database = await openDatabase(opts.databaseUrl ?? process.env.DATABASE_URL);
        const concurrency = database.embedded ? 1 : opts.concurrency;
        const outDir = resolve(opts.out);
        const worker = await startWorker({
          connectionString: database.url,
          concurrency,
          recorderFactory: (runId) => new FileRecorder(join(outDir, runId.replace(/[^A-Za-z0-9_.-]+/g, '_'))),
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
        await database.close();
      } catch (error) {
        reportCliError(error);
      }
    });
}

/**
 * The run queue: queued runs live in PostgreSQL as pg-boss 10 jobs (an existing job-queue library with
 * SKIP LOCKED fetching, retries and expiry), so any number of workers on any machine can share one queue.
 */
import PgBoss from 'pg-boss';
import { validateConfig } from '../experiments/registry.js';
import type { RunKind } from '../recording/recorder.js';

/** The pg-boss queue every sgdscope run goes through. */
export const RUN_QUEUE = 'sgdscope-runs';

/** What a queued job carries. */
export interface RunJob {
  readonly runId: string;
  readonly kind: RunKind;
  readonly config: Record<string, unknown>;
}

export interface RunQueueOptions {
  readonly connectionString: string;
  /** Postgres schema pg-boss keeps its tables in (default 'pgboss'). */
  readonly schema?: string;
  /** Pool size pg-boss may open (default 4; keep small against the embedded PGlite server). */
  readonly maxConnections?: number;
}

/** Starts pg-boss (creating or migrating its schema) and makes sure the run queue exists. */
export async function openRunQueue(options: RunQueueOptions): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString: options.connectionString,
    schema: options.schema,
    max: options.maxConnections ?? 4,
    // The supervisor and cron clock poll the database; a worker only needs job fetching.
    schedule: false,
  });
  boss.on('error', (error: Error) => {
    process.stderr.write(`sgdscope queue: ${error.message}\n`);
  });
  await boss.start();
  // 'stately': at most one queued and one active job per singletonKey (= run id), so re-queuing a pending run is a no-op.
  if (!(await boss.getQueue(RUN_QUEUE)))
    await boss.createQueue(RUN_QUEUE, { name: RUN_QUEUE, policy: 'stately' });
  return boss;
}

export interface EnqueueOptions {
  /** A run may take this long before pg-boss considers it lost and retries it (default 6 h). */
  readonly expireInSeconds?: number;
  readonly retryLimit?: number;
  readonly priority?: number;
}

/**
 * Validates the config (so a bad config fails here, not on a worker) and queues the run. A run id is
 * queued at most once while it is pending (stately queue policy + singletonKey). Returns the pg-boss job id, or null
 * when the run was already queued.
 */
export async function enqueueRun(
  boss: PgBoss,
  runId: string,
  kind: RunKind,
  config: Readonly<Record<string, unknown>>,
  options: EnqueueOptions = {},
): Promise<string | null> {
  const validated = await validateConfig(kind, config);
  const job: RunJob = { runId, kind, config: validated };
  return boss.send(RUN_QUEUE, job, {
    singletonKey: runId,
    expireInSeconds: options.expireInSeconds ?? 6 * 3600,
    retryLimit: options.retryLimit ?? 0,
    // pg-boss rejects an explicit undefined priority.
    ...(options.priority === undefined ? {} : { priority: options.priority }),
  });
}

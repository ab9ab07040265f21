/**
 * Orphaned-run recovery. A worker that dies (SIGKILL, power loss) leaves its run RUNNING in the database
 * and its pg-boss job 'active' until the job's 6 h expiry. Recovery finds such runs by their stale
 * heartbeat, fails the dead job (the 'stately' queue allows one active job per run id, so a new one could
 * never be fetched while the dead one is active) and queues the run again. The run then resumes: network
 * runs from their checkpoint (recorder.lastStep), toy runs by a seeded, bit-identical replay whose
 * re-written steps the repository's keyed appends accept as no-ops. Nothing is ever half-written.
 */
import type { RepoDeps } from '@sgdscope/db/repo/context';
import type { JsonObject } from '@sgdscope/db/repo/types';
import { enqueueRun, RUN_QUEUE } from '@sgdscope/trainer/worker/run-queue';
import type PgBoss from 'pg-boss';

export interface RecoveryOptions {
  /** A RUNNING run whose heartbeat is older than this is orphaned. 0: every RUNNING run (single-process embedded start). */
  readonly staleAfterMs: number;
  /** pg-boss schema (default 'pgboss'). */
  readonly schema?: string;
  readonly now?: Date;
  /** Runs the caller itself is running (never treated as orphaned, however late their heartbeat). */
  readonly exclude?: ReadonlySet<string>;
}

export interface RecoveryReport {
  /** RUNNING runs whose worker is gone, queued again. */
  readonly requeued: string[];
  /** QUEUED runs that had no live job (e.g. the process died between createRun and enqueue), queued. */
  readonly enqueued: string[];
}

const LIVE_JOB_STATES = ['created', 'retry', 'active'];

/** pg-boss jobs of this run that are not finished yet (state created, retry or active). */
async function liveJobs(
  repo: RepoDeps,
  schema: string,
  runId: string,
): Promise<Array<{ id: string; state: string }>> {
  // pg-boss 10 exposes no typed job search; its job table is plain SQL in the same database.
  return repo.prisma.$queryRawUnsafe<Array<{ id: string; state: string }>>(
    `SELECT id::text AS id, state::text AS state FROM ${quoteSchema(schema)}.job
      WHERE name = $1 AND singleton_key = $2 AND state::text = ANY($3::text[])`,
    RUN_QUEUE,
    runId,
    LIVE_JOB_STATES,
  );
}

function quoteSchema(schema: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid pg-boss schema name "${schema}"`);
  return schema;
}

/**
 * Re-queues orphaned runs (see the module comment). Safe to run from several workers at once: the queue's
 * singletonKey keeps at most one queued job per run, and failing an already-failed job is a no-op.
 */
export async function recoverOrphanedRuns(
  repo: RepoDeps,
  boss: PgBoss,
  options: RecoveryOptions,
): Promise<RecoveryReport> {
  const schema = options.schema ?? 'pgboss';
  const now = options.now ?? new Date();
  const staleBefore = new Date(now.getTime() - options.staleAfterMs);
  const running = await repo.prisma.run.findMany({
    where: {
      status: 'RUNNING',
      OR: [{ heartbeatAt: null }, { heartbeatAt: { lte: staleBefore } }],
    },
    select: { id: true, kind: true, config: true },
  });
  const requeued: string[] = [];
  for (const run of running) {
    if (options.exclude?.has(run.id)) continue;
    for (const job of await liveJobs(repo, schema, run.id)) {
      if (job.state === 'active')
        await boss.fail(RUN_QUEUE, job.id, { reason: 'worker lost; run re-queued' });
    }
    await enqueueRun(boss, run.id, kindOf(run.kind), run.config as JsonObject);
    requeued.push(run.id);
  }
  const queued = await repo.prisma.run.findMany({
    where: { status: 'QUEUED' },
    select: { id: true, kind: true, config: true },
  });
  const enqueued: string[] = [];
  for (const run of queued) {
    if ((await liveJobs(repo, schema, run.id)).length > 0) continue;
    await enqueueRun(boss, run.id, kindOf(run.kind), run.config as JsonObject);
    enqueued.push(run.id);
  }
  return { requeued, enqueued };
}

type RunKind = Parameters<typeof enqueueRun>[2];

/** The database stores run kinds as upper-case enum names; the queue uses the trainer's lower-case kinds. */
function kindOf(dbKind: string): RunKind {
  return dbKind.toLowerCase() as RunKind;
}

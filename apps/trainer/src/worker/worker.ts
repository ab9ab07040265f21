/**
 * The queue worker: takes queued runs from pg-boss and runs them through the experiment registry,
 * recording through an injected RunRecorder (file, database or API recorder: the worker does not care).
 */
import type PgBoss from 'pg-boss';
import { getExperiment } from '../experiments/registry.js';
import type { RunKind, RunRecorder } from '../recording/recorder.js';
import { openRunQueue, RUN_QUEUE, type RunJob } from './run-queue.js';

/** Creates the recorder a run reports to; called once per job, before the run starts. */
export type RecorderFactory = (runId: string, kind: RunKind) => RunRecorder | Promise<RunRecorder>;

export interface WorkerOptions {
  readonly connectionString: string;
  readonly recorderFactory: RecorderFactory;
  /** Runs executed at the same time by this process (default 1). */
  readonly concurrency?: number;
  readonly pollingIntervalSeconds?: number;
  readonly schema?: string;
  /** Called when a run ends, for logs and tests. */
  readonly onRunEnd?: (event: RunEndEvent) => void;
}

export interface RunEndEvent {
  readonly runId: string;
  readonly kind: RunKind;
  readonly status: 'finished' | 'canceled' | 'failed';
  readonly error?: string;
}

export interface WorkerHandle {
  readonly boss: PgBoss;
  /** Stops fetching, cancels runs in progress (they end as 'canceled'), waits for them, closes the pool. */
  stop(): Promise<void>;
}

/**
 * Starts `concurrency` pg-boss workers on the run queue. A run that throws is recorded as 'failed' and
 * its job failed; a run canceled by `stop()` is recorded as 'canceled' and its job completed.
 */
export async function startWorker(options: WorkerOptions): Promise<WorkerHandle> {
  const concurrency = options.concurrency ?? 1;
  const boss = await openRunQueue({
    connectionString: options.connectionString,
    schema: options.schema,
    maxConnections: Math.max(2, concurrency + 1),
  });
  const inFlight = new Map<string, AbortController>();
  const handle = async (job: PgBoss.Job<RunJob>): Promise<Record<string, unknown>> => {
    const { runId, kind, config } = job.data;
    const controller = new AbortController();
    inFlight.set(job.id, controller);
    let recorder: RunRecorder | undefined;
    try {
      recorder = await options.recorderFactory(runId, kind);
      const outcome = await (await getExperiment(kind)).run(config, recorder, { signal: controller.signal });
      options.onRunEnd?.({ runId, kind, status: outcome.status });
      return { runId, status: outcome.status };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await recorder?.finish('failed', { error: message }).catch(() => undefined);
      options.onRunEnd?.({ runId, kind, status: 'failed', error: message });
      throw error;
    } finally {
      inFlight.delete(job.id);
    }
  };
  const workerIds: string[] = [];
  for (let i = 0; i < concurrency; i++) {
    workerIds.push(
      await boss.work<RunJob>(
        RUN_QUEUE,
        { batchSize: 1, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2 },
        async (jobs) => {
          // batchSize 1: one run per fetch, so `concurrency` bounds the runs in progress.
          const results = [];
          for (const job of jobs) results.push(await handle(job));
          return results;
        },
      ),
    );
  }
  return {
    boss,
    async stop(): Promise<void> {
      for (const id of workerIds) await boss.offWork({ id });
      for (const controller of inFlight.values()) controller.abort();
      await boss.stop({ graceful: true, wait: true, timeout: 30_000 });
    },
  };
}

/**
 * The platform's trainer worker: the trainer's pg-boss `startWorker` with the database recorder
 * (DbRecorder: spools to disk while the database is unreachable, runs the analysis pipeline at finish),
 * plus what a shared queue needs to survive dead workers: a heartbeat per run in progress and a periodic
 * sweep that re-queues runs whose heartbeat went stale (see recovery.ts).
 */
import { hostname } from 'node:os';
import type { RepoDeps } from '@sgdscope/db/repo/context';
import { ConflictError } from '@sgdscope/db/repo/errors';
import { heartbeat } from '@sgdscope/db/repo/runs';
import { DbRecorder } from '@sgdscope/trainer/recording/db-recorder';
import { type RunEndEvent, startWorker } from '@sgdscope/trainer/worker/worker';
import { recoverOrphanedRuns } from './recovery.js';

export interface PlatformWorkerOptions {
  readonly connectionString: string;
  readonly repo: RepoDeps;
  /** Where DbRecorder spools writes the database refused; must survive a restart of this process. */
  readonly spoolDir: string;
  readonly concurrency?: number;
  /** Heartbeat period for runs in progress (default 5 s). */
  readonly heartbeatMs?: number;
  /**
   * Single process on the embedded database: no other worker can die independently, so no heartbeats and
   * no periodic orphan sweep (the platform re-queues leftovers once at start). Also keeps concurrent
   * connections to pglite-socket down (see the report on its interleaving of extended-protocol messages).
   */
  readonly singleProcess?: boolean;
  /** A RUNNING run with an older heartbeat belongs to a dead worker (default 60 s; must exceed heartbeatMs). */
  readonly staleAfterMs?: number;
  /** Period of the orphan sweep (default 15 s). */
  readonly recoverEveryMs?: number;
  readonly pollingIntervalSeconds?: number;
  readonly workerId?: string;
  readonly log?: (line: string) => void;
  readonly onRunEnd?: (event: RunEndEvent) => void;
}

export interface PlatformWorker {
  readonly workerId: string;
  /** Runs currently in progress in this process. */
  readonly inFlight: ReadonlySet<string>;
  /** Stops fetching, cancels runs in progress (they end 'canceled'), stops the timers and the queue. */
  stop(): Promise<void>;
}

/** Starts a worker; see the module comment. */
export async function startPlatformWorker(options: PlatformWorkerOptions): Promise<PlatformWorker> {
  const log = options.log ?? (() => undefined);
  const workerId = options.workerId ?? `${hostname()}:${process.pid}`;
  const heartbeatMs = options.heartbeatMs ?? 5_000;
  const staleAfterMs = options.staleAfterMs ?? 60_000;
  if (staleAfterMs <= heartbeatMs) throw new Error('staleAfterMs must exceed heartbeatMs');
  const inFlight = new Set<string>();
  const worker = await startWorker({
    connectionString: options.connectionString,
    concurrency: options.concurrency ?? 1,
    pollingIntervalSeconds: options.pollingIntervalSeconds ?? 1,
    recorderFactory: (runId) => {
      inFlight.add(runId);
      return new DbRecorder({
        deps: options.repo,
        runId,
        spoolDir: options.spoolDir,
        workerId,
        onEvent: (e) => {
          if (e.type === 'spooled') log(`run ${runId}: database unreachable, spooling (${e.error})`);
          if (e.type === 'replayed') log(`run ${runId}: replayed ${e.records} spooled record(s)`);
          if (e.type === 'analysis-failed') log(`run ${runId}: analysis failed: ${e.error}`);
        },
      });
    },
    onRunEnd: (event) => {
      inFlight.delete(event.runId);
      log(`run ${event.runId} (${event.kind}): ${event.status}${event.error ? `: ${event.error}` : ''}`);
      options.onRunEnd?.(event);
    },
  });

  let busy = false;
  const beat = options.singleProcess
    ? undefined
    : setInterval(() => {
        for (const runId of inFlight) {
          heartbeat(options.repo, runId).catch((error: unknown) => {
            // Before the recorder's start the run is still QUEUED: nothing to beat yet.
            if (!(error instanceof ConflictError)) log(`heartbeat ${runId}: ${(error as Error).message}`);
          });
        }
      }, heartbeatMs);
  const sweep = async (): Promise<void> => {
    if (busy) return;
    busy = true;
    try {
      const report = await recoverOrphanedRuns(options.repo, worker.boss, {
        staleAfterMs,
        exclude: inFlight,
      });
      for (const id of report.requeued) log(`run ${id}: its worker stopped answering; re-queued`);
    } catch (error) {
      log(`orphan sweep failed: ${(error as Error).message}`);
    } finally {
      busy = false;
    }
  };
  const sweeper = options.singleProcess
    ? undefined
    : setInterval(() => void sweep(), options.recoverEveryMs ?? 15_000);
  if (!options.singleProcess) await sweep();

  return {
    workerId,
    inFlight,
    async stop() {
      clearInterval(beat);
      clearInterval(sweeper);
      await worker.stop();
    },
  };
}

import { setTimeout as sleep } from 'node:timers/promises';
import { writeArtifact } from './artifacts.js';
import type { RepoDeps } from './context.js';
import { ConflictError, IntegrityError, NotFoundError, ValidationError } from './errors.js';
import { finishRun, getRun, startRun } from './runs.js';
import { appendSteps, type StepBatchInput } from './steps.js';
import { type TrajectoryChunkInput, writeTrajectoryChunk } from './trajectory.js';
import type { JsonObject, TerminalRunStatus } from './types.js';
import { assertJsonObject } from './validate.js';

/**
 * A database-backed recorder for one run, structurally matching the trainer's RunRecorder
 * (apps/trainer/src/recording/recorder.ts), so the trainer can pass it where it passes its memory or
 * file recorders without packages/db importing from apps.
 *
 * Every call is idempotent by its sequence key, so transient failures (dropped connection, server
 * restart, pool timeout) are retried with exponential backoff; the typed repository errors
 * (validation, conflict, not found, integrity) are final and rethrown at once.
 */
export interface DbRunRecorder {
  start(info: {
    readonly kind: string;
    readonly config: Readonly<Record<string, unknown>>;
    readonly backend: string;
    readonly codeVersion: string;
    readonly parameterCount?: number;
  }): Promise<void>;
  logSteps(batch: StepBatchInput): Promise<void>;
  writeTrajectoryChunk(chunk: TrajectoryChunkInput): Promise<void>;
  writeArtifact(artifact: {
    readonly name: string;
    readonly step: number;
    readonly shape: readonly number[];
    readonly data: Float32Array | Float64Array;
    readonly meta?: Readonly<Record<string, unknown>>;
  }): Promise<void>;
  lastStep(): Promise<number>;
  finish(status: TerminalRunStatus, summary?: Readonly<Record<string, unknown>>): Promise<void>;
}

export interface RecorderRetryOptions {
  /** Attempts per call including the first (default 5). */
  readonly attempts?: number;
  /** Delay before the first retry in ms, doubled each time (default 200). */
  readonly baseDelayMs?: number;
  /** Called before each retry, e.g. to log it. */
  readonly onRetry?: (error: unknown, attempt: number) => void;
}

function isFinal(error: unknown): boolean {
  return (
    error instanceof ValidationError ||
    error instanceof ConflictError ||
    error instanceof NotFoundError ||
    error instanceof IntegrityError
  );
}

/** Runs an idempotent repository call, retrying transient failures with exponential backoff. */
export async function withRetry<T>(fn: () => Promise<T>, options: RecorderRetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 5;
  const base = options.baseDelayMs ?? 200;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (isFinal(error) || attempt >= attempts) throw error;
      options.onRetry?.(error, attempt);
      await sleep(base * 2 ** (attempt - 1));
    }
  }
}

/** A recorder writing run `runId` through the repository (see DbRunRecorder). */
export function createDbRunRecorder(
  deps: RepoDeps,
  runId: string,
  retry: RecorderRetryOptions = {},
): DbRunRecorder {
  const call = <T>(fn: () => Promise<T>) => withRetry(fn, retry);
  return {
    async start(info) {
      const run = await call(() => getRun(deps, runId));
      if (run.kind !== info.kind)
        throw new ConflictError(`run ${runId} is a ${run.kind} run, the experiment is ${info.kind}`);
      const config = assertJsonObject(info.config, 'run config');
      await call(() =>
        startRun(deps, runId, {
          config,
          backend: info.backend,
          codeVersion: info.codeVersion,
          ...(info.parameterCount !== undefined && { parameterCount: info.parameterCount }),
        }),
      );
    },
    async logSteps(batch) {
      await call(() => appendSteps(deps, runId, batch));
    },
    async writeTrajectoryChunk(chunk) {
      await call(() => writeTrajectoryChunk(deps, runId, chunk));
    },
    async writeArtifact(artifact) {
      const meta: JsonObject | undefined =
        artifact.meta === undefined
          ? undefined
          : assertJsonObject(artifact.meta, `artifact "${artifact.name}" meta`);
      await call(() => writeArtifact(deps, runId, { ...artifact, meta }));
    },
    async lastStep() {
      return (await call(() => getRun(deps, runId))).lastStep;
    },
    async finish(status, summary) {
      const json = summary === undefined ? undefined : assertJsonObject(summary, 'run summary');
      await call(() => finishRun(deps, runId, { status, summary: json }));
    },
  };
}

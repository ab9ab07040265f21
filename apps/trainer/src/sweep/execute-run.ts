/**
 * Running one validated config into a run directory: the shared core of `sgdscope train`, each run of
 * `sgdscope sweep`, and sweep child processes.
 */
import { existsSync } from 'node:fs';
import { type ExperimentProgress, getExperiment } from '../experiments/registry.js';
import { FileRecorder } from '../recording/file-recorder.js';
import type { RunRecorder } from '../recording/recorder.js';

export interface RunResult {
  readonly status: 'finished' | 'canceled' | 'failed';
  readonly runDir: string;
  readonly summary?: Readonly<Record<string, unknown>>;
  readonly error?: string;
}

export interface ExecuteRunOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: ExperimentProgress) => void;
  /** Where the run records (default: a FileRecorder on runDir; the database recorder plugs in here). */
  readonly recorderFactory?: (runDir: string) => RunRecorder;
}

/** True when runDir already holds a run (its run.json exists): runs are never silently overwritten. */
export function runDirectoryTaken(runDir: string): boolean {
  return existsSync(`${runDir}/run.json`);
}

/**
 * Runs `config` (already validated for `kind`) recording into runDir. Never throws for a failing
 * experiment: the failure is recorded (status 'failed') and returned, so a sweep carries on.
 */
export async function executeRun(
  kind: string,
  config: Readonly<Record<string, unknown>>,
  runDir: string,
  options: ExecuteRunOptions = {},
): Promise<RunResult> {
  const recorder = options.recorderFactory?.(runDir) ?? new FileRecorder(runDir);
  try {
    const outcome = await (await getExperiment(kind)).run(config, recorder, {
      signal: options.signal,
      onProgress: options.onProgress,
    });
    return { status: outcome.status, runDir, summary: outcome.summary };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await recorder.finish('failed', { error: message }).catch(() => undefined);
    return { status: 'failed', runDir, error: message };
  }
}

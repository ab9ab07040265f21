/**
 * Executes an expanded sweep: at most `parallel` runs at a time, each into `<outDir>/<slug>`, with a
 * manifest (`sweep.json`) updated as runs end. parallel = 1 runs in this process; parallel > 1 forks
 * that many child processes (see child-runner.ts), because the toy simulations are CPU-bound and one
 * Node thread would only interleave them.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExperimentProgress } from '../experiments/registry.js';
import type { ChildMessage, ParentMessage } from './child-runner.js';
import { executeRun, type RunResult, runDirectoryTaken } from './execute-run.js';
import type { SweepFile, SweepRun } from './sweep-file.js';

export interface SweepCallbacks {
  readonly onRunStart?: (run: SweepRun) => void;
  readonly onRunProgress?: (run: SweepRun, progress: ExperimentProgress) => void;
  readonly onRunEnd?: (run: SweepRun, result: RunResult) => void;
}

export interface RunSweepOptions extends SweepCallbacks {
  readonly outDir: string;
  readonly parallel: number;
  readonly signal?: AbortSignal;
}

export interface SweepResult {
  readonly sweepDir: string;
  readonly results: readonly { readonly run: SweepRun; readonly result: RunResult }[];
  /** Runs not started because the sweep was canceled. */
  readonly notStarted: number;
}

/** Runs every run of the sweep; a canceled sweep stops starting runs and cancels those in progress. */
export async function runSweep(
  sweep: SweepFile,
  runs: readonly SweepRun[],
  options: RunSweepOptions,
): Promise<SweepResult> {
  const sweepDir = join(options.outDir, sweep.name);
  mkdirSync(sweepDir, { recursive: true });
  const taken = runs.filter((r) => runDirectoryTaken(join(sweepDir, r.slug)));
  if (taken.length > 0) {
    throw new Error(
      `${taken.length} run director${taken.length === 1 ? 'y' : 'ies'} already exist under ${sweepDir} (first: ${taken[0].slug}); ` +
        'rename the sweep or choose another --out',
    );
  }
  const results: { run: SweepRun; result: RunResult }[] = [];
  const writeManifest = (): void => {
    const manifest = {
      sweep,
      runs: runs.map((run) => {
        const done = results.find((r) => r.run === run);
        return {
          name: run.name,
          slug: run.slug,
          cell: run.cell,
          replicate: run.replicate,
          seed: run.seed,
          status: done?.result.status ?? 'pending',
        };
      }),
    };
    writeFileSync(join(sweepDir, 'sweep.json'), JSON.stringify(manifest, null, 2));
  };
  writeManifest();
  const parallel = Math.max(1, Math.min(options.parallel, runs.length));
  const executors = Array.from({ length: parallel }, () =>
    parallel === 1 ? inProcessExecutor() : childProcessExecutor(),
  );
  let next = 0;
  const lane = async (execute: Executor): Promise<void> => {
    while (next < runs.length && !options.signal?.aborted) {
      const run = runs[next++];
      options.onRunStart?.(run);
      const result = await execute(run, join(sweepDir, run.slug), options);
      results.push({ run, result });
      writeManifest();
      options.onRunEnd?.(run, result);
    }
  };
  try {
    await Promise.all(executors.map((e) => lane(e)));
  } finally {
    await Promise.all(executors.map((e) => e.close()));
  }
  return { sweepDir, results, notStarted: runs.length - results.length };
}

interface Executor {
  (run: SweepRun, runDir: string, options: RunSweepOptions): Promise<RunResult>;
  close(): Promise<void>;
}

function inProcessExecutor(): Executor {
  const execute = (run: SweepRun, runDir: string, options: RunSweepOptions): Promise<RunResult> =>
    executeRun(run.kind, run.config, runDir, {
      signal: options.signal,
      onProgress: (p) => options.onRunProgress?.(run, p),
    });
  return Object.assign(execute, { close: async () => undefined });
}

/** A long-lived child process that runs one run at a time. */
function childProcessExecutor(): Executor {
  let child: ChildProcess | undefined;
  const spawnChild = (): ChildProcess => {
    const entry = fileURLToPath(new URL('./child-runner.ts', import.meta.url));
    // The child needs the same TypeScript loader as this process: pass tsx by absolute URL so it resolves from anywhere.
    return fork(entry, [], {
      execArgv: ['--import', import.meta.resolve('tsx')],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
  };
  const execute = (run: SweepRun, runDir: string, options: RunSweepOptions): Promise<RunResult> =>
    new Promise<RunResult>((resolve) => {
      child ??= spawnChild();
      const proc = child;
      const onAbort = (): void => {
        proc.send({ type: 'cancel' } satisfies ParentMessage);
      };
      const onMessage = (message: ChildMessage): void => {
        if (message.type === 'progress') options.onRunProgress?.(run, message.progress);
        else finish(message.result);
      };
      const onExit = (code: number | null): void => {
        child = undefined;
        finish({
          status: 'failed',
          runDir,
          error: `child process exited with code ${code} before the run ended`,
        });
      };
      const finish = (result: RunResult): void => {
        proc.off('message', onMessage);
        proc.off('exit', onExit);
        options.signal?.removeEventListener('abort', onAbort);
        resolve(result);
      };
      proc.on('message', onMessage);
      proc.on('exit', onExit);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      proc.send({ type: 'run', kind: run.kind, config: run.config, runDir } satisfies ParentMessage);
      if (options.signal?.aborted) onAbort();
    });
  return Object.assign(execute, {
    close: async (): Promise<void> => {
      const proc = child;
      if (!proc || proc.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        proc.once('exit', () => resolve());
        proc.send({ type: 'exit' } satisfies ParentMessage);
      });
    },
  });
}

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ConfigError, describeExperiments } from '../experiments/registry.js';
import { parseRunFile } from '../sweep/config-file.js';
import { executeRun, runDirectoryTaken } from '../sweep/execute-run.js';
import { ProgressBoard } from './progress.js';

/** Default output root of file-recorded runs. */
export const DEFAULT_OUT = './.sgdscope/runs';

/**
 * First Ctrl-C (SIGINT) aborts the controller, so runs stop at their next check, flush and end as
 * 'canceled'; a second Ctrl-C exits at once with 130. Returns a function removing the handler.
 */
export function installInterruptHandler(controller: AbortController, stream = process.stderr): () => void {
  const onSignal = (): void => {
    if (controller.signal.aborted) {
      stream.write('\nsgdscope: interrupted again, exiting without waiting\n');
      process.exit(130);
    }
    stream.write('\nsgdscope: stopping (runs end as canceled, files are flushed); Ctrl-C again to force\n');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

/** Prints a ConfigError (or any error) without a stack trace and sets exit code 2 (usage) or 1. */
export function reportCliError(error: unknown): void {
  if (error instanceof ConfigError) {
    process.stderr.write(`sgdscope: ${error.message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`sgdscope: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}

/** `sgdscope train <config> [--out DIR]`: one run from a YAML/JSON run file, recorded to files. */
export function registerTrainCommand(program: Command): void {
  program
    .command('train')
    .description('Run one experiment from a YAML/JSON run file, recording into <out>/<name>/')
    .argument('<config>', 'run file: { kind, name?, config }')
    .option('-o, --out <dir>', 'output root for run directories', DEFAULT_OUT)
    .option('--plain-progress', 'print progress lines instead of bars even on a terminal')
    .addHelpText(
      'after',
      `
Kinds:
  ${describeExperiments().join('\n  ')}

Run file example (escape.yaml):
  kind: escape
  name: escape-b005
  config:
    eta: 0.02
    batchSize: 0.05
    repeats: 100

Examples:
  $ sgdscope train escape.yaml
  $ sgdscope train fractal.json --out /tmp/runs
Exit codes: 0 finished, 130 canceled (Ctrl-C), 1 failed, 2 invalid config.
Results: <out>/<name>/run.json (status, summary), steps/, trajectory/*.npy, artifacts/<name>/*.npy.`,
    )
    .action(async (file: string, opts: { out: string; plainProgress?: boolean }) => {
      try {
        const spec = await parseRunFile(readFileSync(file, 'utf8'), file);
        const runDir = resolve(join(opts.out, spec.name));
        if (runDirectoryTaken(runDir)) {
          throw new Error(
            `${runDir} already holds a run; set another name in the run file or use another --out`,
          );
        }
        const controller = new AbortController();
        const removeHandler = installInterruptHandler(controller);
        const board = new ProgressBoard({ plain: opts.plainProgress ? true : undefined });
        const line = board.add(spec.name, 1);
        const result = await executeRun(spec.kind, spec.config, runDir, {
          signal: controller.signal,
          onProgress: (p) => line.update(p),
        });
        line.done(result.status);
        board.stop();
        removeHandler();
        process.stdout.write(`${JSON.stringify({ status: result.status, runDir, error: result.error })}\n`);
        process.exitCode = result.status === 'finished' ? 0 : result.status === 'canceled' ? 130 : 1;
      } catch (error) {
        reportCliError(error);
      }
    });
}

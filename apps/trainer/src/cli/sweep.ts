import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { runSweep } from '../sweep/run-sweep.js';
import { expandSweep, parseSweepFile } from '../sweep/sweep-file.js';
import { ProgressBoard, type ProgressSink } from './progress.js';
import { DEFAULT_OUT, installInterruptHandler, reportCliError } from './train.js';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

/** `sgdscope sweep <file> [--out DIR] [--parallel N] [--dry-run]`. */
export function registerSweepCommand(program: Command): void {
  program
    .command('sweep')
    .description('Expand a sweep file (base config x grid x replicates) and run every run')
    .argument('<file>', 'sweep file (YAML or JSON)')
    .option('-o, --out <dir>', 'output root; runs go to <out>/<sweep name>/<run>/', DEFAULT_OUT)
    .option('-p, --parallel <n>', 'runs at a time (n > 1 uses n child processes)', positiveInt, 1)
    .option('--dry-run', 'validate and list the runs without running them')
    .option('--plain-progress', 'print progress lines instead of bars even on a terminal')
    .addHelpText(
      'after',
      `
Sweep file example (escape-batch.yaml):
  name: escape-vs-batch
  kind: escape
  base: { eta: 0.02, repeats: 100 }
  grid:
    batchSize: [0.04, 0.05, 0.06, 0.07]
  replicates: 2
  seed: 7

Every run gets a deterministic name (escape-vs-batch/batchSize=0.05/r1) and seed (hash of seed, cell,
replicate). All configs are validated before anything runs; errors name the run and the key.

Examples:
  $ sgdscope sweep escape-batch.yaml --dry-run
  $ sgdscope sweep escape-batch.yaml --parallel 2 --out /tmp/runs
Exit codes: 0 all finished, 130 canceled, 1 some run failed, 2 invalid sweep.`,
    )
    .action(
      async (
        file: string,
        opts: { out: string; parallel: number; dryRun?: boolean; plainProgress?: boolean },
      ) => {
        try {
          const sweep = parseSweepFile(readFileSync(file, 'utf8'), file);
          const runs = await expandSweep(sweep);
          if (opts.dryRun) {
            for (const run of runs)
              process.stdout.write(
                `${JSON.stringify({ name: run.name, seed: run.seed, config: run.config })}\n`,
              );
            return;
          }
          const controller = new AbortController();
          const removeHandler = installInterruptHandler(controller);
          const board = new ProgressBoard({ plain: opts.plainProgress ? true : undefined });
          const lines = new Map<string, ProgressSink>();
          let ended = 0;
          const result = await runSweep(sweep, runs, {
            outDir: resolve(opts.out),
            parallel: opts.parallel,
            signal: controller.signal,
            onRunStart: (run) =>
              lines.set(run.name, board.add(`[${run.index + 1}/${runs.length}] ${run.name}`, 1)),
            onRunProgress: (run, p) => lines.get(run.name)?.update(p),
            onRunEnd: (run, r) => {
              ended++;
              lines.get(run.name)?.done(r.error ? `${r.status}: ${r.error}` : r.status);
            },
          });
          board.stop();
          removeHandler();
          const counts: Record<string, number> = {};
          for (const { result: r } of result.results) counts[r.status] = (counts[r.status] ?? 0) + 1;
          process.stdout.write(
            `${JSON.stringify({ sweepDir: result.sweepDir, runs: runs.length, ended, notStarted: result.notStarted, ...counts })}\n`,
          );
          process.exitCode = controller.signal.aborted ? 130 : (counts.failed ?? 0) > 0 ? 1 : 0;
        } catch (error) {
          reportCliError(error);
        }
      },
    );
}

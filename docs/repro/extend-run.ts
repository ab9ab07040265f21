/**
 * Extends a finished FileRecorder network run to more steps (seed 000 needs long runs to reach its regime 2):
 * reruns the run's own recorded config with a larger `steps`. The trainer resumes from the last checkpoint and
 * records only the new steps (apps/trainer/README.md, "Resume"), so a long run can be built in pieces that
 * each fit a command-time budget.
 *
 * Run: npx tsx docs/repro/extend-run.ts <runDir> <totalSteps>
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { networkConfigSchema, runNetworkExperiment } from '@sgdscope/trainer/experiments/network';
import { FileRecorder } from '@sgdscope/trainer/recording/file-recorder';

const [runDir, total] = process.argv.slice(2);
const record = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as {
  config: Record<string, unknown>;
};
const config = networkConfigSchema.parse({ ...record.config, steps: Number(total) });
const started = performance.now();
const outcome = await runNetworkExperiment(config, new FileRecorder(runDir), {
  onProgress: (p) => {
    if (p.step % 1000 === 0) console.log(`step ${p.step} loss ${p.loss?.toFixed(4)}`);
  },
});
console.log(
  outcome.status,
  `${((performance.now() - started) / 1000).toFixed(0)} s`,
  JSON.stringify(outcome.summary),
);

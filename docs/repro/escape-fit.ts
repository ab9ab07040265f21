/**
 * Seed 001 (Thms 3.1/3.2, Figs. 4–6): reads the run directories of one `sgdscope sweep` over an escape control
 * (batchSize, eta, sharpness or diffusion) and fits -log gamma against its linear axis (B, 1/eta, 1/k, 1/D) by
 * weighted least squares (`fitEscapeLaw`), printing each cell's rate per unit of dynamical time (eta x
 * iterations) with its exact chi-square or censored-MLE 95% CI (the trainer's run summary, science-spec §3.2).
 *
 * Run: npx tsx docs/repro/escape-fit.ts <out>/<sweep-name> <batchSize|learningRate|sharpness|diffusion>
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { controlAxis, type EscapeControl, type EscapePoint, fitEscapeLaw } from '@sgdscope/analysis';

interface SweepManifest {
  readonly runs: { readonly slug: string; readonly cell: Record<string, number> }[];
}
interface EscapeSummary {
  readonly escaped: number;
  readonly censored: number;
  readonly meanIterations: number;
  readonly ratePerTime: {
    rate: number;
    rateCI: { lower: number; upper: number; level: number };
    method: string;
  };
}

const [sweepDir, control] = process.argv.slice(2) as [string, EscapeControl];
// The config key that each control axis sweeps.
const configKey: Record<EscapeControl, string> = {
  batchSize: 'batchSize',
  learningRate: 'eta',
  sharpness: 'sharpness',
  diffusion: 'diffusion',
};
const manifest = JSON.parse(readFileSync(join(sweepDir, 'sweep.json'), 'utf8')) as SweepManifest;
const points: EscapePoint[] = [];
for (const run of manifest.runs) {
  const record = JSON.parse(readFileSync(join(sweepDir, run.slug, 'run.json'), 'utf8')) as {
    summary: EscapeSummary;
  };
  const s = record.summary;
  const value = run.cell[configKey[control]];
  const x = controlAxis(control, value);
  points.push({ x, rate: s.ratePerTime.rate, rateCI: s.ratePerTime.rateCI });
  console.log(
    `${configKey[control]}=${value} axis=${x.toPrecision(4)} escaped ${s.escaped}/${s.escaped + s.censored} ` +
      `mean iterations ${s.meanIterations.toFixed(0)} gamma ${s.ratePerTime.rate.toPrecision(4)} ` +
      `[${s.ratePerTime.rateCI.lower.toPrecision(4)}, ${s.ratePerTime.rateCI.upper.toPrecision(4)}] ` +
      `-log gamma ${(-Math.log(s.ratePerTime.rate)).toFixed(3)} (${s.ratePerTime.method})`,
  );
}
const fit = fitEscapeLaw(points);
console.log(
  `fit -log gamma = a + b x on ${control} axis: slope ${fit.slope.toPrecision(4)} ` +
    `[${fit.slopeCI.lower.toPrecision(4)}, ${fit.slopeCI.upper.toPrecision(4)}] Pearson r ${fit.r.toFixed(4)} ` +
    `reduced chi2 ${fit.reducedChiSquare.toFixed(2)}`,
);

/**
 * Estimator `toy-walk`: the 2-D walker on a fractal landscape (seed 000 §4 / Fig. 8; science-spec §2.1). The
 * trajectory holds (x_r, y_r) columns for each repeat r; each repeat is one window (window = r): its whole-walk
 * diffusion fit, the stable fit of its recorded gradient components, and its path as a `trajectory2d` curve with
 * the key of its landscape grid artifact in meta. A pooled `alphaDist` over all repeats is stored at window -1.
 * With `earlySteps` > 0 (toy-walk-2), rows [0, earlySteps) of each walk are fitted too (`alphaEarly`, curve
 * `msdEarly`): seed 000 splits its walk at basin entry t0 = 139 and reports superdiffusion before it.
 * toy-walk-3: `alphaLong` is stored only when its lag range [tau0, maxLag] spans at least MIN_LONG_DECADES;
 * otherwise details.skipped says why (a walk whose tau0 falls near its end gave alphaLong of 60 or -36).
 * toy-walk-4: a 2-D walk is too narrow for the coordinate jackknife, so per-walker exponents keep their OLS SE
 * but no interval (toy-walk-3 made a Wald interval from it, 20-30x too narrow); the run-level `alpha` and
 * `alphaEarly` (window -1) are the mean over walkers with a Student-t 95% interval from their spread.
 */
import { analyzeTrajectory, sampleStandardDeviation } from '@sgdscope/analysis';
import { studentTQuantile } from '@sgdscope/analysis/special';
import type { AnalysisCurveInput } from '@sgdscope/db/repo/analysis';
import type { RepoDeps } from '@sgdscope/db/repo/context';
import { artifactSteps } from '@sgdscope/db/repo/pipeline-reads';
import { streamTrajectory } from '@sgdscope/db/repo/trajectory';
import type { JsonObject, RunRecord } from '@sgdscope/db/repo/types';
import { MissingDataError, PipelineParamsError } from '../errors.js';
import { enumParam, intParam, numberParam, rejectUnknownKeys } from '../params.js';
import type { Estimator, EstimatorOutput } from '../registry.js';
import { fitDetails, fitStableWindow, resolveStableFitParams } from './gradient-stable.js';
import { alphaLongSkip, MIN_LONG_DECADES } from './long-lag.js';
import { requireLatestArtifact, requireTrajectory, ScalarList } from './shared.js';

const NAME = 'toy-walk';

function resolveParams(raw: Readonly<Record<string, unknown>>): JsonObject {
  rejectUnknownKeys(NAME, raw, [
    'convention',
    'rmseThreshold',
    'minFitPoints',
    'betaLagSpan',
    'method',
    'resamples',
    'level',
    'bins',
    'seed',
    'minSamples',
    'earlySteps',
  ]);
  const minFitPoints = intParam(NAME, raw, 'minFitPoints', 10, 2, 1_000_000);
  // Rows [0, earlySteps) as one more tamsd window (0 = off): seed 000 splits run 2 at basin entry t0 = 139.
  const earlySteps = intParam(NAME, raw, 'earlySteps', 0, 0, 100_000_000);
  if (earlySteps > 0 && earlySteps < minFitPoints + 1) {
    throw new PipelineParamsError(
      `${NAME}: earlySteps must be 0 (off) or at least minFitPoints + 1 = ${minFitPoints + 1}, got ${earlySteps}`,
    );
  }
  return {
    convention: enumParam(NAME, raw, 'convention', 'tamsd', ['tamsd', 'eq3']),
    rmseThreshold: numberParam(NAME, raw, 'rmseThreshold', 0.03, { min: 0, max: 10, minExclusive: true }),
    minFitPoints,
    betaLagSpan: intParam(NAME, raw, 'betaLagSpan', 20, 1, 1_000_000),
    earlySteps,
    ...resolveStableFitParams(NAME, raw),
  };
}

/** The whole trajectory in memory (toy walks are a few thousand rows of 2R columns). */
async function readWholeTrajectory(
  deps: RepoDeps,
  runId: string,
): Promise<{ rows: number; d: number; data: Float32Array }> {
  const parts: Float32Array[] = [];
  let rows = 0;
  let d = 0;
  for await (const chunk of streamTrajectory(deps, runId)) {
    d = chunk.d;
    rows += chunk.rows;
    parts.push(chunk.data.subarray(0, chunk.rows * chunk.d));
  }
  const data = new Float32Array(rows * d);
  let at = 0;
  for (const p of parts) {
    data.set(p, at);
    at += p.length;
  }
  return { rows, d, data };
}

function finiteOrNull(v: number | null | undefined): number | null {
  return v !== null && v !== undefined && Number.isFinite(v) ? v : null;
}

async function run(deps: RepoDeps, runRecord: RunRecord, params: JsonObject): Promise<EstimatorOutput> {
  await requireTrajectory(deps, runRecord);
  const traj = await readWholeTrajectory(deps, runRecord.id);
  if (traj.d % 2 !== 0)
    throw new MissingDataError(`run ${runRecord.id}: trajectory width ${traj.d} is not 2 x repeats`);
  const repeats = traj.d / 2;
  const minRows = 2 * (params.minFitPoints as number) + 2;
  if (traj.rows < minRows)
    throw new MissingDataError(`run ${runRecord.id}: ${traj.rows} trajectory rows, need ${minRows}`);
  const earlySteps = params.earlySteps as number;
  if (earlySteps > traj.rows) {
    throw new MissingDataError(
      `run ${runRecord.id}: earlySteps ${earlySteps} exceeds the ${traj.rows}-row walk`,
    );
  }
  const gradients = await requireLatestArtifact(deps, runRecord, 'gradients');
  const [gR, gSteps, gComp] = gradients.shape;
  if (gradients.shape.length !== 3 || gComp !== 2 || gR !== repeats) {
    throw new MissingDataError(
      `run ${runRecord.id}: gradients artifact shape [${gradients.shape.join(', ')}] does not match ${repeats} repeats x steps x 2`,
    );
  }
  const stable = resolveStableFitParams(NAME, params);
  const scalars = new ScalarList();
  const curves: AnalysisCurveInput[] = [];
  const windows: JsonObject[] = [];
  const skipped: JsonObject[] = [];
  const walkerAlphas: number[] = [];
  const walkerEarly: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const path = new Float64Array(traj.rows * 2);
    for (let t = 0; t < traj.rows; t++) {
      path[2 * t] = traj.data[t * traj.d + 2 * r];
      path[2 * t + 1] = traj.data[t * traj.d + 2 * r + 1];
    }
    // One window over the whole walk: eq3 needs 2T rows, so T is half the walk there.
    const windowSize = params.convention === 'eq3' ? Math.floor(traj.rows / 2) : traj.rows;
    const diffusion = await analyzeTrajectory([{ rows: traj.rows, d: 2, data: path }], {
      windowSize,
      convention: params.convention as 'tamsd' | 'eq3',
      rmseThreshold: params.rmseThreshold as number,
      minFitPoints: params.minFitPoints as number,
      betaLagSpan: params.betaLagSpan as number,
      maxWindows: 1,
    });
    const w = diffusion.windows[0];
    scalars.addEstimate('alpha', r, w.alpha, w.alphaStdErr, w.alphaCi);
    walkerAlphas.push(w.alpha);
    scalars.add('rmse', r, w.rmse);
    scalars.add('tau0', r, w.tau0);
    scalars.addEstimate('alphaShort', r, w.alphaShort, w.alphaShortStdErr, w.alphaShortCi);
    const skip = alphaLongSkip(r, w.tau0, w.msd.tau);
    if (skip) skipped.push(skip);
    else scalars.addEstimate('alphaLong', r, w.alphaLong, w.alphaLongStdErr, w.alphaLongCi);
    curves.push({
      name: 'msd',
      window: r,
      tw: 0,
      x: w.msd.tau,
      y: w.msd.value,
      meta: { convention: w.convention },
    });
    curves.push({ name: 'beta', window: r, tw: 0, x: w.beta.tau, y: w.beta.value });
    let early: JsonObject | null = null;
    if (earlySteps > 0) {
      // The walk before basin entry: rows [0, earlySteps) as one tamsd window, fitted by the same rules.
      const e = (
        await analyzeTrajectory([{ rows: earlySteps, d: 2, data: path.subarray(0, 2 * earlySteps) }], {
          windowSize: earlySteps,
          convention: 'tamsd',
          rmseThreshold: params.rmseThreshold as number,
          minFitPoints: params.minFitPoints as number,
          betaLagSpan: params.betaLagSpan as number,
          maxWindows: 1,
        })
      ).windows[0];
      scalars.addEstimate('alphaEarly', r, e.alpha, e.alphaStdErr, e.alphaCi);
      walkerEarly.push(e.alpha);
      curves.push({
        name: 'msdEarly',
        window: r,
        tw: 0,
        x: e.msd.tau,
        y: e.msd.value,
        meta: { convention: e.convention, rows: earlySteps },
      });
      early = { rows: earlySteps, alpha: finiteOrNull(e.alpha), rmse: finiteOrNull(e.rmse), tau0: e.tau0 };
    }
    const landscapeName = `landscape_r${r}`;
    const landscapeSteps = await artifactSteps(deps, runRecord.id, landscapeName);
    curves.push({
      name: 'trajectory2d',
      window: r,
      x: Array.from({ length: traj.rows }, (_, t) => path[2 * t]),
      y: Array.from({ length: traj.rows }, (_, t) => path[2 * t + 1]),
      meta: {
        landscapeArtifact:
          landscapeSteps.length > 0
            ? { runId: runRecord.id, name: landscapeName, step: landscapeSteps[0] }
            : null,
      },
    });
    const g = Float64Array.from(gradients.data.subarray(r * gSteps * 2, (r + 1) * gSteps * 2)).filter(
      Number.isFinite,
    );
    const entry: JsonObject = { window: r, rows: traj.rows, gradientValues: g.length, early };
    if (g.length >= stable.minSamples) {
      entry.stable = fitDetails(fitStableWindow(g, r, undefined, stable, scalars, curves), r, null);
    }
    windows.push(entry);
  }
  addWalkerMean(scalars, 'alpha', walkerAlphas);
  addWalkerMean(scalars, 'alphaEarly', walkerEarly);
  const pooled = Float64Array.from(gradients.data).filter(Number.isFinite);
  let pooledFit: JsonObject | null = null;
  if (repeats > 1 && pooled.length >= stable.minSamples) {
    pooledFit = fitDetails(fitStableWindow(pooled, -1, undefined, stable, scalars, curves), -1, null);
  }
  return {
    scalars: scalars.items,
    curves,
    details: {
      layout: 'window r = repeat r; whole walk as one diffusion window',
      convention: params.convention as string,
      early: earlySteps > 0 ? `alphaEarly: rows [0, ${earlySteps}) of each walk, one tamsd window` : null,
      gradients: 'both components dL/dx, dL/dy of every step',
      windows,
      pooled: pooledFit,
      minLongDecades: MIN_LONG_DECADES,
      skipped,
    },
  };
}

/** Run-level (window -1) mean of finite per-walker values with a Student-t 95% interval, when there are >= 2. */
function addWalkerMean(scalars: ScalarList, name: string, values: readonly number[]): void {
  const finite = values.filter(Number.isFinite);
  const n = finite.length;
  if (n < 2) return;
  const mean = finite.reduce((a, b) => a + b, 0) / n;
  const stdErr = sampleStandardDeviation(finite) / Math.sqrt(n);
  const half = studentTQuantile(0.975, n - 1) * stdErr;
  scalars.addEstimate(name, -1, mean, stdErr, { lower: mean - half, upper: mean + half, level: 0.95 });
}

export const toyWalkEstimator: Estimator = {
  name: NAME,
  version: 'toy-walk-4',
  kinds: ['fractal_landscape'],
  description:
    'Fractal-landscape walker: per-repeat diffusion, gradient alphaDist, 2-D path (seed 000 Fig. 8).',
  resolveParams,
  run,
};

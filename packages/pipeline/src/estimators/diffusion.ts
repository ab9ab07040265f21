/**
 * Estimator `diffusion`: windowed MSD, alpha, tau0, t0 and beta of the stored trajectory (seed 000 §3;
 * science-spec §1.2-1.4), with the same scalar and curve names as the API adapter it replaces.
 * diffusion-2: a window's `alphaLong` is left out (details.skipped says why) when its lag range [tau0, maxLag]
 * spans under MIN_LONG_DECADES (see long-lag.ts); diffusion-1 stored e.g. alphaLong = 2.68 for tau0 = 599 of 999.
 * diffusion-3: the exponents' SE and 95% interval come from the coordinate jackknife (analysis
 * `coordinateJackknife`); diffusion-2 stored the OLS slope SE with a Wald interval, 20-30x too narrow. Windows too
 * narrow to group (under 8 columns) keep the OLS SE and store no interval; details.uncertainty says which.
 */
import {
  DEFAULT_JACKKNIFE_GROUPS,
  type DiffusionOptions,
  type TrajectoryDiffusion,
} from '@sgdscope/analysis';
import type { AnalysisCurveInput } from '@sgdscope/db/repo/analysis';
import type { RepoDeps } from '@sgdscope/db/repo/context';
import { streamTrajectory } from '@sgdscope/db/repo/trajectory';
import type { JsonObject, RunRecord } from '@sgdscope/db/repo/types';
import { computeAnalyzeTrajectory } from '../compute/pool.js';
import { MissingDataError } from '../errors.js';
import { definedJson, enumParam, intParam, numberParam, rejectUnknownKeys } from '../params.js';
import type { Estimator, EstimatorOutput } from '../registry.js';
import { alphaLongSkip, MIN_LONG_DECADES } from './long-lag.js';
import { requireTrajectory, ScalarList } from './shared.js';

const NAME = 'diffusion';
const MAX_INT = 10_000_000;

/** Validated diffusion parameters with defaults written out (T = 1000, tamsd, RMSE threshold 0.03, 16 jackknife groups). */
export function resolveDiffusionParams(raw: Readonly<Record<string, unknown>>): JsonObject {
  rejectUnknownKeys(NAME, raw, [
    'windowSize',
    'stride',
    'convention',
    'rmseThreshold',
    'minFitPoints',
    'betaLagSpan',
    'maxWindows',
    'jackknifeGroups',
  ]);
  const windowSize = intParam(NAME, raw, 'windowSize', 1000, 3, MAX_INT);
  return definedJson({
    windowSize,
    stride: intParam(NAME, raw, 'stride', windowSize, 1, MAX_INT),
    convention: enumParam(NAME, raw, 'convention', 'tamsd', ['tamsd', 'eq3']),
    rmseThreshold: numberParam(NAME, raw, 'rmseThreshold', 0.03, { min: 0, max: 10, minExclusive: true }),
    minFitPoints: intParam(NAME, raw, 'minFitPoints', 10, 2, MAX_INT),
    betaLagSpan: intParam(NAME, raw, 'betaLagSpan', 20, 1, MAX_INT),
    maxWindows:
      raw.maxWindows === undefined || raw.maxWindows === null
        ? undefined
        : intParam(NAME, raw, 'maxWindows', 1, 1, MAX_INT),
    jackknifeGroups: intParam(NAME, raw, 'jackknifeGroups', DEFAULT_JACKKNIFE_GROUPS, 0, 256),
  });
}

/** Converts a trajectory diffusion result into the stored scalars, curves and details (shared with toy-walk). */
export function diffusionOutput(result: TrajectoryDiffusion): EstimatorOutput {
  const scalars = new ScalarList();
  const skipped: JsonObject[] = [];
  result.windows.forEach((w, i) => {
    scalars.addEstimate('alpha', i, w.alpha, w.alphaStdErr, w.alphaCi);
    scalars.add('rmse', i, w.rmse);
    scalars.add('tau0', i, w.tau0);
    scalars.addEstimate('alphaShort', i, w.alphaShort, w.alphaShortStdErr, w.alphaShortCi);
    const skip = alphaLongSkip(i, w.tau0, w.msd.tau);
    if (skip) skipped.push(skip);
    else scalars.addEstimate('alphaLong', i, w.alphaLong, w.alphaLongStdErr, w.alphaLongCi);
  });
  scalars.add('t0', -1, result.t0);
  const curves: AnalysisCurveInput[] = result.windows.flatMap((w, i) => [
    { name: 'msd', window: i, tw: w.tw, x: w.msd.tau, y: w.msd.value, meta: { convention: w.convention } },
    { name: 'beta', window: i, tw: w.tw, x: w.beta.tau, y: w.beta.value },
  ]);
  return {
    scalars: scalars.items,
    curves,
    details: {
      convention: result.convention,
      windowSize: result.windowSize,
      stride: result.stride,
      d: result.d,
      rmseThreshold: result.rmseThreshold,
      t0DataDrivenThreshold: Number.isFinite(result.t0DataDrivenThreshold)
        ? result.t0DataDrivenThreshold
        : null,
      t0DataDriven: result.t0DataDriven,
      windows: result.windows.map((w) => ({
        tw: w.tw,
        rmse: w.rmse,
        tau0DataDriven: w.tau0DataDriven,
        uncertainty: { method: w.uncertainty.method, groups: w.uncertainty.groups },
      })),
      minLongDecades: MIN_LONG_DECADES,
      skipped,
    },
  };
}

/** Runs analyzeTrajectory over the stored trajectory; MissingDataError when it holds less than one window. */
export async function runDiffusion(
  deps: RepoDeps,
  run: RunRecord,
  params: JsonObject,
): Promise<EstimatorOutput> {
  await requireTrajectory(deps, run);
  const result = await computeAnalyzeTrajectory(streamTrajectory(deps, run.id), params as DiffusionOptions);
  if (result.windows.length === 0) {
    throw new MissingDataError(
      `run ${run.id} has too few trajectory rows for one window of ${params.windowSize}`,
    );
  }
  return diffusionOutput(result);
}

export const diffusionEstimator: Estimator = {
  name: NAME,
  version: 'diffusion-3',
  kinds: ['network', 'fractal_landscape'],
  description: 'Windowed MSD, alpha, tau0, t0 and beta of the weight trajectory (seed 000 §3).',
  resolveParams: resolveDiffusionParams,
  run: runDiffusion,
};

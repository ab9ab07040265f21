/**
 * Estimator `geometry`: fractal dimension of the weight path per window (seed 000 §1.5; science-spec §5 item 5):
 * Delta r^2 ~ Delta s^lambda from log-averaged pairs, Df = 2/lambda, two-segment crossover. With `sketchDim` the
 * rows are randomly projected first (geometry-2; distances kept within 1 +- eps, so Df is kept).
 * geometry-3: lambda's SE and 95% interval come from the coordinate jackknife (16 groups; analysis
 * `fractalDimension`), and Df carries the interval mapped through 2/lambda; geometry-2 stored the OLS error of the
 * bin means with a Wald interval (5x too narrow on Brownian paths: 22% coverage).
 */
import { DEFAULT_JACKKNIFE_GROUPS } from '@sgdscope/analysis';
import type { AnalysisCurveInput } from '@sgdscope/db/repo/analysis';
import type { RepoDeps } from '@sgdscope/db/repo/context';
import type { JsonObject, RunRecord } from '@sgdscope/db/repo/types';
import { computeFractalDimension } from '../compute/pool.js';
import { MissingDataError } from '../errors.js';
import { definedJson, enumParam, intParam, rejectUnknownKeys } from '../params.js';
import type { Estimator, EstimatorOutput } from '../registry.js';
import { requireTrajectory, ScalarList } from './shared.js';
import {
  AUTO_SKETCH_DIM,
  PAIR_WINDOW_PARAM_KEYS,
  resolvePairWindowParams,
  sketchDetails,
  sketchOf,
  steppedWindows,
} from './windows.js';

const NAME = 'geometry';

function resolveParams(raw: Readonly<Record<string, unknown>>): JsonObject {
  rejectUnknownKeys(NAME, raw, [...PAIR_WINDOW_PARAM_KEYS, 'binsPerDecade', 'groupBy', 'jackknifeGroups']);
  return definedJson({
    ...resolvePairWindowParams(NAME, raw),
    binsPerDecade: intParam(NAME, raw, 'binsPerDecade', 10, 2, 100),
    groupBy: enumParam(NAME, raw, 'groupBy', 'lag', ['lag', 'contour']),
    jackknifeGroups: intParam(NAME, raw, 'jackknifeGroups', DEFAULT_JACKKNIFE_GROUPS, 0, 256),
  });
}

async function run(deps: RepoDeps, runRecord: RunRecord, params: JsonObject): Promise<EstimatorOutput> {
  await requireTrajectory(deps, runRecord);
  const scalars = new ScalarList();
  const curves: AnalysisCurveInput[] = [];
  const windows: JsonObject[] = [];
  let sourceDim: number | null = null;
  for await (const w of steppedWindows(deps, runRecord, {
    span: params.windowSize as number,
    maxWindows: params.maxWindows as number,
    maxDimension: params.maxDimension as number,
    sketch: sketchOf(params),
  })) {
    sourceDim = w.sourceDim;
    const fd = await computeFractalDimension(w, {
      binsPerDecade: params.binsPerDecade as number,
      groupBy: params.groupBy as 'lag' | 'contour',
      jackknifeGroups: params.jackknifeGroups as number,
    });
    scalars.addEstimate('lambda', w.index, fd.lambda, fd.lambdaStdErr, fd.lambdaCi);
    scalars.addEstimate('Df', w.index, fd.Df, null, fd.DfCi);
    scalars.add('crossover', w.index, fd.crossover);
    curves.push({ name: 'contour', window: w.index, tw: w.firstStep, x: fd.curve.x, y: fd.curve.y });
    windows.push({
      window: w.index,
      tw: w.firstStep,
      pairs: fd.pairs,
      lambdaShort: fd.lambdaShort,
      lambdaLong: fd.lambdaLong,
      crossoverSseRatio: fd.crossoverSseRatio,
      arithmeticDf: Number.isFinite(fd.arithmetic.Df) ? fd.arithmetic.Df : null,
      uncertainty: { method: fd.uncertainty.method, groups: fd.uncertainty.groups },
    });
  }
  if (windows.length === 0) {
    throw new MissingDataError(`run ${runRecord.id} has fewer than ${params.windowSize} trajectory rows`);
  }
  return {
    scalars: scalars.items,
    curves,
    details: {
      estimator: 'mean ln r^2 vs mean ln s (log-averaged), Df = 2/lambda',
      sketch: sketchDetails(params, sourceDim, params.maxDimension as number),
      windows,
    },
  };
}

export const geometryEstimator: Estimator = {
  name: NAME,
  version: 'geometry-3',
  kinds: ['network', 'fractal_landscape'],
  description:
    'Fractal dimension Df = 2/lambda of the weight path per window, with crossover (seed 000 §1.5).',
  resolveParams,
  wideTrajectoryParams: { sketchDim: AUTO_SKETCH_DIM },
  run,
};

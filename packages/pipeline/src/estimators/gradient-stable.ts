/**
 * Estimator `gradient-stable`: Lévy alpha-stable fit of each window's sampled gradient components (seed 000 §1.7,
 * Fig. 5; science-spec §3.3, §5 item 7): alpha with a block-bootstrap CI, scale, beta, Vuong Z against a
 * Gaussian, and a histogram with both fitted densities for plotting.
 */
import type { StableFitResult } from '@sgdscope/analysis';
import type { AnalysisCurveInput } from '@sgdscope/db/repo/analysis';
import type { RepoDeps } from '@sgdscope/db/repo/context';
import type { JsonObject, RunRecord } from '@sgdscope/db/repo/types';
import { computeStableWindow } from '../compute/pool.js';
import { type StableWindowParts, stableWindowParts } from '../compute/tasks.js';
import { MissingDataError, PipelineParamsError } from '../errors.js';
import { enumParam, intParam, numberParam, rejectUnknownKeys } from '../params.js';
import type { Estimator, EstimatorOutput } from '../registry.js';
import { requireArtifacts, ScalarList } from './shared.js';

const NAME = 'gradient-stable';

/** Resolved parameters of a stable fit, shared with the toy-walk estimator. */
export interface StableFitParams {
  readonly method: 'koutrouvelis' | 'mcculloch';
  readonly resamples: number;
  readonly level: number;
  readonly bins: number;
  readonly seed: number;
  readonly minSamples: number;
}

/** Validates the stable-fit keys of `raw` (Koutrouvelis, 200 resamples, 95 %, 50 bins, seed 1, ≥ 100 values). */
export function resolveStableFitParams(
  estimator: string,
  raw: Readonly<Record<string, unknown>>,
): StableFitParams {
  return {
    method: enumParam(estimator, raw, 'method', 'koutrouvelis', ['koutrouvelis', 'mcculloch']),
    resamples: intParam(estimator, raw, 'resamples', 200, 20, 5000),
    level: numberParam(estimator, raw, 'level', 0.95, { min: 0.5, max: 0.999 }),
    bins: intParam(estimator, raw, 'bins', 50, 5, 1000),
    seed: intParam(estimator, raw, 'seed', 1, 0, 2 ** 31 - 1),
    minSamples: intParam(estimator, raw, 'minSamples', 100, 20, 10_000_000),
  };
}

const STABLE_KEYS = ['method', 'resamples', 'level', 'bins', 'seed', 'minSamples', 'dropZeros'];

/**
 * `dropZeros` (default true): exact-zero components are left out of the fit. They are structural, not noise: a
 * weight on an always-black MNIST border pixel, or into a ReLU unit dead for the whole batch, has a gradient of
 * exactly 0. When they are more than half the sample the interquartile range is 0 and every quantile or ECF
 * estimator collapses to its lower bound (alpha = 0.1 was seen on the demo MLP). Their fraction is reported.
 */
function resolveParams(raw: Readonly<Record<string, unknown>>): JsonObject {
  rejectUnknownKeys(NAME, raw, STABLE_KEYS);
  const dropZeros = raw.dropZeros ?? true;
  if (typeof dropZeros !== 'boolean')
    throw new PipelineParamsError(`${NAME}: dropZeros must be true or false`);
  return { ...resolveStableFitParams(NAME, raw), dropZeros };
}

/** Gaussian density with the sample's ML mean and SD (divisor n), the alternative of the Vuong test. */
function gaussianDensityAt(data: ArrayLike<number>, x: ArrayLike<number>): number[] {
  let mean = 0;
  for (let i = 0; i < data.length; i++) mean += data[i];
  mean /= data.length;
  let ss = 0;
  for (let i = 0; i < data.length; i++) ss += (data[i] - mean) ** 2;
  const sd = Math.sqrt(ss / data.length);
  return Array.from(x, (v) => Math.exp(-0.5 * ((v - mean) / sd) ** 2) / (sd * Math.sqrt(2 * Math.PI)));
}

/**
 * Fits one sample and appends its scalars (`alphaDist` with CI, `stableScale`, `stableBeta`, `vuongZ`) and its
 * `gradHist` curve (x bin centres, y empirical density, meta.stable / meta.gaussian fitted densities at x).
 */
export function fitStableWindow(
  data: ArrayLike<number>,
  window: number,
  tw: number | undefined,
  params: StableFitParams,
  scalars: ScalarList,
  curves: AnalysisCurveInput[],
): StableFitResult {
  return recordStableWindow(stableWindowParts(data, params), data, window, tw, scalars, curves);
}

/** fitStableWindow with the fit computed in the compute worker (seconds per sample), so the event loop stays free. */
export async function fitStableWindowOffThread(
  data: Float64Array,
  window: number,
  tw: number | undefined,
  params: StableFitParams,
  scalars: ScalarList,
  curves: AnalysisCurveInput[],
): Promise<StableFitResult> {
  return recordStableWindow(await computeStableWindow(data, params), data, window, tw, scalars, curves);
}

function recordStableWindow(
  parts: StableWindowParts,
  data: ArrayLike<number>,
  window: number,
  tw: number | undefined,
  scalars: ScalarList,
  curves: AnalysisCurveInput[],
): StableFitResult {
  const { fit } = parts;
  scalars.addWithInterval('alphaDist', window, fit.alpha, fit.alphaCI);
  scalars.add('stableScale', window, fit.scale);
  scalars.add('stableBeta', window, fit.beta);
  scalars.add('vuongZ', window, fit.vuongZ);
  curves.push({
    name: 'gradHist',
    window,
    ...(tw !== undefined && { tw }),
    x: parts.centers,
    y: parts.empirical,
    meta: {
      stable: parts.stable,
      gaussian: gaussianDensityAt(data, parts.centers),
    },
  });
  return fit;
}

/** Summary of one fit for the result details. */
export function fitDetails(fit: StableFitResult, window: number, step: number | null): JsonObject {
  const finiteOrNull = (v: number) => (Number.isFinite(v) ? v : null);
  return {
    window,
    step,
    n: fit.n,
    loc: finiteOrNull(fit.loc),
    llrPerN: finiteOrNull(fit.llrPerN),
    vuongP: finiteOrNull(fit.vuongP),
    blockLength: fit.blockLength,
  };
}

async function run(deps: RepoDeps, runRecord: RunRecord, raw: JsonObject): Promise<EstimatorOutput> {
  const params = resolveStableFitParams(NAME, raw);
  const dropZeros = raw.dropZeros !== false;
  const artifacts = await requireArtifacts(deps, runRecord, 'gradient_sample');
  const scalars = new ScalarList();
  const curves: AnalysisCurveInput[] = [];
  const windows: JsonObject[] = [];
  const skipped: JsonObject[] = [];
  for (const [index, a] of artifacts.entries()) {
    const metaWindow = a.meta?.window;
    const window = typeof metaWindow === 'number' && Number.isInteger(metaWindow) ? metaWindow : index;
    const finite = Float64Array.from(a.data).filter((v) => Number.isFinite(v));
    const values = dropZeros ? finite.filter((v) => v !== 0) : finite;
    if (finite.length > 0) scalars.add('gradZeroFraction', window, 1 - values.length / finite.length);
    if (values.length < params.minSamples) {
      skipped.push({
        window,
        step: a.step,
        n: values.length,
        reason: `fewer than ${params.minSamples} values`,
      });
      continue;
    }
    const fit = await fitStableWindowOffThread(values, window, a.step, params, scalars, curves);
    windows.push(fitDetails(fit, window, a.step));
  }
  if (windows.length === 0) {
    throw new MissingDataError(`run ${runRecord.id}: no gradient sample holds ${params.minSamples} values`);
  }
  return {
    scalars: scalars.items,
    curves,
    details: {
      method: params.method,
      ciMethod: 'moving-block bootstrap percentile',
      level: params.level,
      windows,
      skipped,
    },
  };
}

export const gradientStableEstimator: Estimator = {
  name: NAME,
  version: 'gradient-stable-2',
  kinds: ['network'],
  description:
    'Alpha-stable fit of sampled gradient components per window, bootstrap CI, Vuong Z (seed 000 §1.7).',
  resolveParams,
  run,
};

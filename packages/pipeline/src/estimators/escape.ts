/**
 * Estimator `escape`: escape rate of a run's repeats (seed 001 Appendix D; science-spec §3.2, §5 item 15):
 * gamma = (n-1)/sum t with the exact chi-square CI, or the censored-exponential MLE when some repeats never escaped.
 */
import { type EscapeRateNumerator, type EscapeRateResult, escapeRate } from '@sgdscope/analysis';
import type { RepoDeps } from '@sgdscope/db/repo/context';
import type { JsonObject, RunRecord } from '@sgdscope/db/repo/types';
import { PipelineParamsError } from '../errors.js';
import { enumParam, numberParam, rejectUnknownKeys } from '../params.js';
import type { Estimator, EstimatorOutput } from '../registry.js';
import { requireLatestArtifact, ScalarList } from './shared.js';

const NAME = 'escape';

/** Escape-rate options shared with the sweep-level fit. */
export interface EscapeParams {
  readonly unit: 'dynamical' | 'iterations';
  readonly numerator: EscapeRateNumerator;
  readonly level: number;
}

/** Validates unit (default dynamical time eta x iterations, as seed 001 plots), numerator (n-1) and level. */
export function resolveEscapeParams(estimator: string, raw: Readonly<Record<string, unknown>>): EscapeParams {
  return {
    unit: enumParam(estimator, raw, 'unit', 'dynamical', ['dynamical', 'iterations']),
    numerator: enumParam(estimator, raw, 'numerator', 'n-1', ['n-1', 'n', 'n-2']),
    level: numberParam(estimator, raw, 'level', 0.95, { min: 0.5, max: 0.999 }),
  };
}

/** A run's escape times and censoring flags (escaped = 0 means the repeat hit the step budget). */
export async function readEscapeTimes(
  deps: RepoDeps,
  run: RunRecord,
  unit: EscapeParams['unit'],
): Promise<{ times: Float64Array; censored: boolean[] }> {
  const times = await requireLatestArtifact(
    deps,
    run,
    unit === 'dynamical' ? 'escape_time' : 'escape_iterations',
  );
  const escaped = await requireLatestArtifact(deps, run, 'escaped');
  if (escaped.data.length !== times.data.length) {
    throw new PipelineParamsError(
      `run ${run.id}: ${times.data.length} escape times but ${escaped.data.length} escaped flags`,
    );
  }
  return { times: Float64Array.from(times.data), censored: Array.from(escaped.data, (e) => e === 0) };
}

/** The stored scalars of one rate estimate. */
export function escapeScalars(rate: EscapeRateResult, scalars: ScalarList): void {
  scalars.addWithInterval('escapeRate', -1, rate.rate, rate.rateCI);
  scalars.add('meanEscapeTime', -1, rate.meanTime);
  scalars.add('censored', -1, rate.censored);
  scalars.add('escaped', -1, rate.escaped);
  scalars.add('repeats', -1, rate.n);
}

async function run(deps: RepoDeps, runRecord: RunRecord, raw: JsonObject): Promise<EstimatorOutput> {
  const params = resolveEscapeParams(NAME, raw);
  const { times, censored } = await readEscapeTimes(deps, runRecord, params.unit);
  const rate = escapeRate(times, { censored, level: params.level, numerator: params.numerator });
  const scalars = new ScalarList();
  escapeScalars(rate, scalars);
  return {
    scalars: scalars.items,
    curves: [],
    details: {
      unit: params.unit === 'dynamical' ? 'per unit of eta x iterations' : 'per iteration',
      method: rate.method,
      numerator: params.numerator,
      totalTime: rate.totalTime,
      normalCI: { lower: rate.normalCI.lower, upper: rate.normalCI.upper, level: rate.normalCI.level },
    },
  };
}

export const escapeEstimator: Estimator = {
  name: NAME,
  version: 'escape-1',
  kinds: ['escape'],
  description: 'Escape rate with exact chi-square or censored-exponential CI (seed 001 App. D).',
  resolveParams: (raw) => {
    rejectUnknownKeys(NAME, raw, ['unit', 'numerator', 'level']);
    return { ...resolveEscapeParams(NAME, raw) };
  },
  run,
};

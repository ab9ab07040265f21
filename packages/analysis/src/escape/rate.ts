import { chiSquareQuantile, normalQuantile } from '../special.js';
import type { Interval } from '../types.js';
import { AnalysisInputError } from '../types.js';

/**
 * Numerator of the uncensored rate estimate: 'n-1' (default) is the unbiased estimator of an exponential rate,
 * E[(n−1)/Σt] = γ; 'n' is the MLE; 'n-2' is what seed 001 Appendix D prints ("100 − 2"), possibly an extraction
 * artefact (science-spec §3.2). The intervals do not depend on this choice.
 */
export type EscapeRateNumerator = 'n-1' | 'n' | 'n-2';

/** Options of escapeRate. */
export interface EscapeRateOptions {
  /** Confidence level of the intervals. Default 0.95. */
  readonly level?: number;
  /** Runs whose time is >= budget never escaped (censored at the budget). */
  readonly budget?: number;
  /** Explicit censoring flags, parallel to the times (true = the run hit its budget without escaping). */
  readonly censored?: readonly boolean[];
  readonly numerator?: EscapeRateNumerator;
}

/** An escape-rate estimate (rates in inverse time units of the input: iterations, or eta × iterations). */
export interface EscapeRateResult {
  /** gamma-hat: (n−1)/Σt without censoring, (#escaped)/Σt (censored-exponential MLE) with censoring. */
  readonly rate: number;
  /**
   * Without censoring: the exact interval from 2γΣt ~ χ²_{2n}. With censoring: [χ²_{a/2, 2d}, χ²_{1−a/2, 2d+2}]/(2Σt)
   * (d escapes; Cox 1953's interval for the total-time-on-test statistic, conservative for type-I censoring).
   */
  readonly rateCI: Interval;
  /** The seed's normal approximation gamma-hat (1 ± z/√n) (uses d for n when censored). */
  readonly normalCI: Interval;
  /** Mean escape time: Σt/n without censoring, Σt/d (its MLE) with censoring; Infinity if nothing escaped. */
  readonly meanTime: number;
  /** Number of runs. */
  readonly n: number;
  /** Number of censored runs (hit the budget without escaping). */
  readonly censored: number;
  readonly escaped: number;
  readonly totalTime: number;
  readonly method: 'exact' | 'censored-mle';
}

/**
 * Escape rate of exponential escape times (seed 001 §4 and Appendix D; science-spec §3.2, §5 item 15).
 * Throws AnalysisInputError on empty input, non-finite or negative times, or an all-zero total.
 */
export function escapeRate(times: ArrayLike<number>, options: EscapeRateOptions = {}): EscapeRateResult {
  const n = times.length;
  const level = options.level ?? 0.95;
  if (n === 0) throw new AnalysisInputError('escapeRate: no escape times given');
  if (!(level > 0 && level < 1))
    throw new AnalysisInputError(`escapeRate: level must be in (0, 1), got ${level}`);
  if (options.censored && options.censored.length !== n) {
    throw new AnalysisInputError(`escapeRate: ${n} times but ${options.censored.length} censoring flags`);
  }
  let total = 0;
  let censored = 0;
  for (let i = 0; i < n; i++) {
    const t = times[i];
    if (!Number.isFinite(t) || t < 0)
      throw new AnalysisInputError(`escapeRate: time ${i} is ${t}; need finite values >= 0`);
    total += t;
    const isCensored = options.censored
      ? options.censored[i]
      : options.budget !== undefined && t >= options.budget;
    if (isCensored) censored++;
  }
  if (!(total > 0)) throw new AnalysisInputError('escapeRate: all escape times are 0; the rate is undefined');
  const escaped = n - censored;
  const tail = (1 - level) / 2;
  const z = normalQuantile(1 - tail);
  if (censored === 0) {
    if (n < 2 && (options.numerator ?? 'n-1') !== 'n') {
      throw new AnalysisInputError('escapeRate: the (n−1)/Σt estimator needs at least 2 runs');
    }
    const numerator = { 'n-1': n - 1, n: n, 'n-2': n - 2 }[options.numerator ?? 'n-1'];
    const rate = numerator / total;
    return {
      rate,
      rateCI: {
        lower: chiSquareQuantile(tail, 2 * n) / (2 * total),
        upper: chiSquareQuantile(1 - tail, 2 * n) / (2 * total),
        level,
      },
      normalCI: { lower: rate * (1 - z / Math.sqrt(n)), upper: rate * (1 + z / Math.sqrt(n)), level },
      meanTime: total / n,
      n,
      censored,
      escaped,
      totalTime: total,
      method: 'exact',
    };
  }
  const rate = escaped / total;
  return {
    rate,
    rateCI: {
      lower: escaped > 0 ? chiSquareQuantile(tail, 2 * escaped) / (2 * total) : 0,
      upper: chiSquareQuantile(1 - tail, 2 * escaped + 2) / (2 * total),
      level,
    },
    normalCI:
      escaped > 0
        ? { lower: rate * (1 - z / Math.sqrt(escaped)), upper: rate * (1 + z / Math.sqrt(escaped)), level }
        : { lower: 0, upper: 0, level },
    meanTime: escaped > 0 ? total / escaped : Number.POSITIVE_INFINITY,
    n,
    censored,
    escaped,
    totalTime: total,
    method: 'censored-mle',
  };
}

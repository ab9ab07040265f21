import { AnalysisInputError } from '../types.js';
import { stableDensity } from './density.js';
import type { StableParams } from './params.js';
import { quantileSorted, sortedCopy } from './quantiles.js';

/** How to bin a sample for plotting against its fitted density. */
export interface StableHistogramOptions {
  /** Number of bins. Default 50 (seed 000 plots use 50 bins). */
  readonly bins?: number;
  /**
   * 'linear': equal-width bins of the signed values over [min, max] of the range.
   * 'log': log-spaced bins of |x − loc| over the range, with the fitted density of |X − loc| (f(loc + r) + f(loc − r)),
   * the usual view of a heavy tail.
   */
  readonly spacing?: 'linear' | 'log';
  /** Bin range; default the 0.5% and 99.5% sample quantiles (linear) or of |x − loc| (log) so outliers do not squash the plot. */
  readonly range?: readonly [number, number];
}

/** A histogram normalised to a density, and the fitted stable density at the bin centres. */
export interface StableHistogram {
  readonly spacing: 'linear' | 'log';
  /** bins + 1 bin edges. */
  readonly edges: Float64Array;
  readonly centers: Float64Array;
  /** count / (n × width): comparable with the density. n counts all values, including those outside the range. */
  readonly empirical: Float64Array;
  /** Fitted density at the centres (geometric centres for log bins). */
  readonly fitted: Float64Array;
  readonly counts: Uint32Array;
}

/** Histogram of the data with the fitted S1 density overlaid, for the heavy-tail plots of seed 000 Fig. 5 / 8c. */
export function stableHistogram(
  data: ArrayLike<number>,
  params: StableParams,
  options: StableHistogramOptions = {},
): StableHistogram {
  const bins = options.bins ?? 50;
  const spacing = options.spacing ?? 'linear';
  if (!(Number.isInteger(bins) && bins >= 1))
    throw new AnalysisInputError(`stableHistogram: bins must be a positive integer, got ${bins}`);
  const n = data.length;
  if (n === 0) throw new AnalysisInputError('stableHistogram: the sample is empty');
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = data[i];
    if (!Number.isFinite(v)) throw new AnalysisInputError(`stableHistogram: value ${i} is ${v}`);
    values[i] = spacing === 'log' ? Math.abs(v - params.loc) : v;
  }
  let [lo, hi] = options.range ?? [0, 0];
  if (!options.range) {
    const sorted = sortedCopy(values);
    lo = quantileSorted(sorted, 0.005);
    hi = quantileSorted(sorted, 0.995);
    if (spacing === 'log' && !(lo > 0)) lo = sorted.find((v) => v > 0) ?? 0;
  }
  if (!(hi > lo) || (spacing === 'log' && !(lo > 0))) {
    throw new AnalysisInputError(
      `stableHistogram: empty or invalid bin range [${lo}, ${hi}] for ${spacing} bins`,
    );
  }
  const edges = new Float64Array(bins + 1);
  for (let i = 0; i <= bins; i++) {
    edges[i] = spacing === 'log' ? lo * (hi / lo) ** (i / bins) : lo + ((hi - lo) * i) / bins;
  }
  const counts = new Uint32Array(bins);
  const logLo = Math.log(lo);
  const logSpan = Math.log(hi / lo);
  for (const v of values) {
    if (v < lo || v > hi) continue;
    const pos = spacing === 'log' ? (Math.log(v) - logLo) / logSpan : (v - lo) / (hi - lo);
    counts[Math.min(bins - 1, Math.floor(pos * bins))]++;
  }
  const centers = new Float64Array(bins);
  const empirical = new Float64Array(bins);
  const fitted = new Float64Array(bins);
  for (let i = 0; i < bins; i++) {
    const a = edges[i];
    const b = edges[i + 1];
    const c = spacing === 'log' ? Math.sqrt(a * b) : 0.5 * (a + b);
    centers[i] = c;
    empirical[i] = counts[i] / (n * (b - a));
    fitted[i] =
      spacing === 'log'
        ? stableDensity(params.loc + c, params) + stableDensity(params.loc - c, params)
        : stableDensity(c, params);
  }
  return { spacing, edges, centers, empirical, fitted, counts };
}

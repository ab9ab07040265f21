/**
 * Logarithmic binning of (x, y) pairs, the common step of every scaling estimator here (Df, MSL).
 * Bins are equal-width in ln x, so each decade of scale gets the same weight in a log-log fit.
 */
import { AnalysisInputError } from '../types.js';

export interface LogBinOptions {
  /** Bins per decade of x (default 10). */
  readonly binsPerDecade?: number;
  /** Bins holding fewer pairs are dropped (default 5). */
  readonly minCount?: number;
}

/** Per-bin summaries: both log-averaged and arithmetic means, so either estimator can be fitted. */
export interface LogBins {
  /** Mean of ln x over the pairs in the bin. */
  readonly meanLogX: number[];
  /** Mean of ln y over the pairs in the bin (pairs with y <= 0 are left out of this mean only). */
  readonly meanLogY: number[];
  /** Arithmetic mean of x. */
  readonly meanX: number[];
  /** Arithmetic mean of y. */
  readonly meanY: number[];
  /** Number of pairs per bin. */
  readonly count: number[];
}

/**
 * Bin pairs by ln x into `binsPerDecade` bins per decade between the smallest and largest positive x.
 * Pairs with x <= 0 or non-finite values are skipped; y <= 0 contributes to the arithmetic mean only
 * (ln 0 is undefined), which matters for repeated points.
 */
export function logBin(x: ArrayLike<number>, y: ArrayLike<number>, options: LogBinOptions = {}): LogBins {
  return logBinBy(x, x, y, options);
}

/**
 * Like `logBin`, but bins are chosen by a separate positive `key` (e.g. the lag j - i) while the summaries
 * are of x and y. Pairs whose x is not positive are skipped.
 */
export function logBinBy(
  key: ArrayLike<number>,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  options: LogBinOptions = {},
): LogBins {
  const perDecade = options.binsPerDecade ?? 10;
  const minCount = options.minCount ?? 5;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  const usable = (i: number): boolean =>
    key[i] > 0 && x[i] > 0 && Number.isFinite(key[i]) && Number.isFinite(x[i]) && Number.isFinite(y[i]);
  for (let i = 0; i < key.length; i++) {
    if (!usable(i)) continue;
    if (key[i] < lo) lo = key[i];
    if (key[i] > hi) hi = key[i];
  }
  if (!(hi > lo))
    throw new AnalysisInputError('logBin: need at least two distinct positive values to bin by');
  const lnLo = Math.log(lo);
  const width = Math.LN10 / perDecade;
  const nb = Math.max(1, Math.ceil((Math.log(hi) - lnLo) / width + 1e-9));
  const sLx = new Float64Array(nb);
  const sLy = new Float64Array(nb);
  const nLy = new Float64Array(nb);
  const sX = new Float64Array(nb);
  const sY = new Float64Array(nb);
  const cnt = new Float64Array(nb);
  for (let i = 0; i < key.length; i++) {
    if (!usable(i)) continue;
    const v = x[i];
    const w = y[i];
    const b = Math.min(nb - 1, Math.floor((Math.log(key[i]) - lnLo) / width));
    sLx[b] += Math.log(v);
    sX[b] += v;
    sY[b] += w;
    cnt[b]++;
    if (w > 0) {
      sLy[b] += Math.log(w);
      nLy[b]++;
    }
  }
  const out: LogBins = { meanLogX: [], meanLogY: [], meanX: [], meanY: [], count: [] };
  for (let b = 0; b < nb; b++) {
    if (cnt[b] < minCount || nLy[b] === 0) continue;
    out.meanLogX.push(sLx[b] / cnt[b]);
    out.meanLogY.push(sLy[b] / nLy[b]);
    out.meanX.push(sX[b] / cnt[b]);
    out.meanY.push(sY[b] / cnt[b]);
    out.count.push(cnt[b]);
  }
  return out;
}

/**
 * Mean squared loss difference against distance, MSL(Delta r) = <(L_j - L_i)^2> over pairs at distance
 * Delta r = ||w_j - w_i|| (seed 000 Eqs. 8-9; science-spec §1.6 and §5 item 6). For a fractal landscape
 * (Sorkin 1991) MSL ∝ Delta r^(2H), H in (0, 1).
 */
import { WindowGeometry } from '../geometry/window-geometry.js';
import { fitLine } from '../regression.js';
import { AnalysisInputError, type Curve, type RowChunk } from '../types.js';

export interface MeanSquaredLossOptions {
  /** Log-distance bins per decade (default 10). */
  readonly binsPerDecade?: number;
  /** Bins with fewer pairs are dropped (default 100, science-spec §5 item 6). */
  readonly minPairsPerBin?: number;
  /** Fit 2H only over bins whose mean distance lies in [min, max] (default: the data's whole range). */
  readonly fitRange?: { readonly min?: number; readonly max?: number };
}

export interface MeanSquaredLossResult {
  /** Fitted exponent 2H of MSL ∝ Delta r^(2H). */
  readonly exponent: number;
  readonly exponentStdErr: number;
  /** exponent / 2. */
  readonly H: number;
  /** x = mean distance per bin, y = mean (Delta L)^2 per bin (all populated bins, fitted or not). */
  readonly curve: Curve;
  /** Pairs in the fitted bins. */
  readonly pairs: number;
}

/**
 * MSL of one window from its rows and the loss recorded at each row (the code's minibatch losses, spec §1.6).
 * Distances come from the shared Gram-matrix geometry. Bins are logarithmic rather than the code's 50 linear
 * ones, so every decade of distance weighs the same in the log-log fit (spec §5 item 6).
 */
export function meanSquaredLoss(
  window: RowChunk | WindowGeometry,
  losses: ArrayLike<number>,
  options: MeanSquaredLossOptions = {},
): MeanSquaredLossResult {
  const g = window instanceof WindowGeometry ? window : new WindowGeometry(window);
  const n = g.rows;
  if (losses.length !== n) throw new AnalysisInputError(`MSL: ${losses.length} losses for ${n} rows`);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(losses[i])) throw new AnalysisInputError(`MSL: loss at row ${i} is not finite`);
  }
  const m = (n * (n - 1)) / 2;
  const dist = new Float64Array(m);
  const dl2 = new Float64Array(m);
  let p = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      dist[p] = Math.sqrt(g.sqDistance(i, j));
      const dl = losses[j] - losses[i];
      dl2[p] = dl * dl;
      p++;
    }
  }
  return meanSquaredLossFromPairs(dist, dl2, options);
}

/** The MSL estimator on precomputed pairs: distances and squared loss differences. */
export function meanSquaredLossFromPairs(
  distance: ArrayLike<number>,
  sqLossDifference: ArrayLike<number>,
  options: MeanSquaredLossOptions = {},
): MeanSquaredLossResult {
  const perDecade = options.binsPerDecade ?? 10;
  const minPairs = options.minPairsPerBin ?? 100;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < distance.length; k++) {
    const r = distance[k];
    if (r > 0 && Number.isFinite(r)) {
      if (r < lo) lo = r;
      if (r > hi) hi = r;
    }
  }
  if (!(hi > lo)) throw new AnalysisInputError('MSL: need pairs at two or more distinct positive distances');
  const width = Math.LN10 / perDecade;
  const lnLo = Math.log(lo);
  const nb = Math.max(1, Math.ceil((Math.log(hi) - lnLo) / width + 1e-9));
  const sr = new Float64Array(nb);
  const sy = new Float64Array(nb);
  const cnt = new Float64Array(nb);
  for (let k = 0; k < distance.length; k++) {
    const r = distance[k];
    if (!(r > 0) || !Number.isFinite(r)) continue;
    const b = Math.min(nb - 1, Math.floor((Math.log(r) - lnLo) / width));
    sr[b] += r;
    sy[b] += sqLossDifference[k];
    cnt[b]++;
  }
  const x: number[] = [];
  const y: number[] = [];
  const c: number[] = [];
  for (let b = 0; b < nb; b++) {
    if (cnt[b] < minPairs) continue;
    x.push(sr[b] / cnt[b]);
    y.push(sy[b] / cnt[b]);
    c.push(cnt[b]);
  }
  const min = options.fitRange?.min ?? 0;
  const max = options.fitRange?.max ?? Number.POSITIVE_INFINITY;
  const fx: number[] = [];
  const fy: number[] = [];
  let pairs = 0;
  for (let k = 0; k < x.length; k++) {
    if (x[k] >= min && x[k] <= max && y[k] > 0) {
      fx.push(Math.log(x[k]));
      fy.push(Math.log(y[k]));
      pairs += c[k];
    }
  }
  if (fx.length < 3) {
    throw new AnalysisInputError(
      `MSL: only ${fx.length} bins with >= ${minPairs} pairs in the fit range (need 3)`,
    );
  }
  const fit = fitLine(fx, fy);
  return { exponent: fit.slope, exponentStdErr: fit.slopeStdErr, H: fit.slope / 2, curve: { x, y }, pairs };
}

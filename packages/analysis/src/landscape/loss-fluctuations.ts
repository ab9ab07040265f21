/**
 * Loss-fluctuation statistics of seed 000 Fig. 5 (science-spec §1.8): the moving variance of the minibatch
 * loss and the distribution of |Delta L_t| = |L_{t+1} - L_t|.
 */
import { AnalysisInputError, type Curve } from '../types.js';

export interface MovingVarianceOptions {
  /** Points in the forward window, the current one included (default 101: MATLAB movvar(loss, [0, 100])). */
  readonly window?: number;
  /** Report every `every`-th step (default 100). */
  readonly every?: number;
}

/**
 * Forward moving variance, as MATLAB `movvar(loss, [0, window - 1])` sampled every `every` steps: for step t the
 * variance (divisor n - 1) of loss[t .. t + window - 1], truncated at the end of the series like MATLAB's
 * default 'shrink' end-point rule. x = step index (0-based), y = variance (0 for a single point).
 */
export function movingVariance(loss: ArrayLike<number>, options: MovingVarianceOptions = {}): Curve {
  const w = options.window ?? 101;
  const every = options.every ?? 100;
  if (!(w >= 1 && every >= 1)) throw new AnalysisInputError('movingVariance: window and every must be >= 1');
  const x: number[] = [];
  const y: number[] = [];
  for (let t = 0; t < loss.length; t += every) {
    const end = Math.min(loss.length, t + w);
    const n = end - t;
    let mean = 0;
    for (let k = t; k < end; k++) mean += loss[k];
    mean /= n;
    let ss = 0;
    for (let k = t; k < end; k++) ss += (loss[k] - mean) ** 2;
    x.push(t);
    y.push(n > 1 ? ss / (n - 1) : 0);
  }
  return { x, y };
}

export interface LossJumpStatistics {
  /** |L_{t+1} - L_t| for every t (length n - 1). */
  readonly absoluteChanges: Float64Array;
  readonly mean: number;
  readonly median: number;
  readonly sd: number;
  readonly max: number;
  /** 95th and 99th percentiles (linear interpolation between order statistics). */
  readonly p95: number;
  readonly p99: number;
}

/** Statistics of |Delta L_t| over consecutive minibatch losses (MATLAB `abs(diff(loss))`, spec §1.8). */
export function lossJumpStatistics(loss: ArrayLike<number>): LossJumpStatistics {
  if (loss.length < 2) throw new AnalysisInputError('loss jumps: need at least 2 losses');
  const a = new Float64Array(loss.length - 1);
  for (let t = 0; t < a.length; t++) {
    a[t] = Math.abs(loss[t + 1] - loss[t]);
    if (!Number.isFinite(a[t])) throw new AnalysisInputError(`loss jumps: non-finite loss near step ${t}`);
  }
  const sorted = Float64Array.from(a).sort();
  let mean = 0;
  for (const v of a) mean += v;
  mean /= a.length;
  let ss = 0;
  for (const v of a) ss += (v - mean) ** 2;
  return {
    absoluteChanges: a,
    mean,
    median: quantile(sorted, 0.5),
    sd: a.length > 1 ? Math.sqrt(ss / (a.length - 1)) : 0,
    max: sorted[sorted.length - 1],
    p95: quantile(sorted, 0.95),
    p99: quantile(sorted, 0.99),
  };
}

function quantile(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * Two-segment (continuous, "hinge") line fit, used to locate the crossover l between the short- and
 * long-scale power laws of seed 000 Fig. 6b (science-spec §1.5, §5 item 5: "two-segment piecewise
 * regression in log-log space").
 */
import { fitLine } from '../regression.js';
import { AnalysisInputError } from '../types.js';

export interface PiecewiseFit {
  /** Breakpoint in x (log space when x is a log). */
  readonly breakpoint: number;
  /** Slope left of the breakpoint. */
  readonly slopeLeft: number;
  /** Slope right of the breakpoint. */
  readonly slopeRight: number;
  /** Fitted value at the breakpoint. */
  readonly valueAtBreak: number;
  /** Residual sum of squares of the two-segment fit. */
  readonly sse: number;
  /** Residual sum of squares of a single line over the same points, for comparison. */
  readonly sseSingleLine: number;
}

/**
 * Least-squares fit of y = a + bL min(x - c, 0) + bR max(x - c, 0), continuous at c. For each candidate c
 * the model is linear in (a, bL, bR), so c is found by scanning `gridSize` candidates between the
 * points that leave at least `minPointsPerSide` points on each side, keeping the smallest SSE.
 */
export function fitTwoSegments(
  x: readonly number[],
  y: readonly number[],
  minPointsPerSide = 3,
  gridSize = 200,
): PiecewiseFit {
  const n = x.length;
  if (n < 2 * minPointsPerSide) {
    throw new AnalysisInputError(`two-segment fit: need at least ${2 * minPointsPerSide} points, got ${n}`);
  }
  const order = [...x.keys()].sort((a, b) => x[a] - x[b]);
  const xs = order.map((i) => x[i]);
  const ys = order.map((i) => y[i]);
  const single = fitLine(xs, ys);
  const sseSingleLine = single.rmse * single.rmse * n;
  const lo = xs[minPointsPerSide - 1];
  const hi = xs[n - minPointsPerSide];
  let best: PiecewiseFit | null = null;
  for (let g = 0; g <= gridSize; g++) {
    const c = lo + ((hi - lo) * g) / gridSize;
    const fit = hingeAt(xs, ys, c);
    if (fit && (!best || fit.sse < best.sse)) best = { ...fit, sseSingleLine };
  }
  if (!best) throw new AnalysisInputError('two-segment fit: degenerate data');
  return best;
}

function hingeAt(
  x: readonly number[],
  y: readonly number[],
  c: number,
): Omit<PiecewiseFit, 'sseSingleLine'> | null {
  // Normal equations for the design [1, min(x-c,0), max(x-c,0)].
  const m = [0, 0, 0, 0, 0, 0, 0, 0, 0];
  const r = [0, 0, 0];
  for (let i = 0; i < x.length; i++) {
    const u = [1, Math.min(x[i] - c, 0), Math.max(x[i] - c, 0)];
    for (let a = 0; a < 3; a++) {
      r[a] += u[a] * y[i];
      for (let b = 0; b < 3; b++) m[a * 3 + b] += u[a] * u[b];
    }
  }
  const beta = solve3(m, r);
  if (!beta) return null;
  let sse = 0;
  for (let i = 0; i < x.length; i++) {
    const e = y[i] - beta[0] - beta[1] * Math.min(x[i] - c, 0) - beta[2] * Math.max(x[i] - c, 0);
    sse += e * e;
  }
  return { breakpoint: c, slopeLeft: beta[1], slopeRight: beta[2], valueAtBreak: beta[0], sse };
}

/** Solve a 3x3 system by Cramer's rule; null when singular (a side with no spread). */
function solve3(m: number[], r: number[]): number[] | null {
  const det = (a: number[]): number =>
    a[0] * (a[4] * a[8] - a[5] * a[7]) -
    a[1] * (a[3] * a[8] - a[5] * a[6]) +
    a[2] * (a[3] * a[7] - a[4] * a[6]);
  const d0 = det(m);
  if (!Number.isFinite(d0) || Math.abs(d0) < 1e-12) return null;
  const out: number[] = [];
  for (let k = 0; k < 3; k++) {
    const a = m.slice();
    for (let row = 0; row < 3; row++) a[row * 3 + k] = r[row];
    out.push(det(a) / d0);
  }
  return out;
}

import { fitLine } from '../regression.js';
import { studentTQuantile } from '../special.js';
import type { Interval } from '../types.js';
import { AnalysisInputError } from '../types.js';

/** Options of fitCriticalExponent. */
export interface CriticalExponentOptions {
  /** Subtracted from the observable before taking logs (e.g. F(0) for the flatness order parameter). Default 0. */
  readonly baseline?: number;
  /** Only points with minDistance <= |Δ − Δc| <= maxDistance enter the fit (the scaling window). */
  readonly minDistance?: number;
  readonly maxDistance?: number;
  readonly level?: number;
}

/** A power law |observable − baseline| ∝ |Δ − Δc|^exponent on one side of the critical point. */
export interface CriticalExponentFit {
  readonly exponent: number;
  readonly stdErr: number;
  readonly ci: Interval;
  /** Prefactor A of A |Δ − Δc|^exponent. */
  readonly amplitude: number;
  readonly r: number;
  readonly n: number;
  readonly side: 'above' | 'below';
}

/**
 * Critical exponent on one side of Δc by OLS of log|observable − baseline| on log|Δ − Δc| (science-spec §3.4:
 * F_ss − F(0) ∝ (Δ − Δc)^1 above, t_s ∝ |Δ − Δc|^−1 on both sides in mean field). Points with non-positive
 * differences are skipped. SE is the OLS slope SE; the CI uses t_{n−2}.
 */
export function fitCriticalExponent(
  control: ArrayLike<number>,
  observable: ArrayLike<number>,
  critical: number,
  side: 'above' | 'below',
  options: CriticalExponentOptions = {},
): CriticalExponentFit {
  if (control.length !== observable.length) {
    throw new AnalysisInputError(
      `fitCriticalExponent: ${control.length} control values but ${observable.length} observables`,
    );
  }
  const baseline = options.baseline ?? 0;
  const lo = options.minDistance ?? 0;
  const hi = options.maxDistance ?? Number.POSITIVE_INFINITY;
  const level = options.level ?? 0.95;
  const lx: number[] = [];
  const ly: number[] = [];
  for (let i = 0; i < control.length; i++) {
    const d = side === 'above' ? control[i] - critical : critical - control[i];
    const v = observable[i] - baseline;
    if (d > 0 && d >= lo && d <= hi && v > 0 && Number.isFinite(v)) {
      lx.push(Math.log(d));
      ly.push(Math.log(v));
    }
  }
  if (lx.length < 3) {
    throw new AnalysisInputError(
      `fitCriticalExponent: only ${lx.length} usable points ${side} the critical point; need 3`,
    );
  }
  if (lx.every((v) => v === lx[0]))
    throw new AnalysisInputError('fitCriticalExponent: all distances are equal');
  const fit = fitLine(lx, ly);
  const t = studentTQuantile(0.5 + level / 2, lx.length - 2);
  const se = fit.slopeStdErr;
  return {
    exponent: fit.slope,
    stdErr: se,
    ci: { lower: fit.slope - t * se, upper: fit.slope + t * se, level },
    amplitude: Math.exp(fit.intercept),
    r: fit.r,
    n: lx.length,
    side,
  };
}

/**
 * The control value where an observable peaks (susceptibility or search time; science-spec §3.4 takes Δc there),
 * refined by a parabola through the maximum and its two neighbours (in log control when all are positive).
 */
export function peakLocation(control: ArrayLike<number>, observable: ArrayLike<number>): number {
  const n = control.length;
  if (n === 0 || n !== observable.length)
    throw new AnalysisInputError('peakLocation: need equal-length, non-empty arrays');
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => control[a] - control[b]);
  let best = 0;
  for (let j = 1; j < n; j++) if (observable[order[j]] > observable[order[best]]) best = j;
  if (best === 0 || best === n - 1) return control[order[best]];
  const useLog = control[order[best - 1]] > 0;
  const tx = (v: number): number => (useLog ? Math.log(v) : v);
  const x0 = tx(control[order[best - 1]]);
  const x1 = tx(control[order[best]]);
  const x2 = tx(control[order[best + 1]]);
  const y0 = observable[order[best - 1]];
  const y1 = observable[order[best]];
  const y2 = observable[order[best + 1]];
  const denom = (x0 - x1) * (x0 - x2) * (x1 - x2);
  const a = (x2 * (y1 - y0) + x1 * (y0 - y2) + x0 * (y2 - y1)) / denom;
  const b = (x2 * x2 * (y0 - y1) + x1 * x1 * (y2 - y0) + x0 * x0 * (y1 - y2)) / denom;
  const vertex = a < 0 ? -b / (2 * a) : x1;
  const clamped = Math.min(x2, Math.max(x0, vertex));
  return useLog ? Math.exp(clamped) : clamped;
}

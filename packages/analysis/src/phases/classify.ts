import { AnalysisInputError } from '../types.js';

/** Phases of the degenerate-valley model (seed 002; science-spec §2.3): I x → 0, II |x| → x_s > 0, III diverged. */
export type Phase = 'I' | 'II' | 'III';

/** Tolerances of the steady-state classifier; all configurable because seed 002's main-text values are lost. */
export interface PhaseClassifierOptions {
  /** Mean |x| over the steady window below this is phase I. Default 0.1 (x_f = 1/√2 for (a0,a2,a4) = (1,−1,1)). */
  readonly zeroTolerance?: number;
  /** Any |x| (or |θ|) above this, or any non-finite value, is phase III. Default 1e3. */
  readonly divergenceCutoff?: number;
  /** Fraction of the trajectory, taken from its end, treated as steady state. Default 0.5. */
  readonly steadyFraction?: number;
}

/** A classified run with its order parameter. */
export interface RunClassification {
  readonly phase: Phase;
  /** Mean |x| over the steady window (the estimate of x_s in phase II); NaN in phase III. */
  readonly meanAbsX: number;
  /** SD of x over the steady window; NaN in phase III. */
  readonly sdX: number;
  /** Why phase III was assigned, if it was. */
  readonly reason?: 'non-finite' | 'beyond-cutoff';
}

/**
 * Classifies one run from its trajectory of the degenerate coordinate x (science-spec §3.4: near 0 is I, near
 * x_s is II, |θ| past a cutoff or NaN is III). `norms` (optional, e.g. |θ| per step) are checked against the
 * same cutoff, so a run whose y diverges while x stays finite is still phase III.
 */
export function classifyRun(
  x: ArrayLike<number>,
  options: PhaseClassifierOptions = {},
  norms?: ArrayLike<number>,
): RunClassification {
  const zeroTolerance = options.zeroTolerance ?? 0.1;
  const cutoff = options.divergenceCutoff ?? 1e3;
  const steadyFraction = options.steadyFraction ?? 0.5;
  if (x.length === 0) throw new AnalysisInputError('classifyRun: the trajectory is empty');
  if (!(steadyFraction > 0 && steadyFraction <= 1)) {
    throw new AnalysisInputError(`classifyRun: steadyFraction must be in (0, 1], got ${steadyFraction}`);
  }
  for (const series of norms ? [x, norms] : [x]) {
    for (let i = 0; i < series.length; i++) {
      const v = series[i];
      if (!Number.isFinite(v))
        return { phase: 'III', meanAbsX: Number.NaN, sdX: Number.NaN, reason: 'non-finite' };
      if (Math.abs(v) > cutoff)
        return { phase: 'III', meanAbsX: Number.NaN, sdX: Number.NaN, reason: 'beyond-cutoff' };
    }
  }
  const start = Math.min(x.length - 1, Math.floor(x.length * (1 - steadyFraction)));
  let sumAbs = 0;
  let sum = 0;
  let sum2 = 0;
  const m = x.length - start;
  for (let i = start; i < x.length; i++) {
    sumAbs += Math.abs(x[i]);
    sum += x[i];
    sum2 += x[i] * x[i];
  }
  const meanAbsX = sumAbs / m;
  const mean = sum / m;
  const sdX = Math.sqrt(Math.max(0, sum2 / m - mean * mean));
  return { phase: meanAbsX < zeroTolerance ? 'I' : 'II', meanAbsX, sdX };
}

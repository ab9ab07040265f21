/**
 * Delete-one-group jackknife (Quenouille 1949; Tukey 1958; Efron & Stein 1981): from an estimate on all the data
 * and its re-estimates with each of G disjoint groups left out, the standard error
 * sqrt((G-1)/G * sum_g (theta_(g) - mean)^2) and a Student-t interval with G - 1 degrees of freedom.
 * sgdscope's groups are disjoint sets of coordinates (weights), see `ExponentUncertainty`.
 */
import { studentTQuantile } from './special.js';
import type { ExponentUncertainty, Interval } from './types.js';

/** Default number of coordinate groups (more groups, a steadier SE; each costs one refit). */
export const DEFAULT_JACKKNIFE_GROUPS = 16;
/** Fewer groups than this give a jackknife too unstable to report (t quantile with < 3 df). */
export const MIN_JACKKNIFE_GROUPS = 4;

export interface JackknifeEstimate {
  readonly stdErr: number;
  readonly ci: Interval;
  readonly uncertainty: ExponentUncertainty;
}

/** Jackknife SE and 95% t interval around `estimate` from its leave-one-group-out re-estimates (>= 2 finite). */
export function jackknifeInterval(
  estimate: number,
  leaveOneOut: readonly number[],
  level = 0.95,
): JackknifeEstimate {
  const g = leaveOneOut.length;
  if (g < 2 || !leaveOneOut.every(Number.isFinite)) {
    throw new RangeError(
      `jackknife: need >= 2 finite leave-one-out estimates, got ${leaveOneOut.join(', ')}`,
    );
  }
  const mean = leaveOneOut.reduce((a, b) => a + b, 0) / g;
  const stdErr = Math.sqrt(((g - 1) / g) * leaveOneOut.reduce((a, b) => a + (b - mean) ** 2, 0));
  const half = studentTQuantile(0.5 + level / 2, g - 1) * stdErr;
  return {
    stdErr,
    ci: { lower: estimate - half, upper: estimate + half, level },
    uncertainty: { method: 'coordinate-jackknife', groups: g },
  };
}

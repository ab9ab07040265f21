import { fitLine } from '../regression.js';
import { normalQuantile, studentTQuantile } from '../special.js';
import type { Interval } from '../types.js';
import { AnalysisInputError } from '../types.js';

/** One escape-rate measurement at a value of the control variable. */
export interface EscapePoint {
  /** Control variable already transformed to the linear axis: B, 1/eta, 1/k or 1/D (see controlAxis). */
  readonly x: number;
  readonly rate: number;
  readonly rateCI: Interval;
}

/** The control variables of seed 001 and the axis on which −log γ is linear (Thm 3.1/3.2, §4). */
export type EscapeControl = 'batchSize' | 'learningRate' | 'sharpness' | 'diffusion';

/** Maps a control value to its linear axis: B → B, eta → 1/eta, k → 1/k, D → 1/D (seed 001 Figs. 4–6). */
export function controlAxis(control: EscapeControl, value: number): number {
  if (!(value > 0)) throw new AnalysisInputError(`controlAxis: ${control} must be > 0, got ${value}`);
  return control === 'batchSize' ? value : 1 / value;
}

/** Weighted least-squares fit of −log γ against the control axis. */
export interface EscapeLawFit {
  readonly slope: number;
  /** slope ± t_{n−2} × SE (SE scaled by the reduced chi-square, as scipy's curve_fit with absolute_sigma=False). */
  readonly slopeCI: Interval;
  readonly slopeStdErr: number;
  /** SE treating the CI-derived sigmas as exact (no reduced chi-square scaling). */
  readonly slopeStdErrKnownSigma: number;
  readonly intercept: number;
  readonly interceptStdErr: number;
  /** Unweighted Pearson r of (x, −log γ), the number seed 001 reports (r > 0.99). */
  readonly r: number;
  /** Reduced chi-square of the weighted fit (≈ 1 when the CIs describe the scatter). */
  readonly reducedChiSquare: number;
  readonly n: number;
  readonly x: Float64Array;
  /** −log γ at each point. */
  readonly y: Float64Array;
  /** Weights 1/σ², σ = (ln upper − ln lower)/(2 z) from each rate's CI. */
  readonly weights: Float64Array;
}

/**
 * WLS fit of −log γ = a + b x (seed 001: −log γ linear in B, 1/eta, 1/k for SGD and in 1/D for SGLD;
 * science-spec §3.2). Each point's weight is 1/σ² with σ the half-width of its CI on the log scale divided by
 * the normal quantile of the CI's level. Needs >= 3 points with positive rates and CIs.
 */
export function fitEscapeLaw(points: readonly EscapePoint[], level = 0.95): EscapeLawFit {
  const n = points.length;
  if (n < 3) throw new AnalysisInputError(`fitEscapeLaw: need at least 3 points, got ${n}`);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const p = points[i];
    if (
      !(p.rate > 0) ||
      !(p.rateCI.lower > 0) ||
      !(p.rateCI.upper > p.rateCI.lower) ||
      !Number.isFinite(p.x)
    ) {
      throw new AnalysisInputError(
        `fitEscapeLaw: point ${i} needs a finite x, rate > 0 and a CI with 0 < lower < upper`,
      );
    }
    const z = normalQuantile(0.5 + p.rateCI.level / 2);
    const sigma = (Math.log(p.rateCI.upper) - Math.log(p.rateCI.lower)) / (2 * z);
    x[i] = p.x;
    y[i] = -Math.log(p.rate);
    w[i] = 1 / (sigma * sigma);
  }
  let allEqual = true;
  for (let i = 1; i < n; i++) if (x[i] !== x[0]) allEqual = false;
  if (allEqual) throw new AnalysisInputError('fitEscapeLaw: all control values are equal');
  const fit = fitLine(x, y, w);
  let sw = 0;
  let swx = 0;
  for (let i = 0; i < n; i++) {
    sw += w[i];
    swx += w[i] * x[i];
  }
  const mx = swx / sw;
  let sxx = 0;
  let chi2 = 0;
  for (let i = 0; i < n; i++) {
    sxx += w[i] * (x[i] - mx) ** 2;
    chi2 += w[i] * (y[i] - fit.intercept - fit.slope * x[i]) ** 2;
  }
  const tq = studentTQuantile(0.5 + level / 2, n - 2);
  return {
    slope: fit.slope,
    slopeCI: { lower: fit.slope - tq * fit.slopeStdErr, upper: fit.slope + tq * fit.slopeStdErr, level },
    slopeStdErr: fit.slopeStdErr,
    slopeStdErrKnownSigma: 1 / Math.sqrt(sxx),
    intercept: fit.intercept,
    interceptStdErr: fit.interceptStdErr,
    r: fit.r,
    reducedChiSquare: chi2 / (n - 2),
    n,
    x,
    y,
    weights: w,
  };
}

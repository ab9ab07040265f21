/**
 * Power-law fits of an MSD curve (seed 000 §"anomalous diffusion", science-spec §1.3-1.4 and
 * "Project conventions"): alpha by OLS of log10 MSD on log10 tau over every integer lag in a range,
 * RMSE of the log10 residuals with divisor n, the crossover tau0, and the log-derivative beta.
 */
import { fitLine } from '../regression.js';
import { AnalysisInputError } from '../types.js';

/** A power law MSD ~ 10^intercept * tau^alpha fitted over integer lags [tauFrom, tauTo]. */
export interface PowerLawFit {
  readonly alpha: number;
  readonly alphaStdErr: number;
  readonly intercept: number;
  /** RMSE of log10 residuals, divisor n. */
  readonly rmse: number;
  readonly tauFrom: number;
  readonly tauTo: number;
  readonly n: number;
}

/** Result of scanning every fit start tau' for the crossover tau0. */
export interface CrossoverScan {
  /** Smallest tau' whose fit over [tau', maxLag] has RMSE < threshold; null when none does. */
  readonly tau0: number | null;
  /** Same rule with the data-driven threshold (rmseSd). */
  readonly tau0DataDriven: number | null;
  /** The tau' scanned: 1 .. maxLag - minFitPoints + 1. */
  readonly start: Float64Array;
  /** RMSE of the fit over [start[k], maxLag]. */
  readonly rmse: Float64Array;
  /** Sample standard deviation of all scanned RMSEs: the seed's "0.03 is the SD of all RMSE values". */
  readonly rmseSd: number;
}

export interface CrossoverOptions {
  /** RMSE threshold in log10 units (seed 000: 0.03). */
  readonly threshold?: number;
  /** Fewest lags a fit may use; very short tails fit any curve trivially. Default 10. */
  readonly minFitPoints?: number;
}

/** Log-derivative curve beta(tau) (seed 000 Eq. 6, forward difference as in its plot_fig2.m). */
export interface LogDerivative {
  readonly tau: number[];
  readonly value: number[];
}

function checkCurve(tau: ArrayLike<number>, msd: ArrayLike<number>): void {
  if (tau.length !== msd.length)
    throw new AnalysisInputError(`tau has ${tau.length} lags but MSD has ${msd.length}`);
  for (let i = 0; i < tau.length; i++) {
    if (tau[i] !== i + 1)
      throw new AnalysisInputError(`MSD lags must be the integers 1..n; lag ${i} is ${tau[i]}`);
    if (!(msd[i] > 0) || !Number.isFinite(msd[i])) {
      throw new AnalysisInputError(
        `MSD at lag ${tau[i]} is ${msd[i]}: a power-law fit needs positive finite values`,
      );
    }
  }
}

/**
 * Fit log10 MSD = a + alpha log10 tau by OLS over every integer lag in [tauFrom, tauTo]
 * (seed 000 §3, "least-squared fitting"); delegates to fitLine for slope, its SE and RMSE (divisor n).
 * Lags are the integers 1..n, so tau[k] = k + 1.
 */
export function fitMsdPowerLaw(
  tau: ArrayLike<number>,
  msd: ArrayLike<number>,
  tauFrom: number,
  tauTo: number,
): PowerLawFit {
  checkCurve(tau, msd);
  if (
    !Number.isInteger(tauFrom) ||
    !Number.isInteger(tauTo) ||
    tauFrom < 1 ||
    tauTo > tau.length ||
    tauTo - tauFrom < 1
  ) {
    throw new AnalysisInputError(
      `fit range [${tauFrom}, ${tauTo}] must hold >= 2 integer lags within [1, ${tau.length}]`,
    );
  }
  const n = tauTo - tauFrom + 1;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    x[k] = Math.log10(tauFrom + k);
    y[k] = Math.log10(msd[tauFrom + k - 1]);
  }
  const line = fitLine(x, y);
  return {
    alpha: line.slope,
    alphaStdErr: line.slopeStdErr,
    intercept: line.intercept,
    rmse: line.rmse,
    tauFrom,
    tauTo,
    n,
  };
}

/** Sample standard deviation (n - 1). */
export function sampleStandardDeviation(values: ArrayLike<number>): number {
  const n = values.length;
  if (n < 2) return Number.NaN;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i];
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i] - mean) ** 2;
  return Math.sqrt(ss / (n - 1));
}

/**
 * Scan every start tau' in [1, maxLag - minFitPoints + 1] and fit log10 MSD over [tau', maxLag]
 * (seed 000 §3: "tau' as the smallest value such that RMSE < 0.03; denoted tau0").
 * All fits share suffix sums of x, y, x^2, xy, y^2, so the whole scan is O(maxLag), not O(maxLag^2).
 * x and y are centred on their overall means first so the sums do not cancel catastrophically.
 */
export function scanCrossover(
  tau: ArrayLike<number>,
  msd: ArrayLike<number>,
  options: CrossoverOptions = {},
): CrossoverScan {
  checkCurve(tau, msd);
  const threshold = options.threshold ?? 0.03;
  const minFitPoints = options.minFitPoints ?? 10;
  if (!(threshold > 0)) throw new AnalysisInputError(`RMSE threshold must be > 0, got ${threshold}`);
  if (!Number.isInteger(minFitPoints) || minFitPoints < 3) {
    throw new AnalysisInputError(`minFitPoints must be an integer >= 3, got ${minFitPoints}`);
  }
  const lags = tau.length;
  const starts = lags - minFitPoints + 1;
  if (starts < 1)
    throw new AnalysisInputError(`MSD has ${lags} lags, fewer than minFitPoints=${minFitPoints}`);
  const x = new Float64Array(lags);
  const y = new Float64Array(lags);
  let mx = 0;
  let my = 0;
  for (let i = 0; i < lags; i++) {
    x[i] = Math.log10(i + 1);
    y[i] = Math.log10(msd[i]);
    mx += x[i];
    my += y[i];
  }
  mx /= lags;
  my /= lags;
  const start = new Float64Array(starts);
  const rmse = new Float64Array(starts);
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = lags - 1; i >= 0; i--) {
    const u = x[i] - mx;
    const v = y[i] - my;
    sx += u;
    sy += v;
    sxx += u * u;
    sxy += u * v;
    syy += v * v;
    if (i < starts) {
      const n = lags - i;
      const cxx = sxx - (sx * sx) / n;
      const cxy = sxy - (sx * sy) / n;
      const cyy = syy - (sy * sy) / n;
      const ssr = Math.max(0, cyy - (cxy * cxy) / cxx);
      start[i] = i + 1;
      rmse[i] = Math.sqrt(ssr / n);
    }
  }
  const rmseSd = sampleStandardDeviation(rmse);
  let tau0: number | null = null;
  let tau0DataDriven: number | null = null;
  for (let k = 0; k < starts; k++) {
    if (tau0 === null && rmse[k] < threshold) tau0 = start[k];
    if (tau0DataDriven === null && rmse[k] < rmseSd) tau0DataDriven = start[k];
  }
  return { tau0, tau0DataDriven, start, rmse, rmseSd };
}

/**
 * beta(tau_k) = [ln MSD(tau_{k+s}) - ln MSD(tau_k)] / [ln tau_{k+s} - ln tau_k], s = lagSpan lag
 * indices (seed 000 Eq. 6 as coded in plot_fig2.m, s = 20), for k = 1 .. maxLag - s.
 */
export function logDerivative(tau: ArrayLike<number>, msd: ArrayLike<number>, lagSpan = 20): LogDerivative {
  checkCurve(tau, msd);
  if (!Number.isInteger(lagSpan) || lagSpan < 1)
    throw new AnalysisInputError(`beta lag span must be a positive integer, got ${lagSpan}`);
  const out: LogDerivative = { tau: [], value: [] };
  for (let k = 0; k + lagSpan < tau.length; k++) {
    out.tau.push(tau[k]);
    out.value.push(Math.log(msd[k + lagSpan] / msd[k]) / Math.log(tau[k + lagSpan] / tau[k]));
  }
  return out;
}

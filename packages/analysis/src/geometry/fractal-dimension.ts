/**
 * Fractal dimension Df of a trajectory from the scaling of squared end-to-end distance with contour length,
 * Delta r^2 ~ Delta s^lambda, Df = 2/lambda (seed 000, Fig. 6b and text; Hwang et al. 2016; science-spec
 * §1.5 and §5 item 5).
 */
import { DEFAULT_JACKKNIFE_GROUPS, jackknifeInterval, MIN_JACKKNIFE_GROUPS } from '../jackknife.js';
import { fitLine } from '../regression.js';
import {
  AnalysisInputError,
  type Curve,
  type ExponentUncertainty,
  type Interval,
  type RowChunk,
} from '../types.js';
import { type LogBinOptions, logBin, logBinBy } from './log-binning.js';
import { fitTwoSegments } from './piecewise-fit.js';
import { WindowGeometry } from './window-geometry.js';

export interface FractalDimensionOptions extends LogBinOptions {
  /** Fit only bins whose mean contour length lies in [min, max] (default: the data's whole range). */
  readonly fitRange?: { readonly min?: number; readonly max?: number };
  /**
   * How pairs are grouped before averaging: 'lag' (default) bins pairs by log lag j - i, then averages ln S and
   * ln D in each bin ("mean ln r^2 against mean ln s across lags", the project convention); 'contour' bins by
   * log S itself. Binning by S sorts the pairs that contain one huge jump into the largest-S bins, which hides
   * the arithmetic-mean bias the convention guards against and lets single steps (where r = s exactly) pull
   * the short-scale slope towards 2.
   */
  readonly groupBy?: 'lag' | 'contour';
  /** Minimum number of bins on each side of the crossover (default 3). */
  readonly minBinsPerSegment?: number;
  /**
   * Coordinate groups for the jackknife error of lambda (default 16; 0 = the OLS error only). Each group costs one
   * pass over the pairs (~50 ms for 1000 rows) and, in all, one extra Gram matrix.
   */
  readonly jackknifeGroups?: number;
}

export interface FractalDimensionResult {
  /** Scaling exponent of mean ln(Delta r^2) against mean ln(Delta s) over the fit range. */
  readonly lambda: number;
  /** Coordinate-jackknife SE when `uncertainty.method` says so, else the OLS slope SE of the bin means. */
  readonly lambdaStdErr: number;
  /** 95% t interval of the jackknife; null under "ols". */
  readonly lambdaCi: Interval | null;
  /** 2 / lambda. */
  readonly Df: number;
  /** The lambda interval mapped through Df = 2 / lambda (null under "ols" or when it contains lambda <= 0). */
  readonly DfCi: Interval | null;
  readonly uncertainty: ExponentUncertainty;
  /** Contour length at the two-segment breakpoint (null when too few bins for two segments). */
  readonly crossover: number | null;
  /** Slope below / above the crossover (null when there is no crossover fit). */
  readonly lambdaShort: number | null;
  readonly lambdaLong: number | null;
  /**
   * Residual sum of squares of the two-segment fit over that of one line (null without a crossover fit). The
   * scan always returns some breakpoint, so this says how much the break explains. It is descriptive, not a
   * test: 1000-step Brownian windows, which have no crossover, gave 0.03-0.66 over 6 seeds (bins at long lags
   * are noisy and lag-1 pairs have r = s exactly), so compare against a reference path of the same length.
   */
  readonly crossoverSseRatio: number | null;
  /**
   * The arithmetic-mean variant, ln(mean Delta r^2) against ln(mean Delta s), kept for comparison: one huge
   * jump enters every pair that spans it, so for heavy-tailed steps this is biased towards Df = 2.
   */
  readonly arithmetic: { readonly lambda: number; readonly Df: number };
  /** Log-averaged curve: x = exp(mean ln s), y = exp(mean ln r^2) per bin (geometric means). */
  readonly curve: Curve;
  /** Number of pairs used. */
  readonly pairs: number;
}

/**
 * Df of one window from all pairs i < j: S_ij (contour length, off-by-one of the seed code fixed) and
 * D_ij = ||w_j - w_i||^2. The primary estimator averages logs within log-spaced bins of S, because an arithmetic
 * mean is dominated by the largest jumps of heavy-tailed paths (science-spec "Project conventions").
 */
export function fractalDimension(
  window: RowChunk | WindowGeometry,
  options: FractalDimensionOptions = {},
): FractalDimensionResult {
  const geometry = window instanceof WindowGeometry ? window : new WindowGeometry(window);
  const { contour, sqDistance, first, second } = geometry.allPairs();
  const lag = new Float64Array(first.length);
  for (let p = 0; p < lag.length; p++) lag[p] = second[p] - first[p];
  const result = fractalDimensionFromPairs(contour, sqDistance, lag, options);
  const groups = Math.min(options.jackknifeGroups ?? DEFAULT_JACKKNIFE_GROUPS, geometry.d);
  if (groups < MIN_JACKKNIFE_GROUPS) return result;
  // Leave-one-group-out: same pairs and lags, distances and contours without the group's coordinates.
  const estimates: number[] = [];
  for (const rest of geometry.leaveOneGroupOut(groups)) {
    rest.pairsInto(contour, sqDistance);
    try {
      const lambda = fractalDimensionFromPairs(contour, sqDistance, lag, options).lambda;
      if (!Number.isFinite(lambda)) return result;
      estimates.push(lambda);
    } catch (error) {
      // A leave-one-out set whose bins no longer support a fit: no jackknife, the OLS error stands.
      if (error instanceof AnalysisInputError) return result;
      throw error;
    }
  }
  const jk = jackknifeInterval(result.lambda, estimates);
  return {
    ...result,
    lambdaStdErr: jk.stdErr,
    lambdaCi: jk.ci,
    DfCi: jk.ci.lower > 0 ? { lower: 2 / jk.ci.upper, upper: 2 / jk.ci.lower, level: jk.ci.level } : null,
    uncertainty: jk.uncertainty,
  };
}

/** The Df estimator on precomputed pairs (contour lengths S, squared distances D and lags j - i). */
export function fractalDimensionFromPairs(
  contour: ArrayLike<number>,
  sqDistance: ArrayLike<number>,
  lag: ArrayLike<number>,
  options: FractalDimensionOptions = {},
): FractalDimensionResult {
  const binOptions = { binsPerDecade: options.binsPerDecade, minCount: options.minCount };
  const bins =
    (options.groupBy ?? 'lag') === 'lag'
      ? logBinBy(lag, contour, sqDistance, binOptions)
      : logBin(contour, sqDistance, binOptions);
  const min = options.fitRange?.min ?? 0;
  const max = options.fitRange?.max ?? Number.POSITIVE_INFINITY;
  const keep: number[] = [];
  for (let b = 0; b < bins.count.length; b++) {
    const s = Math.exp(bins.meanLogX[b]);
    if (s >= min && s <= max) keep.push(b);
  }
  if (keep.length < 3) {
    throw new AnalysisInputError(
      `fractal dimension: only ${keep.length} populated bins in the fit range (need 3)`,
    );
  }
  const lx = keep.map((b) => bins.meanLogX[b]);
  const ly = keep.map((b) => bins.meanLogY[b]);
  const primary = fitLine(lx, ly);
  const arithmetic = fitLine(
    keep.map((b) => Math.log(bins.meanX[b])),
    keep.map((b) => Math.log(bins.meanY[b])),
  );
  const minSeg = options.minBinsPerSegment ?? 3;
  let crossover: number | null = null;
  let lambdaShort: number | null = null;
  let lambdaLong: number | null = null;
  let crossoverSseRatio: number | null = null;
  if (lx.length >= 2 * minSeg) {
    const two = fitTwoSegments(lx, ly, minSeg);
    crossoverSseRatio = two.sseSingleLine > 0 ? two.sse / two.sseSingleLine : 1;
    crossover = Math.exp(two.breakpoint);
    lambdaShort = two.slopeLeft;
    lambdaLong = two.slopeRight;
  }
  let pairs = 0;
  for (const b of keep) pairs += bins.count[b];
  return {
    lambda: primary.slope,
    lambdaStdErr: primary.slopeStdErr,
    lambdaCi: null,
    Df: 2 / primary.slope,
    DfCi: null,
    uncertainty: { method: 'ols', groups: 0 },
    crossover,
    lambdaShort,
    lambdaLong,
    crossoverSseRatio,
    arithmetic: { lambda: arithmetic.slope, Df: 2 / arithmetic.slope },
    curve: { x: lx.map(Math.exp), y: ly.map(Math.exp) },
    pairs,
  };
}

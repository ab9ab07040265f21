/**
 * Streaming diffusion analysis of a whole trajectory (seed 000 §3, Fig. 2; science-spec §1.2-1.4):
 * per window the MSD curve, alpha over the full lag range, the crossover tau0 with the short- and
 * long-lag exponents, beta(tau); over windows the regime boundary t0.
 */

import { DEFAULT_JACKKNIFE_GROUPS, jackknifeInterval } from '../jackknife.js';
import { fitLine } from '../regression.js';
import type { ExponentUncertainty, Interval, RowStream } from '../types.js';
import { AnalysisInputError } from '../types.js';
import {
  fitMsdPowerLaw,
  logDerivative,
  type PowerLawFit,
  sampleStandardDeviation,
  scanCrossover,
} from './fits.js';
import {
  MsdCalculator,
  type MsdConvention,
  type MsdCurve,
  maxLag,
  type RowBlock,
  windowSpan,
} from './msd.js';
import { streamWindows } from './windows.js';

export interface DiffusionOptions {
  /** Window length T in steps (default 1000). */
  readonly windowSize?: number;
  /** Steps between window starts (default T: exact non-overlapping windows). */
  readonly stride?: number;
  /** "tamsd" (default, 1/(N - tau)) or "eq3" (seed Eq. 3, 1/T, reads 2T rows per window). */
  readonly convention?: MsdConvention;
  /** RMSE threshold (log10 units) for tau0 and t0 (default 0.03, seed 000). */
  readonly rmseThreshold?: number;
  /** Fewest lags in any crossover fit (default 10). */
  readonly minFitPoints?: number;
  /** Width in lags of the beta forward difference (default 20). */
  readonly betaLagSpan?: number;
  /** Analyse at most this many windows. */
  readonly maxWindows?: number;
  /** Coordinate groups for the jackknife standard errors (default 16; 0 = classical OLS errors only). */
  readonly jackknifeGroups?: number;
}

/** Everything sgdscope reports for one window. Field names are shared with the CLI and GraphQL schema. */
export interface WindowDiffusion {
  readonly tw: number;
  readonly convention: MsdConvention;
  /** Exponent of one power law over all lags [1, maxLag]. */
  readonly alpha: number;
  /** Jackknife SE when `uncertainty.method` is "coordinate-jackknife", else the OLS SE. */
  readonly alphaStdErr: number;
  /** 95% interval (jackknife t interval); null under "ols". */
  readonly alphaCi: Interval | null;
  readonly uncertainty: ExponentUncertainty;
  /** RMSE (log10, divisor n) of that full-range fit; t0 is decided on it. */
  readonly rmse: number;
  /** Smallest tau' whose fit over [tau', maxLag] has RMSE < threshold; null when none. */
  readonly tau0: number | null;
  /** tau0 with the data-driven threshold (SD of this window's scanned RMSEs). */
  readonly tau0DataDriven: number | null;
  readonly rmseScanSd: number;
  /** Fit over [1, tau0]; null when tau0 is null or tau0 < 3 (fewer than 3 lags below the crossover). */
  readonly alphaShort: number | null;
  readonly alphaShortStdErr: number | null;
  readonly alphaShortCi: Interval | null;
  /** Fit over [tau0, maxLag]; null when tau0 is null. When tau0 = 1 it equals alpha. */
  readonly alphaLong: number | null;
  readonly alphaLongStdErr: number | null;
  readonly alphaLongCi: Interval | null;
  readonly msd: { readonly tau: number[]; readonly value: number[] };
  readonly msdPerParameter: number[];
  readonly beta: { readonly tau: number[]; readonly value: number[] };
}

export interface TrajectoryDiffusion {
  readonly convention: MsdConvention;
  readonly windowSize: number;
  readonly stride: number;
  readonly rmseThreshold: number;
  readonly d: number;
  readonly windows: WindowDiffusion[];
  /** tw of the first window whose full-range fit has RMSE < rmseThreshold; null when none. */
  readonly t0: number | null;
  /** SD of the full-range RMSEs over all windows (the seed's description of its 0.03). */
  readonly t0DataDrivenThreshold: number;
  /** t0 under the data-driven threshold. */
  readonly t0DataDriven: number | null;
}

interface ResolvedOptions {
  readonly windowSize: number;
  readonly stride: number;
  readonly convention: MsdConvention;
  readonly rmseThreshold: number;
  readonly minFitPoints: number;
  readonly betaLagSpan: number;
  readonly maxWindows?: number;
  readonly jackknifeGroups: number;
}

function resolve(options: DiffusionOptions): ResolvedOptions {
  const windowSize = options.windowSize ?? 1000;
  const convention = options.convention ?? 'tamsd';
  if (convention !== 'tamsd' && convention !== 'eq3') {
    throw new AnalysisInputError(`unknown MSD convention "${String(convention)}" (use "tamsd" or "eq3")`);
  }
  const minFitPoints = options.minFitPoints ?? 10;
  if (!Number.isInteger(windowSize) || maxLag(convention, windowSize) < minFitPoints) {
    throw new AnalysisInputError(
      `window size ${windowSize} gives ${maxLag(convention, windowSize)} lags, fewer than minFitPoints=${minFitPoints}`,
    );
  }
  return {
    windowSize,
    stride: options.stride ?? windowSize,
    convention,
    rmseThreshold: options.rmseThreshold ?? 0.03,
    minFitPoints,
    betaLagSpan: options.betaLagSpan ?? 20,
    maxWindows: options.maxWindows,
    jackknifeGroups: options.jackknifeGroups ?? DEFAULT_JACKKNIFE_GROUPS,
  };
}

function describeWindow(
  calculator: MsdCalculator,
  window: RowBlock,
  tw: number,
  options: ResolvedOptions,
): WindowDiffusion {
  const curve = calculator.compute(window);
  const { tau, value } = curve;
  const lags = tau.length;
  const full = fitMsdPowerLaw(tau, value, 1, lags);
  const scan = scanCrossover(tau, value, {
    threshold: options.rmseThreshold,
    minFitPoints: options.minFitPoints,
  });
  const short = scan.tau0 !== null && scan.tau0 >= 3 ? fitMsdPowerLaw(tau, value, 1, scan.tau0) : null;
  const long = scan.tau0 !== null ? fitMsdPowerLaw(tau, value, scan.tau0, lags) : null;
  const fullErr = coordinateJackknife(curve, full);
  const shortErr = short ? coordinateJackknife(curve, short) : null;
  const longErr = long ? coordinateJackknife(curve, long) : null;
  return {
    tw,
    convention: curve.convention,
    alpha: full.alpha,
    alphaStdErr: fullErr.stdErr,
    alphaCi: fullErr.ci,
    uncertainty: fullErr.uncertainty,
    rmse: full.rmse,
    tau0: scan.tau0,
    tau0DataDriven: scan.tau0DataDriven,
    rmseScanSd: scan.rmseSd,
    alphaShort: short ? short.alpha : null,
    alphaShortStdErr: shortErr ? shortErr.stdErr : null,
    alphaShortCi: shortErr ? shortErr.ci : null,
    alphaLong: long ? long.alpha : null,
    alphaLongStdErr: longErr ? longErr.stdErr : null,
    alphaLongCi: longErr ? longErr.ci : null,
    msd: { tau: Array.from(tau), value: Array.from(value) },
    msdPerParameter: Array.from(curve.perParameter),
    beta: logDerivative(tau, value, options.betaLagSpan),
  };
}

/**
 * Delete-one-group jackknife of a power-law fit over the coordinate groups of `curve` (Efron & Stein; Quenouille):
 * refit the exponent on the curve without each group, SE = sqrt((G-1)/G * sum (alpha_(g) - mean)^2), and a 95%
 * interval alpha +- t(0.975, G-1) SE. Falls back to the OLS SE (no interval) when the curve has no groups or a
 * leave-one-out curve is not positive over the fit range (a group that carries all the motion).
 */
export function coordinateJackknife(
  curve: MsdCurve,
  fit: PowerLawFit,
): { stdErr: number; ci: Interval | null; uncertainty: ExponentUncertainty } {
  const ols = { stdErr: fit.alphaStdErr, ci: null, uncertainty: { method: 'ols', groups: 0 } } as const;
  const groups = curve.groups;
  if (!groups || groups.length < 2) return ols;
  // The same OLS as fitMsdPowerLaw (log10 MSD on log10 tau over integer lags [tauFrom, tauTo]).
  const n = fit.tauTo - fit.tauFrom + 1;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let k = 0; k < n; k++) x[k] = Math.log10(fit.tauFrom + k);
  const estimates: number[] = [];
  for (const part of groups) {
    for (let k = 0; k < n; k++) {
      const rest = curve.value[fit.tauFrom - 1 + k] - part[fit.tauFrom - 1 + k];
      if (!(rest > 0)) return ols;
      y[k] = Math.log10(rest);
    }
    estimates.push(fitLine(x, y).slope);
  }
  return jackknifeInterval(fit.alpha, estimates);
}

/**
 * Analyse a single in-memory window (windowSpan(convention, T) rows) with the same rules as
 * analyzeTrajectory; tw is reported as given.
 */
export function analyzeWindow(window: RowBlock, options: DiffusionOptions = {}, tw = 0): WindowDiffusion {
  const resolved = resolve(options);
  return describeWindow(calculatorFor(resolved), window, tw, resolved);
}

/**
 * Callers that loop analyzeWindow over a stream (the CLI does) reuse one calculator and its FFT
 * scratch instead of allocating them per window. Safe because compute() is synchronous.
 */
let lastCalculator: MsdCalculator | null = null;
let lastCalculatorGroups = -1;
function calculatorFor(options: ResolvedOptions): MsdCalculator {
  if (
    lastCalculator === null ||
    lastCalculator.windowSize !== options.windowSize ||
    lastCalculator.convention !== options.convention ||
    lastCalculatorGroups !== options.jackknifeGroups
  ) {
    lastCalculator = new MsdCalculator(options.windowSize, options.convention, {
      jackknifeGroups: options.jackknifeGroups,
    });
    lastCalculatorGroups = options.jackknifeGroups;
  }
  return lastCalculator;
}

/**
 * Per-window results as the stream is read (for consumers that write as they go). Memory is one
 * window buffer plus the FFT scratch, whatever the trajectory length.
 */
export async function* analyzeWindows(
  stream: RowStream,
  options: DiffusionOptions = {},
): AsyncGenerator<WindowDiffusion & { readonly d: number }, void, undefined> {
  const resolved = resolve(options);
  const calculator = new MsdCalculator(resolved.windowSize, resolved.convention, {
    jackknifeGroups: resolved.jackknifeGroups,
  });
  const windows = streamWindows(stream, {
    span: windowSpan(resolved.convention, resolved.windowSize),
    stride: resolved.stride,
    maxWindows: resolved.maxWindows,
  });
  for await (const window of windows) {
    yield { ...describeWindow(calculator, window, window.tw, resolved), d: window.d };
  }
}

/**
 * Full diffusion analysis of a streamed trajectory (seed 000 §3): windows at tw = 0, stride, ...,
 * each described by WindowDiffusion, plus t0 = tw of the first window whose single power law over
 * the whole lag range has RMSE < rmseThreshold (and the same with the data-driven threshold).
 */
export async function analyzeTrajectory(
  stream: RowStream,
  options: DiffusionOptions = {},
): Promise<TrajectoryDiffusion> {
  const resolved = resolve(options);
  const windows: WindowDiffusion[] = [];
  let d = 0;
  for await (const result of analyzeWindows(stream, options)) {
    const { d: width, ...window } = result;
    d = width;
    windows.push(window);
  }
  const rmses = windows.map((w) => w.rmse);
  const dataDriven = sampleStandardDeviation(rmses);
  const first = (threshold: number): number | null => {
    const hit = windows.find((w) => w.rmse < threshold);
    return hit ? hit.tw : null;
  };
  return {
    convention: resolved.convention,
    windowSize: resolved.windowSize,
    stride: resolved.stride,
    rmseThreshold: resolved.rmseThreshold,
    d,
    windows,
    t0: first(resolved.rmseThreshold),
    t0DataDrivenThreshold: dataDriven,
    t0DataDriven: Number.isNaN(dataDriven) ? null : first(dataDriven),
  };
}

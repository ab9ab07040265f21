import { createRng, type Rng } from '../random.js';
import { normalQuantile } from '../special.js';
import type { Interval } from '../types.js';
import { AnalysisInputError } from '../types.js';
import type { Phase } from './classify.js';
import type { PhaseGrid } from './grid.js';

/** Options of estimatePhaseBoundary. */
export interface BoundaryOptions {
  /** The phase below the boundary (smaller ΔS). Default 'I'. */
  readonly lower?: Phase;
  /** The phase above it. Default 'II'. The fraction used is upper / (lower + upper); other phases are ignored. */
  readonly upper?: Phase;
  /**
   * 'logistic' (default): binomial logistic regression of the fraction on log ΔS, boundary where it crosses 1/2.
   * 'interpolate': linear interpolation of the fraction in log ΔS at its first crossing of 1/2.
   */
  readonly method?: 'logistic' | 'interpolate';
  /** Bootstrap resamples (runs resampled within each cell, i.e. binomial counts at the observed fraction). Default 200. */
  readonly resamples?: number;
  readonly seed?: number;
  readonly level?: number;
}

/** The boundary at one learning rate. */
export interface BoundaryPoint {
  readonly eta: number;
  /** ΔS where the upper-phase fraction crosses 1/2. */
  readonly deltaS: number;
  readonly ci: Interval;
  /**
   * 'logistic' / 'interpolate' as requested; 'bracket' when no cell is mixed (the runs separate perfectly): the
   * estimate is then the geometric midpoint of the last all-lower and first all-upper cells, and the CI is those two.
   */
  readonly method: 'logistic' | 'interpolate' | 'bracket';
  /** Number of cells (ΔS values) used. */
  readonly cells: number;
}

/** Boundary per eta, and the etas at which the fraction never crosses 1/2 on the grid. */
export interface PhaseBoundary {
  readonly points: BoundaryPoint[];
  readonly noCrossing: number[];
  readonly lower: Phase;
  readonly upper: Phase;
}

interface Series {
  readonly u: number[]; // log ΔS
  readonly k: number[]; // upper-phase counts
  readonly n: number[]; // lower + upper counts
}

/** Binomial logistic regression p = σ(a + b u) by damped Newton; returns the crossing −a/b in u. */
function logisticCrossing(s: Series): number {
  const m = s.u.length;
  let mu = 0;
  for (const v of s.u) mu += v / m;
  let a = 0;
  let b = 0;
  for (let iter = 0; iter < 100; iter++) {
    let g0 = 0;
    let g1 = 0;
    let h00 = 1e-10;
    let h01 = 0;
    let h11 = 1e-10;
    for (let j = 0; j < m; j++) {
      const u = s.u[j] - mu;
      const p = 1 / (1 + Math.exp(-(a + b * u)));
      const r = s.k[j] - s.n[j] * p;
      const w = s.n[j] * p * (1 - p);
      g0 += r;
      g1 += r * u;
      h00 += w;
      h01 += w * u;
      h11 += w * u * u;
    }
    const det = h00 * h11 - h01 * h01;
    let da = (h11 * g0 - h01 * g1) / det;
    let db = (h00 * g1 - h01 * g0) / det;
    // Damping: near-separated data make the Hessian nearly singular; cap each step so b grows gradually.
    const size = Math.hypot(da, db);
    if (size > 5) {
      da *= 5 / size;
      db *= 5 / size;
    }
    a += da;
    b += db;
    if (size < 1e-10) break;
  }
  return mu - a / b;
}

/** First crossing of the fraction 1/2, linearly interpolated in u. */
function interpolatedCrossing(s: Series): number {
  for (let j = 1; j < s.u.length; j++) {
    const f0 = s.k[j - 1] / s.n[j - 1] - 0.5;
    const f1 = s.k[j] / s.n[j] - 0.5;
    if (f0 < 0 && f1 >= 0) return s.u[j - 1] + (s.u[j] - s.u[j - 1]) * (-f0 / (f1 - f0));
  }
  return Number.NaN;
}

/** If no cell is mixed and the fraction steps from 0 to 1 once, the bracketing u values; else null. */
function bracket(s: Series): [number, number] | null {
  let last0 = -1;
  for (let j = 0; j < s.u.length; j++) {
    const f = s.k[j] / s.n[j];
    if (f > 0 && f < 1) return null;
    if (f === 0) {
      if (j > 0 && s.k[j - 1] === s.n[j - 1]) return null;
      last0 = j;
    }
  }
  if (last0 < 0 || last0 === s.u.length - 1) return null;
  return [s.u[last0], s.u[last0 + 1]];
}

function crossing(s: Series, method: 'logistic' | 'interpolate'): number {
  const br = bracket(s);
  if (br) return 0.5 * (br[0] + br[1]);
  return method === 'logistic' ? logisticCrossing(s) : interpolatedCrossing(s);
}

function binomial(rng: Rng, n: number, p: number): number {
  let k = 0;
  for (let i = 0; i < n; i++) if (rng.next() < p) k++;
  return k;
}

/**
 * Boundary between two phases on the (eta, ΔS) grid with uncertainty (seed 002; science-spec §3.4): for each
 * eta, the ΔS where the fraction upper/(lower + upper) crosses 1/2, by logistic fit in log ΔS (or interpolation),
 * with a percentile bootstrap CI from resampling the runs of each cell. Etas whose fraction never crosses 1/2
 * on the grid are listed in noCrossing.
 */
export function estimatePhaseBoundary(grid: PhaseGrid, options: BoundaryOptions = {}): PhaseBoundary {
  const lower = options.lower ?? 'I';
  const upper = options.upper ?? 'II';
  const method = options.method ?? 'logistic';
  const B = options.resamples ?? 200;
  const level = options.level ?? 0.95;
  if (lower === upper)
    throw new AnalysisInputError('estimatePhaseBoundary: lower and upper phases must differ');
  if (!(level > 0 && level < 1))
    throw new AnalysisInputError(`estimatePhaseBoundary: level must be in (0, 1), got ${level}`);
  const rng = createRng(options.seed ?? 1);
  const points: BoundaryPoint[] = [];
  const noCrossing: number[] = [];
  for (const eta of grid.etas) {
    const cells = grid.cells.filter((c) => c.eta === eta && c.counts[lower] + c.counts[upper] > 0);
    const s: Series = {
      u: cells.map((c) => Math.log(c.deltaS)),
      k: cells.map((c) => c.counts[upper]),
      n: cells.map((c) => c.counts[lower] + c.counts[upper]),
    };
    const fractions = s.k.map((k, j) => k / s.n[j]);
    if (cells.length < 2 || fractions.every((f) => f >= 0.5) || fractions.every((f) => f < 0.5)) {
      noCrossing.push(eta);
      continue;
    }
    const br = bracket(s);
    const tail = (1 - level) / 2;
    if (br) {
      points.push({
        eta,
        deltaS: Math.exp(0.5 * (br[0] + br[1])),
        ci: { lower: Math.exp(br[0]), upper: Math.exp(br[1]), level },
        method: 'bracket',
        cells: cells.length,
      });
      continue;
    }
    const estimate = crossing(s, method);
    const reps: number[] = [];
    for (let r = 0; r < B; r++) {
      const k = s.k.map((kj, j) => binomial(rng, s.n[j], kj / s.n[j]));
      const v = crossing({ u: s.u, k, n: s.n }, method);
      if (Number.isFinite(v)) reps.push(v);
    }
    reps.sort((x, y) => x - y);
    const pick = (p: number): number =>
      reps[Math.min(reps.length - 1, Math.max(0, Math.round(p * (reps.length - 1))))];
    points.push({
      eta,
      deltaS: Math.exp(estimate),
      ci:
        reps.length > 0
          ? { lower: Math.exp(pick(tail)), upper: Math.exp(pick(1 - tail)), level }
          : { lower: Number.NaN, upper: Number.NaN, level },
      method,
      cells: cells.length,
    });
  }
  return { points, noCrossing, lower, upper };
}

/** Fit of the I/II boundary to the hyperbola eta ΔS = Δc. */
export interface HyperbolaFit {
  readonly deltaC: number;
  readonly deltaCCI: Interval;
  /** SE of log Δc. */
  readonly logDeltaCStdErr: number;
  /** Free fit log ΔS* = c + slope log eta: the hyperbola predicts slope −1. */
  readonly slope: number;
  readonly slopeStdErr: number;
  readonly n: number;
}

/**
 * Fits the boundary points to eta ΔS = Δc (seed 002: T ∝ eta ΔS, so the I/II boundary is a hyperbola;
 * science-spec §2.3). log Δc is the weighted mean of log(eta ΔS*), weights 1/σ² with σ from each point's CI on
 * the log scale; its SE is inflated by √(reduced χ²) when the scatter exceeds the CIs. Also reports the free
 * log-log slope (≈ −1 if the hyperbola holds) by weighted least squares.
 */
export function fitHyperbola(points: readonly BoundaryPoint[]): HyperbolaFit {
  const n = points.length;
  if (n < 2) throw new AnalysisInputError(`fitHyperbola: need at least 2 boundary points, got ${n}`);
  const level = points[0].ci.level;
  const z = normalQuantile(0.5 + level / 2);
  const y = points.map((p) => Math.log(p.eta * p.deltaS));
  const lx = points.map((p) => Math.log(p.eta));
  const ly = points.map((p) => Math.log(p.deltaS));
  let w = points.map((p) => {
    const sigma = (Math.log(p.ci.upper) - Math.log(p.ci.lower)) / (2 * z);
    return 1 / (sigma * sigma);
  });
  // Zero-width or missing intervals carry no usable weight: fall back to equal weights.
  if (w.some((v) => !Number.isFinite(v) || !(v > 0))) w = w.map(() => 1);
  const sw = w.reduce((a, b) => a + b, 0);
  const mean = y.reduce((acc, v, i) => acc + w[i] * v, 0) / sw;
  const chi2 = y.reduce((acc, v, i) => acc + w[i] * (v - mean) ** 2, 0);
  const inflation = n > 1 ? Math.max(1, chi2 / (n - 1)) : 1;
  const se = Math.sqrt(inflation / sw);
  // Weighted log-log slope.
  const mx = lx.reduce((acc, v, i) => acc + w[i] * v, 0) / sw;
  const my = ly.reduce((acc, v, i) => acc + w[i] * v, 0) / sw;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += w[i] * (lx[i] - mx) ** 2;
    sxy += w[i] * (lx[i] - mx) * (ly[i] - my);
  }
  const slope = sxx > 0 ? sxy / sxx : Number.NaN;
  let rss = 0;
  for (let i = 0; i < n; i++) rss += w[i] * (ly[i] - my - slope * (lx[i] - mx)) ** 2;
  const slopeStdErr = n > 2 && sxx > 0 ? Math.sqrt(Math.max(1, rss / (n - 2)) / sxx) : Number.NaN;
  return {
    deltaC: Math.exp(mean),
    deltaCCI: { lower: Math.exp(mean - z * se), upper: Math.exp(mean + z * se), level },
    logDeltaCStdErr: se,
    slope,
    slopeStdErr,
    n,
  };
}

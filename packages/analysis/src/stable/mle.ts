import { AnalysisInputError } from '../types.js';
import { stableLogDensityTable } from './density-table.js';
import { fitStableKoutrouvelis } from './koutrouvelis.js';
import { type StableParams, s0ToS1Loc, s1ToS0Loc } from './params.js';
import { checkedSample } from './validate.js';

/** Options of the MLE cross-check. */
export interface StableMleOptions {
  /** Starting point; default the Koutrouvelis estimate. */
  readonly start?: StableParams;
  /** Nodes of the interpolated density built for each (alpha, beta) tried. Default 256. */
  readonly nodes?: number;
  /** Maximum (alpha, beta) evaluations of the outer search. Default 80. */
  readonly maxEvaluations?: number;
}

/** Maximum-likelihood estimate with its log-likelihood. */
export interface StableMleResult {
  readonly params: StableParams;
  readonly logLikelihood: number;
  /** Log-likelihood of the starting point under the same density approximation. */
  readonly startLogLikelihood: number;
  /** Number of (alpha, beta) densities built. */
  readonly evaluations: number;
}

/** Minimal Nelder–Mead simplex minimiser (standard coefficients 1, 2, 0.5, 0.5). */
function nelderMead(
  f: (v: number[]) => number,
  start: number[],
  step: number[],
  maxEval: number,
): [number[], number] {
  const dim = start.length;
  const simplex: [number[], number][] = [[start, f(start)]];
  for (let i = 0; i < dim; i++) {
    const v = start.slice();
    v[i] += step[i];
    simplex.push([v, f(v)]);
  }
  let evals = dim + 1;
  while (evals < maxEval) {
    simplex.sort((a, b) => a[1] - b[1]);
    const best = simplex[0][1];
    const worst = simplex[dim][1];
    if (Math.abs(worst - best) < 1e-8 * (1 + Math.abs(best))) break;
    const centroid = new Array<number>(dim).fill(0);
    for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) centroid[j] += simplex[i][0][j] / dim;
    const along = (t: number): number[] => centroid.map((c, j) => c + t * (simplex[dim][0][j] - c));
    const reflected = along(-1);
    const fr = f(reflected);
    evals++;
    if (fr < simplex[0][1]) {
      const expanded = along(-2);
      const fe = f(expanded);
      evals++;
      simplex[dim] = fe < fr ? [expanded, fe] : [reflected, fr];
    } else if (fr < simplex[dim - 1][1]) {
      simplex[dim] = [reflected, fr];
    } else {
      const contracted = along(fr < worst ? -0.5 : 0.5);
      const fc = f(contracted);
      evals++;
      if (fc < Math.min(fr, worst)) simplex[dim] = [contracted, fc];
      else {
        for (let i = 1; i <= dim; i++) {
          const v = simplex[i][0].map((x, j) => simplex[0][0][j] + 0.5 * (x - simplex[0][0][j]));
          simplex[i] = [v, f(v)];
          evals++;
        }
      }
    }
  }
  simplex.sort((a, b) => a[1] - b[1]);
  return [simplex[0][0], simplex[0][1]];
}

/**
 * Four-parameter maximum-likelihood fit of S(alpha, beta, scale, loc) — the estimator MATLAB's fitdist and scipy's
 * levy_stable.fit use (science-spec §3.3) — offered as a cross-check of the default Koutrouvelis fit. The
 * likelihood uses the interpolated Nolan density; S0 is a location–scale family, so one standardised table per
 * (alpha, beta) serves every (scale, S0 location): the outer Nelder–Mead searches (alpha, beta), the inner one
 * (log scale, S0 location). Cost ~ maxEvaluations × nodes density integrals: seconds for n in the thousands.
 */
export function fitStableMle(data: ArrayLike<number>, options: StableMleOptions = {}): StableMleResult {
  const x = checkedSample(data, 'fitStableMle');
  const n = x.length;
  const start = options.start ?? fitStableKoutrouvelis(x);
  const nodes = options.nodes ?? 256;
  const maxEvaluations = options.maxEvaluations ?? 80;
  if (!(maxEvaluations >= 4))
    throw new AnalysisInputError(`fitStableMle: maxEvaluations must be >= 4, got ${maxEvaluations}`);
  const startLoc0 = s1ToS0Loc(start);
  let evaluations = 0;
  let bestInner: number[] = [Math.log(start.scale), startLoc0];

  const tableFor = (alpha: number, beta: number): ((z: number) => number) => {
    evaluations++;
    return stableLogDensityTable({ alpha, beta, scale: 1, loc: s0ToS1Loc(alpha, beta, 1, 0) }, { nodes });
  };
  const logLik = (logf: (z: number) => number, logScale: number, loc0: number): number => {
    const c = Math.exp(logScale);
    let s = -n * logScale;
    for (let i = 0; i < n; i++) s += logf((x[i] - loc0) / c);
    return s;
  };
  const profile = (logf: (z: number) => number, from: number[]): [number[], number] =>
    nelderMead((v) => -logLik(logf, v[0], v[1]), from, [0.05, 0.05 * Math.exp(from[0])], 120);

  const startLogLikelihood = logLik(tableFor(start.alpha, start.beta), Math.log(start.scale), startLoc0);
  const outer = (v: number[]): number => {
    const [alpha, beta] = v;
    if (!(alpha > 0.3 && alpha <= 2 && beta >= -1 && beta <= 1)) return Number.POSITIVE_INFINITY;
    const [inner, value] = profile(tableFor(alpha, beta), bestInner);
    bestInner = inner;
    return value;
  };
  const alphaStep = start.alpha > 1.95 ? -0.05 : 0.05;
  const betaStep = start.beta > 0.9 ? -0.1 : 0.1;
  const [ab] = nelderMead(outer, [start.alpha, start.beta], [alphaStep, betaStep], maxEvaluations);
  const [alpha, beta] = ab;
  const [inner, negLogLik] = profile(tableFor(alpha, beta), bestInner);
  const scale = Math.exp(inner[0]);
  return {
    params: { alpha, beta, scale, loc: s0ToS1Loc(alpha, beta, scale, inner[1]) },
    logLikelihood: -negLogLik,
    startLogLikelihood,
    evaluations,
  };
}

import { AnalysisInputError } from '../types.js';
import type { StableParams } from './params.js';
import { quantileSorted, sortedCopy } from './quantiles.js';
import { checkedSample } from './validate.js';

/*
 * McCulloch (1986), "Simple consistent estimators of stable distribution parameters",
 * Commun. Stat. Simul. Comput. 15(4): 1109–1136, Tables III, IV, V and VII, as transcribed in scipy's
 * `_fitstart_S1` (scipy/stats/_levy_stable/__init__.py). Rows follow the first grid, columns the second.
 */

/** Grid of nu_alpha = (q95 - q05)/(q75 - q25) for Tables III and IV. */
const NU_ALPHA = [2.439, 2.5, 2.6, 2.7, 2.8, 3, 3.2, 3.5, 4, 5, 6, 8, 10, 15, 25];
/** Grid of nu_beta = (q95 + q05 - 2 q50)/(q95 - q05) for Tables III and IV. */
const NU_BETA = [0, 0.1, 0.2, 0.3, 0.5, 0.7, 1];

/** Table III: alpha = psi_1(nu_alpha, nu_beta); rows nu_alpha, columns nu_beta. */
const ALPHA_TABLE = [
  [2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0],
  [1.916, 1.924, 1.924, 1.924, 1.924, 1.924, 1.924],
  [1.808, 1.813, 1.829, 1.829, 1.829, 1.829, 1.829],
  [1.729, 1.73, 1.737, 1.745, 1.745, 1.745, 1.745],
  [1.664, 1.663, 1.663, 1.668, 1.676, 1.676, 1.676],
  [1.563, 1.56, 1.553, 1.548, 1.547, 1.547, 1.547],
  [1.484, 1.48, 1.471, 1.46, 1.448, 1.438, 1.438],
  [1.391, 1.386, 1.378, 1.364, 1.337, 1.318, 1.318],
  [1.279, 1.273, 1.266, 1.25, 1.21, 1.184, 1.15],
  [1.128, 1.121, 1.114, 1.101, 1.067, 1.027, 0.973],
  [1.029, 1.021, 1.014, 1.004, 0.974, 0.935, 0.874],
  [0.896, 0.892, 0.884, 0.883, 0.855, 0.823, 0.769],
  [0.818, 0.812, 0.806, 0.801, 0.78, 0.756, 0.691],
  [0.698, 0.695, 0.692, 0.689, 0.676, 0.656, 0.597],
  [0.593, 0.59, 0.588, 0.586, 0.579, 0.563, 0.513],
];

/** Table IV: beta = psi_2(nu_alpha, nu_beta); rows nu_alpha, columns nu_beta (entries > 1 are McCulloch's, clipped later). */
const BETA_TABLE = [
  [0, 2.16, 1.0, 1.0, 1.0, 1.0, 1.0],
  [0, 1.592, 3.39, 1.0, 1.0, 1.0, 1.0],
  [0, 0.759, 1.8, 1.0, 1.0, 1.0, 1.0],
  [0, 0.482, 1.048, 1.694, 1.0, 1.0, 1.0],
  [0, 0.36, 0.76, 1.232, 2.229, 1.0, 1.0],
  [0, 0.253, 0.518, 0.823, 1.575, 1.0, 1.0],
  [0, 0.203, 0.41, 0.632, 1.244, 1.906, 1.0],
  [0, 0.165, 0.332, 0.499, 0.943, 1.56, 1.0],
  [0, 0.136, 0.271, 0.404, 0.689, 1.23, 2.195],
  [0, 0.109, 0.216, 0.323, 0.539, 0.827, 1.917],
  // biome-ignore lint/suspicious/noApproximativeNumericConstant: 0.693 is McCulloch's table entry, not ln 2.
  [0, 0.096, 0.19, 0.284, 0.472, 0.693, 1.759],
  [0, 0.082, 0.163, 0.243, 0.412, 0.601, 1.596],
  [0, 0.074, 0.147, 0.22, 0.377, 0.546, 1.482],
  [0, 0.064, 0.128, 0.191, 0.33, 0.478, 1.362],
  [0, 0.056, 0.112, 0.167, 0.285, 0.428, 1.274],
];

/** Grid of alpha (ascending) for Tables V and VII. */
const ALPHA_GRID = [0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8, 1.9, 2];
/** Grid of beta for Tables V and VII. */
const BETA_GRID = [0, 0.25, 0.5, 0.75, 1];

/** Table V: nu_c = (q75 - q25)/c = psi_3(alpha, beta); rows alpha ascending, columns beta. */
const NU_C_TABLE = [
  [2.588, 3.073, 4.534, 6.636, 9.144],
  [2.337, 2.634, 3.542, 4.808, 6.247],
  [2.189, 2.392, 3.004, 3.844, 4.775],
  [2.098, 2.244, 2.676, 3.265, 3.912],
  [2.04, 2.149, 2.461, 2.886, 3.356],
  [2.0, 2.085, 2.311, 2.624, 2.973],
  [1.98, 2.04, 2.205, 2.435, 2.696],
  [1.965, 2.007, 2.125, 2.294, 2.491],
  [1.955, 1.984, 2.067, 2.188, 2.333],
  [1.946, 1.967, 2.022, 2.106, 2.211],
  [1.939, 1.952, 1.988, 2.045, 2.116],
  [1.933, 1.94, 1.962, 1.997, 2.043],
  [1.927, 1.93, 1.943, 1.961, 1.987],
  [1.921, 1.922, 1.927, 1.936, 1.947],
  [1.914, 1.915, 1.916, 1.918, 1.921],
  [1.908, 1.908, 1.908, 1.908, 1.908],
];

/** Table VII: nu_zeta = (zeta - q50)/c = psi_5(alpha, beta); rows alpha ascending, columns beta. */
const NU_ZETA_TABLE = [
  [0, -0.061, -0.279, -0.659, -1.198],
  [0, -0.078, -0.272, -0.581, -0.997],
  [0, -0.089, -0.262, -0.52, -0.853],
  [0, -0.096, -0.25, -0.469, -0.742],
  [0, -0.099, -0.237, -0.424, -0.652],
  [0, -0.098, -0.223, -0.38, -0.576],
  [0, -0.095, -0.208, -0.346, -0.508],
  [0, -0.09, -0.192, -0.31, -0.447],
  [0, -0.084, -0.173, -0.276, -0.39],
  [0, -0.075, -0.154, -0.241, -0.335],
  [0, -0.066, -0.134, -0.206, -0.283],
  [0, -0.056, -0.111, -0.17, -0.232],
  [0, -0.043, -0.088, -0.132, -0.179],
  [0, -0.03, -0.061, -0.092, -0.123],
  [0, -0.017, -0.032, -0.049, -0.064],
  [0, 0, 0, 0, 0],
];

/** Index i and weight w with grid[i] <= v <= grid[i+1]; v is clamped to the grid, as FITPACK's evaluator does. */
function locate(grid: readonly number[], v: number): [number, number] {
  const last = grid.length - 1;
  if (v <= grid[0]) return [0, 0];
  if (v >= grid[last]) return [last - 1, 1];
  let i = 0;
  while (grid[i + 1] < v) i++;
  return [i, (v - grid[i]) / (grid[i + 1] - grid[i])];
}

/** Bilinear interpolation in a table (rows over rowGrid, columns over colGrid): scipy's degree-1 RectBivariateSpline. */
function bilinear(
  table: readonly (readonly number[])[],
  rowGrid: readonly number[],
  colGrid: readonly number[],
  r: number,
  c: number,
): number {
  const [i, u] = locate(rowGrid, r);
  const [j, v] = locate(colGrid, c);
  return (
    (1 - u) * (1 - v) * table[i][j] +
    (1 - u) * v * table[i][j + 1] +
    u * (1 - v) * table[i + 1][j] +
    u * v * table[i + 1][j + 1]
  );
}

/** The five quantiles McCulloch's method reads. */
export interface McCullochQuantiles {
  readonly q05: number;
  readonly q25: number;
  readonly q50: number;
  readonly q75: number;
  readonly q95: number;
}

/**
 * McCulloch (1986) quantile estimator of all four S1 parameters from the 5/25/50/75/95% quantiles,
 * inverting Tables III–VII by bilinear interpolation (scipy `_fitstart_S1`). nu_alpha below 2.439
 * (lighter than Gaussian in this measure) maps to alpha = 2, beta = sign(nu_beta), as in scipy.
 */
export function mcCullochFromQuantiles(q: McCullochQuantiles): StableParams {
  const iqr = q.q75 - q.q25;
  const nuAlpha = (q.q95 - q.q05) / iqr;
  const nuBeta = (q.q95 + q.q05 - 2 * q.q50) / (q.q95 - q.q05);
  let alpha: number;
  let beta: number;
  if (nuAlpha >= 2.439) {
    const sign = nuBeta >= 0 ? 1 : -1;
    alpha = Math.min(
      2,
      Math.max(Number.EPSILON, bilinear(ALPHA_TABLE, NU_ALPHA, NU_BETA, nuAlpha, Math.abs(nuBeta))),
    );
    beta = Math.min(
      1,
      Math.max(-1, sign * bilinear(BETA_TABLE, NU_ALPHA, NU_BETA, nuAlpha, Math.abs(nuBeta))),
    );
  } else {
    alpha = 2;
    beta = Math.sign(nuBeta);
  }
  const betaSign = beta >= 0 ? 1 : -1;
  const scale = iqr / bilinear(NU_C_TABLE, ALPHA_GRID, BETA_GRID, alpha, Math.abs(beta));
  const zeta =
    q.q50 + scale * betaSign * bilinear(NU_ZETA_TABLE, ALPHA_GRID, BETA_GRID, alpha, Math.abs(beta));
  const loc = alpha !== 1 ? zeta - beta * scale * Math.tan((Math.PI * alpha) / 2) : zeta;
  return { alpha, beta, scale, loc };
}

/** Reads McCulloch's five quantiles off a sorted sample (numpy "linear" rule). */
export function mcCullochQuantiles(sorted: ArrayLike<number>): McCullochQuantiles {
  return {
    q05: quantileSorted(sorted, 0.05),
    q25: quantileSorted(sorted, 0.25),
    q50: quantileSorted(sorted, 0.5),
    q75: quantileSorted(sorted, 0.75),
    q95: quantileSorted(sorted, 0.95),
  };
}

/**
 * McCulloch (1986) quantile fit of S(alpha, beta, scale, loc) in S1. One sort; usable for alpha >= 0.6
 * (below that the tables end and alpha saturates near 0.5). Throws AnalysisInputError on empty, non-finite,
 * constant or zero-IQR samples.
 */
export function fitStableMcCulloch(data: ArrayLike<number>): StableParams {
  const x = checkedSample(data, 'fitStableMcCulloch');
  const q = mcCullochQuantiles(sortedCopy(x));
  assertSpread(q, 'fitStableMcCulloch');
  return mcCullochFromQuantiles(q);
}

/** McCulloch's scale needs a positive interquartile range; a sample with more than half its values tied has none. */
export function assertSpread(q: McCullochQuantiles, what: string): void {
  if (!(q.q75 > q.q25)) {
    throw new AnalysisInputError(
      `${what}: the interquartile range is zero (over half the values are tied); cannot fit`,
    );
  }
}

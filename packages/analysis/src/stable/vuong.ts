import { normalSurvival } from '../special.js';
import { stableLogDensity } from './density.js';
import { stableLogDensityTable } from './density-table.js';
import type { StableParams } from './params.js';

/** Vuong (1989) comparison of a fitted stable law with a fitted Gaussian. */
export interface VuongResult {
  /** Total log-likelihood ratio Σ l_i, l_i = log f_stable(x_i) − log f_N(x_i). */
  readonly llrGaussian: number;
  /** LR/n, the mean of l_i. */
  readonly llrPerN: number;
  /** Z = Σ l_i / (√n sd(l)); positive favours the stable law. */
  readonly vuongZ: number;
  /** Two-sided p-value 2(1 − Φ(|Z|)). */
  readonly vuongP: number;
  readonly n: number;
}

/**
 * Vuong test of S(alpha, beta, scale, loc) against the Gaussian fitted by maximum likelihood (sample mean, SD
 * with divisor n) on the same data (science-spec §3.3; powerlaw's distribution_compare(normalized_ratio=True)).
 * The Gaussian is the alpha = 2 boundary of the stable family, so the Z is heuristic, as the spec notes.
 * sd(l) uses divisor n; if every l_i is equal, Z is ±Infinity (or 0 when they are all 0).
 * densityMethod 'auto' (default) switches from the exact integral to the 1024-node interpolated density
 * (|error in log f| ≲ 3e-5, see stableLogDensityTable) above 4096 values.
 */
export function vuongVsGaussian(
  x: ArrayLike<number>,
  params: StableParams,
  densityMethod: 'auto' | 'exact' | 'table' = 'auto',
): VuongResult {
  const n = x.length;
  const useTable = densityMethod === 'table' || (densityMethod === 'auto' && n > 4096);
  const logStable = useTable
    ? stableLogDensityTable(params)
    : (v: number): number => stableLogDensity(v, params);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i];
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (x[i] - mean) ** 2;
  const variance = ss / n;
  const logNormConst = -0.5 * Math.log(2 * Math.PI * variance);
  const l = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const logN = logNormConst - (x[i] - mean) ** 2 / (2 * variance);
    l[i] = logStable(x[i]) - logN;
    sum += l[i];
  }
  const lbar = sum / n;
  let sl = 0;
  for (let i = 0; i < n; i++) sl += (l[i] - lbar) ** 2;
  const sd = Math.sqrt(sl / n);
  const vuongZ =
    sd > 0 ? sum / (Math.sqrt(n) * sd) : sum === 0 ? 0 : Math.sign(sum) * Number.POSITIVE_INFINITY;
  const vuongP = Number.isFinite(vuongZ) ? 2 * normalSurvival(Math.abs(vuongZ)) : 0;
  return { llrGaussian: sum, llrPerN: lbar, vuongZ, vuongP, n };
}

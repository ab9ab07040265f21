import type { Interval } from '../types.js';
import { AnalysisInputError } from '../types.js';
import { type BlockBootstrapOptions, blockBootstrap } from './bootstrap.js';
import { type KoutrouvelisOptions, koutrouvelisFromStart } from './koutrouvelis.js';
import { assertSpread, mcCullochFromQuantiles, mcCullochQuantiles } from './mcculloch.js';
import type { StableParams } from './params.js';
import { sortedCopy } from './quantiles.js';
import { checkedSample } from './validate.js';
import { vuongVsGaussian } from './vuong.js';

/** Point estimators of the stable parameters. */
export type StableEstimator = 'koutrouvelis' | 'mcculloch';

/** Options of fitStable. */
export interface StableFitOptions {
  /** Point estimator; Koutrouvelis ECF regression is the project default (science-spec §3.3). */
  readonly method?: StableEstimator;
  /** Fit on x ∪ −x: beta and loc are then 0 by construction and only alpha and scale are estimated. */
  readonly symmetric?: boolean;
  /** Block-bootstrap settings for alphaCI; `false` skips the bootstrap (alphaCI is then null). */
  readonly bootstrap?: BlockBootstrapOptions | false;
  /** Skip the Vuong test (exact density: ~40–100 µs per value; interpolated above 4096 values). Default false. */
  readonly skipVuong?: boolean;
  /** Density evaluation for the Vuong test (see vuongVsGaussian). Default 'auto'. */
  readonly densityMethod?: 'auto' | 'exact' | 'table';
  readonly koutrouvelis?: KoutrouvelisOptions;
}

/** The stable fit as the CLI and GraphQL layer consume it (field names are a contract). */
export interface StableFitResult {
  readonly alpha: number;
  /** Block-bootstrap percentile interval for alpha; null when the bootstrap was skipped. */
  readonly alphaCI: Interval | null;
  readonly scale: number;
  readonly beta: number;
  /** S1 location. */
  readonly loc: number;
  /** Total log-likelihood ratio, stable vs fitted Gaussian (NaN when the Vuong test was skipped). */
  readonly llrGaussian: number;
  /** LR/n. */
  readonly llrPerN: number;
  readonly vuongZ: number;
  readonly vuongP: number;
  /** Number of input values (before symmetrisation). */
  readonly n: number;
  readonly method: StableEstimator;
  readonly symmetric: boolean;
  /** Block length the bootstrap used, null when skipped. */
  readonly blockLength: number | null;
}

function symmetrised(x: Float64Array): Float64Array {
  const out = new Float64Array(2 * x.length);
  out.set(x);
  for (let i = 0; i < x.length; i++) out[x.length + i] = -x[i];
  return out;
}

/** Point estimate on an already validated sample. */
function pointEstimate(
  x: Float64Array,
  method: StableEstimator,
  symmetric: boolean,
  ko?: KoutrouvelisOptions,
): StableParams {
  const data = symmetric ? symmetrised(x) : x;
  const q = mcCullochQuantiles(sortedCopy(data));
  assertSpread(q, 'fitStable');
  const start = mcCullochFromQuantiles(q);
  const p = method === 'mcculloch' ? start : koutrouvelisFromStart(data, start, ko);
  return symmetric ? { alpha: p.alpha, beta: 0, scale: p.scale, loc: 0 } : p;
}

/**
 * Fit a Lévy alpha-stable law S(alpha, beta, scale, loc) (S1) to a sample, with a block-bootstrap CI for alpha
 * and the Vuong test against a Gaussian (science-spec §1.7, §3.3, §5 item 7; seed 000 Fig. 5 / Table of
 * alpha_dist). Default: Koutrouvelis ECF regression started from McCulloch quantiles, B = 200 resamples of
 * blocks of round(n^(1/3)) consecutive values, 95% level. In symmetric mode the fit uses x ∪ −x (beta = loc = 0)
 * and the Vuong test uses the original x with that symmetric law.
 */
export function fitStable(data: ArrayLike<number>, options: StableFitOptions = {}): StableFitResult {
  const method = options.method ?? 'koutrouvelis';
  if (method !== 'koutrouvelis' && method !== 'mcculloch') {
    throw new AnalysisInputError(`fitStable: unknown method '${String(method)}'`);
  }
  const symmetric = options.symmetric ?? false;
  const x = checkedSample(data, 'fitStable');
  const params = pointEstimate(x, method, symmetric, options.koutrouvelis);
  let alphaCI: Interval | null = null;
  let blockLength: number | null = null;
  if (options.bootstrap !== false) {
    const boot = blockBootstrap(
      x,
      (s) => pointEstimate(s, method, symmetric, options.koutrouvelis).alpha,
      options.bootstrap ?? {},
    );
    alphaCI = boot.ci;
    blockLength = boot.blockLength;
  }
  const v = options.skipVuong
    ? { llrGaussian: Number.NaN, llrPerN: Number.NaN, vuongZ: Number.NaN, vuongP: Number.NaN }
    : vuongVsGaussian(x, params, options.densityMethod);
  return {
    alpha: params.alpha,
    alphaCI,
    scale: params.scale,
    beta: params.beta,
    loc: params.loc,
    llrGaussian: v.llrGaussian,
    llrPerN: v.llrPerN,
    vuongZ: v.vuongZ,
    vuongP: v.vuongP,
    n: x.length,
    method,
    symmetric,
    blockLength,
  };
}

/** The point estimate alone (no bootstrap, no Vuong): the fast path timed by bench/stable.ts. */
export function fitStableParams(
  data: ArrayLike<number>,
  options: Pick<StableFitOptions, 'method' | 'symmetric' | 'koutrouvelis'> = {},
): StableParams {
  const x = checkedSample(data, 'fitStableParams');
  return pointEstimate(x, options.method ?? 'koutrouvelis', options.symmetric ?? false, options.koutrouvelis);
}

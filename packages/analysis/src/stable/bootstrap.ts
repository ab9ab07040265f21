import { createRng } from '../random.js';
import type { Interval } from '../types.js';
import { AnalysisInputError } from '../types.js';

/** Options of the moving-block bootstrap. */
export interface BlockBootstrapOptions {
  /** Number of resamples B (science-spec §3.3: 200 to 1000). Default 200. */
  readonly resamples?: number;
  /** Block length in consecutive samples; default round(n^(1/3)), the usual rate for variance-type statistics. */
  readonly blockLength?: number;
  /** Seed of the resampling RNG, so intervals are reproducible. Default 1. */
  readonly seed?: number;
  /** Confidence level of the percentile interval. Default 0.95. */
  readonly level?: number;
}

/** A bootstrap percentile interval and the replicate values it came from. */
export interface BootstrapResult {
  readonly ci: Interval;
  readonly replicates: Float64Array;
  readonly blockLength: number;
}

/**
 * Moving-block bootstrap (Künsch 1989) percentile interval of a statistic. Blocks of consecutive samples
 * keep the serial correlation of gradient components across steps, which an iid bootstrap would ignore and
 * so understate the width (science-spec §3.3). Replicates for which the statistic throws or returns a
 * non-finite value are dropped; more than half dropped is an error.
 */
export function blockBootstrap(
  x: Float64Array,
  statistic: (sample: Float64Array) => number,
  options: BlockBootstrapOptions = {},
): BootstrapResult {
  const n = x.length;
  const B = options.resamples ?? 200;
  const level = options.level ?? 0.95;
  const L = Math.max(1, Math.min(n, Math.round(options.blockLength ?? Math.cbrt(n))));
  if (!(B >= 1)) throw new AnalysisInputError(`blockBootstrap: resamples must be >= 1, got ${B}`);
  if (!(level > 0 && level < 1))
    throw new AnalysisInputError(`blockBootstrap: level must be in (0, 1), got ${level}`);
  const rng = createRng(options.seed ?? 1);
  const starts = n - L + 1;
  const sample = new Float64Array(n);
  const values: number[] = [];
  for (let b = 0; b < B; b++) {
    for (let filled = 0; filled < n; ) {
      const s = rng.int(starts);
      const take = Math.min(L, n - filled);
      sample.set(x.subarray(s, s + take), filled);
      filled += take;
    }
    try {
      const v = statistic(sample);
      if (Number.isFinite(v)) values.push(v);
    } catch {
      // A degenerate resample (e.g. all tied) carries no information about the spread; skip it.
    }
  }
  if (values.length < B / 2) {
    throw new AnalysisInputError(
      `blockBootstrap: only ${values.length} of ${B} resamples gave a finite statistic`,
    );
  }
  const replicates = Float64Array.from(values).sort();
  const pick = (p: number): number => {
    const pos = p * (replicates.length - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, replicates.length - 1);
    return replicates[lo] + (pos - lo) * (replicates[hi] - replicates[lo]);
  };
  const tail = (1 - level) / 2;
  return { ci: { lower: pick(tail), upper: pick(1 - tail), level }, replicates, blockLength: L };
}

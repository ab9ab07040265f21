/**
 * A block of consecutive trajectory rows: `rows` snapshots of a `d`-dimensional weight vector,
 * row-major (row i occupies data[i*d .. (i+1)*d)). Trajectory metrics consume an
 * `AsyncIterable<RowChunk>` so a trajectory of any length is never held whole.
 */
export interface RowChunk {
  readonly rows: number;
  readonly d: number;
  readonly data: Float32Array | Float64Array;
}

/** A stream of trajectory rows, in step order. Chunk sizes are arbitrary and may differ. */
export type RowStream = AsyncIterable<RowChunk> | Iterable<RowChunk>;

/** A two-sided confidence interval [lower, upper] at the stated level. */
export interface Interval {
  readonly lower: number;
  readonly upper: number;
  readonly level: number;
}

/**
 * How an exponent's error was estimated.
 * - "coordinate-jackknife": delete-one-group jackknife over `groups` disjoint coordinate groups, intervals
 *   from Student's t with groups - 1 degrees of freedom. Calibrated when the groups move independently
 *   (Brownian and fBm test cases: SE 1.02-1.16x the replicate SD, 93-95% coverage). In a network, whose
 *   weights share one noise sequence, it measures the spread across weights, not across seeds.
 * - "ols": the classical OLS slope error, reported when the window has too few coordinates to group. It
 *   treats neighbouring points as independent and understates the spread (20-30x for the MSD exponent);
 *   intervals are then left out.
 */
export interface ExponentUncertainty {
  readonly method: 'coordinate-jackknife' | 'ols';
  readonly groups: number;
}

/** A scalar estimate with its uncertainty, as every metric reports it. */
export interface Estimate {
  readonly value: number;
  readonly stdErr?: number;
  readonly ci?: Interval;
}

/** A curve as parallel arrays, the compact form results are stored and plotted in. */
export interface Curve {
  readonly x: Float64Array | number[];
  readonly y: Float64Array | number[];
}

/** Thrown for input a metric cannot be computed from (too short, NaN, wrong shape): the message names the problem. */
export class AnalysisInputError extends Error {
  override readonly name = 'AnalysisInputError';
}

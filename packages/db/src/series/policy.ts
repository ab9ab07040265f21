/**
 * NaN/Inf policy for per-step scalar series.
 *
 * A loss legitimately becomes NaN or Inf when training diverges (large learning rates in the phase
 * diagram, seed 002), and that divergence is a result worth keeping. Every other series (step length,
 * gradient norm, ...) that turns non-finite means a recording bug, so it is rejected.
 *
 * - 'allow-flagged': non-finite values are stored as-is and counted; summaries exclude them from
 *   min/max/mean but count them per bucket (`nonFinite`), and appendSteps reports the count.
 * - 'reject': any non-finite value fails the whole batch with a ValidationError.
 *
 * Default: 'allow-flagged' for loss-type series (name contains "loss", case-insensitive), 'reject'
 * otherwise. Callers may override per series name.
 */
export type NonFinitePolicy = 'allow-flagged' | 'reject';

/** The default policy for a series name (see module doc). */
export function defaultNonFinitePolicy(seriesName: string): NonFinitePolicy {
  return /loss/i.test(seriesName) ? 'allow-flagged' : 'reject';
}

/** Index of the first NaN/±Inf in `values`, or -1. */
export function firstNonFiniteIndex(values: ArrayLike<number>): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return i;
  return -1;
}

/** Number of NaN/±Inf entries. */
export function countNonFinite(values: ArrayLike<number>): number {
  let count = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) count += 1;
  return count;
}

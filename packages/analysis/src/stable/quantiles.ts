/**
 * Sample quantiles with numpy's default ("linear", Hyndman–Fan type 7) rule, so McCulloch estimates match
 * scipy's `_fitstart_S1` on the same data.
 */

/** Sorted copy of the sample (one O(n log n) typed-array sort, the only sort a point fit needs). */
export function sortedCopy(x: ArrayLike<number>): Float64Array {
  const s = Float64Array.from(x);
  s.sort();
  return s;
}

/** Quantile p in [0, 1] of an already sorted sample, linear interpolation between order statistics. */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  const pos = p * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  const frac = pos - lo;
  return sorted[lo] + frac * (sorted[hi] - sorted[lo]);
}

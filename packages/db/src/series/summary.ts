/**
 * Multi-resolution, mergeable summaries of a per-step scalar series, for plotting long runs without
 * reading every step.
 *
 * Each bucket keeps min / max / mean / last over the steps that fall in it, plus counts, so two
 * buckets merge exactly (min of mins, max of maxes, count-weighted mean, last of the later one). That
 * makes appends incremental (only cells touched by the new steps change) and coarsening to fewer
 * buckets a pure merge: a spike survives in `max` at every resolution.
 *
 * Two bucket schemes, both on a fixed grid so merges never straddle cells:
 * - 'linear' with capacity B: cells of width w steps, cell = floor(step / w), w the smallest power of
 *   two for which the series' extent spans at most B cells. As the run grows, w doubles and adjacent
 *   pairs merge. w is a function of the extent only, so it need not be stored.
 * - 'log' with K cells per decade: cell k holds steps s with edge(k) ≤ s+1 < edge(k+1), where
 *   edge(k) = floor(10^(k/K)). Early training gets fine buckets (step 0, 1, 2, ... each alone), late
 *   training coarse ones: the early-time structure (seed 000: regime 1 before t0) stays visible.
 *
 * Non-finite values (allowed only for loss-type series) are excluded from min/max/mean and counted
 * in `nonFinite`; `last` is the raw last value, NaN included, so a diverged run shows it.
 */

export type SummaryScheme = 'linear' | 'log';

/** One bucket. `count` counts finite values; min/max/mean are NaN when count is 0. */
export interface SummaryBucket {
  stepStart: number;
  stepEnd: number;
  min: number;
  max: number;
  mean: number;
  last: number;
  count: number;
  nonFinite: number;
}

/** A summary: the scheme, its resolution parameter (linear: capacity B; log: cells per decade K), buckets in step order. */
export interface SeriesSummaryData {
  readonly scheme: SummaryScheme;
  readonly resolution: number;
  /** Values summarised (finite and non-finite). */
  readonly steps: number;
  readonly buckets: readonly SummaryBucket[];
}

/** Stored resolutions: every series gets one summary per entry, updated on each append. */
export const STORED_SUMMARIES: readonly { readonly scheme: SummaryScheme; readonly resolution: number }[] = [
  { scheme: 'linear', resolution: 1024 },
  { scheme: 'log', resolution: 32 },
];

function emptyBucket(step: number): SummaryBucket {
  return {
    stepStart: step,
    stepEnd: step,
    min: Number.NaN,
    max: Number.NaN,
    mean: Number.NaN,
    last: Number.NaN,
    count: 0,
    nonFinite: 0,
  };
}

function addValue(bucket: SummaryBucket, step: number, value: number): void {
  const empty = bucket.count + bucket.nonFinite === 0;
  if (empty || step < bucket.stepStart) bucket.stepStart = step;
  if (empty || step >= bucket.stepEnd) {
    bucket.stepEnd = step;
    bucket.last = value;
  }
  if (!Number.isFinite(value)) {
    bucket.nonFinite += 1;
    return;
  }
  if (bucket.count === 0) {
    bucket.min = value;
    bucket.max = value;
    bucket.mean = value;
    bucket.count = 1;
    return;
  }
  if (value < bucket.min) bucket.min = value;
  if (value > bucket.max) bucket.max = value;
  bucket.count += 1;
  bucket.mean += (value - bucket.mean) / bucket.count;
}

/** Merges `b` into `a` (exact for min/max/last/counts; mean is the count-weighted mean). */
export function mergeBuckets(a: SummaryBucket, b: SummaryBucket): SummaryBucket {
  const count = a.count + b.count;
  const later = b.stepEnd >= a.stepEnd ? b : a;
  return {
    stepStart: Math.min(a.stepStart, b.stepStart),
    stepEnd: Math.max(a.stepEnd, b.stepEnd),
    min: a.count === 0 ? b.min : b.count === 0 ? a.min : Math.min(a.min, b.min),
    max: a.count === 0 ? b.max : b.count === 0 ? a.max : Math.max(a.max, b.max),
    mean:
      count === 0
        ? Number.NaN
        : a.count === 0
          ? b.mean
          : b.count === 0
            ? a.mean
            : (a.mean * a.count + b.mean * b.count) / count,
    last: later.last,
    count,
    nonFinite: a.nonFinite + b.nonFinite,
  };
}

/** Smallest power-of-two width for which steps first..last span at most `capacity` cells. */
export function linearCellWidth(firstStep: number, lastStep: number, capacity: number): number {
  let width = 1;
  while (Math.floor(lastStep / width) - Math.floor(firstStep / width) + 1 > capacity) width *= 2;
  return width;
}

/** Lower edge (in units of step+1) of log cell k with K cells per decade. */
function logEdge(k: number, perDecade: number): number {
  return Math.floor(10 ** (k / perDecade));
}

/** Log cell of a step: the largest k with edge(k) ≤ step + 1 (corrected against float error in log10). */
export function logCellOf(step: number, perDecade: number): number {
  const t = step + 1;
  let k = Math.floor(perDecade * Math.log10(t));
  while (logEdge(k + 1, perDecade) <= t) k += 1;
  while (k > 0 && logEdge(k, perDecade) > t) k -= 1;
  return k;
}

function cellKeyFn(scheme: SummaryScheme, resolution: number, firstStep: number, lastStep: number) {
  if (scheme === 'log') return (step: number) => logCellOf(step, resolution);
  const width = linearCellWidth(firstStep, lastStep, resolution);
  return (step: number) => Math.floor(step / width);
}

/** An empty summary for the scheme and resolution. */
export function emptySummary(scheme: SummaryScheme, resolution: number): SeriesSummaryData {
  if (!Number.isInteger(resolution) || resolution < 1)
    throw new RangeError(`summary resolution must be a positive integer`);
  return { scheme, resolution, steps: 0, buckets: [] };
}

/**
 * Adds values at consecutive steps fromStep, fromStep+1, ... to a summary and returns the new one.
 * Cost is O(existing buckets + new values); the input is not modified.
 */
export function appendToSummary(
  summary: SeriesSummaryData,
  fromStep: number,
  values: ArrayLike<number>,
): SeriesSummaryData {
  if (values.length === 0) return summary;
  const first = summary.buckets.length ? Math.min(summary.buckets[0].stepStart, fromStep) : fromStep;
  const last = summary.buckets.length
    ? Math.max(summary.buckets[summary.buckets.length - 1].stepEnd, fromStep + values.length - 1)
    : fromStep + values.length - 1;
  const cellOf = cellKeyFn(summary.scheme, summary.resolution, first, last);
  const cells = new Map<number, SummaryBucket>();
  for (const bucket of summary.buckets) {
    const key = cellOf(bucket.stepStart);
    const existing = cells.get(key);
    cells.set(key, existing ? mergeBuckets(existing, bucket) : { ...bucket });
  }
  // Consecutive steps mostly land in the same cell: cache it to skip the map lookup.
  let currentKey = Number.NaN;
  let current: SummaryBucket | undefined;
  for (let i = 0; i < values.length; i++) {
    const step = fromStep + i;
    const key = cellOf(step);
    if (key !== currentKey) {
      currentKey = key;
      current = cells.get(key);
      if (!current) {
        current = emptyBucket(step);
        cells.set(key, current);
      }
    }
    addValue(current!, step, values[i]);
  }
  const buckets = [...cells.entries()].sort((a, b) => a[0] - b[0]).map(([, bucket]) => bucket);
  return {
    scheme: summary.scheme,
    resolution: summary.resolution,
    steps: summary.steps + values.length,
    buckets,
  };
}

/**
 * Merges a summary down to at most `maxBuckets` buckets by coarsening its own grid (linear: doubling
 * the width; log: halving cells per decade), so the result is again a valid summary of the same data.
 */
export function coarsenSummary(summary: SeriesSummaryData, maxBuckets: number): SeriesSummaryData {
  if (!Number.isInteger(maxBuckets) || maxBuckets < 1)
    throw new RangeError(`maxBuckets must be a positive integer`);
  let buckets = summary.buckets;
  let resolution = summary.resolution;
  if (buckets.length <= maxBuckets) return summary;
  const first = buckets[0].stepStart;
  const last = buckets[buckets.length - 1].stepEnd;
  let factor = 1;
  while (buckets.length > maxBuckets) {
    factor *= 2;
    let cellOf: (step: number) => number;
    if (summary.scheme === 'linear') {
      const width = linearCellWidth(first, last, Math.max(1, Math.floor(summary.resolution / factor)));
      cellOf = (step) => Math.floor(step / width);
      resolution = Math.max(1, Math.floor(summary.resolution / factor));
    } else {
      // Halving K merges log cells pairwise: cell k at K lies inside cell floor(k/2) at K/2 when K is even;
      // for odd K we merge by the coarser grid's own cell function, still exact bucket merges.
      const perDecade = summary.resolution / factor;
      cellOf = (step) => Math.floor(logCellOf(step, summary.resolution) / factor);
      resolution = perDecade;
    }
    const merged: SummaryBucket[] = [];
    let key = Number.NaN;
    for (const bucket of summary.buckets) {
      const k = cellOf(bucket.stepStart);
      if (k === key) merged[merged.length - 1] = mergeBuckets(merged[merged.length - 1], bucket);
      else {
        merged.push({ ...bucket });
        key = k;
      }
    }
    buckets = merged;
  }
  return { scheme: summary.scheme, resolution, steps: summary.steps, buckets };
}

/** Summary of a whole series from scratch: the brute-force reference the incremental path must match. */
export function summarizeSeries(
  scheme: SummaryScheme,
  resolution: number,
  fromStep: number,
  values: ArrayLike<number>,
): SeriesSummaryData {
  return appendToSummary(emptySummary(scheme, resolution), fromStep, values);
}

const COLUMNS = 8;

/**
 * Packs buckets as float64 little-endian columns, one after another, each `n` long:
 * stepStart, stepEnd, min, max, mean, last, count, nonFinite. The first six are the columns the
 * schema documents for SeriesSummary.payload; count and nonFinite are appended because merging means
 * needs the finite count. n = byteLength / 64.
 */
export function encodeSummaryPayload(buckets: readonly SummaryBucket[]): Uint8Array<ArrayBuffer> {
  const n = buckets.length;
  const bytes = new Uint8Array(n * COLUMNS * 8);
  const view = new DataView(bytes.buffer);
  const fields: (keyof SummaryBucket)[] = [
    'stepStart',
    'stepEnd',
    'min',
    'max',
    'mean',
    'last',
    'count',
    'nonFinite',
  ];
  fields.forEach((field, column) => {
    for (let i = 0; i < n; i++) view.setFloat64((column * n + i) * 8, buckets[i][field], true);
  });
  return bytes;
}

/** Inverse of encodeSummaryPayload. */
export function decodeSummaryPayload(bytes: Uint8Array): SummaryBucket[] {
  if (bytes.byteLength % (COLUMNS * 8) !== 0) {
    throw new RangeError(`summary payload of ${bytes.byteLength} bytes is not a multiple of ${COLUMNS * 8}`);
  }
  const n = bytes.byteLength / (COLUMNS * 8);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = (column: number, i: number) => view.getFloat64((column * n + i) * 8, true);
  const out: SummaryBucket[] = new Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = {
      stepStart: at(0, i),
      stepEnd: at(1, i),
      min: at(2, i),
      max: at(3, i),
      mean: at(4, i),
      last: at(5, i),
      count: at(6, i),
      nonFinite: at(7, i),
    };
  }
  return out;
}

import { mergeBuckets, type SummaryBucket } from './summary.js';

/** Raw series points: values[i] was recorded at steps[i]; steps strictly increasing. */
export interface SeriesPoints {
  readonly steps: Float64Array;
  readonly values: Float64Array;
}

/**
 * Min/max-preserving downsampling for a plot `width` pixels wide (the "M4"-style reduction): the
 * step range is cut into `width` equal slices and each slice keeps min, max, mean and last, so a
 * one-step loss spike still reaches the plotted envelope however far the user zooms out.
 * Slices with no points are omitted. Non-finite values are counted, not averaged (see policy.ts).
 */
export function downsampleMinMax(points: SeriesPoints, width: number): SummaryBucket[] {
  if (!Number.isInteger(width) || width < 1)
    throw new RangeError(`width must be a positive integer, got ${width}`);
  const n = points.values.length;
  if (points.steps.length !== n)
    throw new RangeError(`steps (${points.steps.length}) and values (${n}) differ in length`);
  if (n === 0) return [];
  const first = points.steps[0];
  const span = points.steps[n - 1] - first + 1;
  const out: SummaryBucket[] = [];
  let currentSlice = -1;
  for (let i = 0; i < n; i++) {
    const step = points.steps[i];
    const value = points.values[i];
    const slice = Math.min(width - 1, Math.floor(((step - first) * width) / span));
    const finite = Number.isFinite(value);
    const single: SummaryBucket = {
      stepStart: step,
      stepEnd: step,
      min: finite ? value : Number.NaN,
      max: finite ? value : Number.NaN,
      mean: finite ? value : Number.NaN,
      last: value,
      count: finite ? 1 : 0,
      nonFinite: finite ? 0 : 1,
    };
    if (slice === currentSlice) out[out.length - 1] = mergeBuckets(out[out.length - 1], single);
    else {
      out.push(single);
      currentSlice = slice;
    }
  }
  return out;
}

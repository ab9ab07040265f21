/**
 * Viridis, sampled at 16 stops: sequential, perceptually uniform and readable under the common colour-vision
 * deficiencies, so "window start tw" reads as early → late for everyone.
 */
const VIRIDIS = [
  '#440154',
  '#481a6c',
  '#472f7d',
  '#414487',
  '#39568c',
  '#31688e',
  '#2a788e',
  '#23888e',
  '#1f988b',
  '#22a884',
  '#35b779',
  '#54c568',
  '#7ad151',
  '#a5db36',
  '#d2e21b',
  '#fde725',
];

/** Colour for position t in [0, 1] on the viridis map. */
export function sequentialColor(t: number): string {
  const clamped = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0));
  return VIRIDIS[Math.round(clamped * (VIRIDIS.length - 1))];
}

/**
 * Okabe–Ito qualitative palette (colour-blind safe) for distinguishing runs in a comparison.
 */
export const RUN_COLORS = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#D55E00',
  '#56B4E9',
  '#F0E442',
  '#000000',
];

export function runColor(index: number): string {
  return RUN_COLORS[index % RUN_COLORS.length];
}

/** Tick positions for a log axis: powers of ten, with 2 and 5 in between when the range spans few decades. */
export function logTicks(values: readonly number[]): number[] | undefined {
  const positive = values.filter((v) => v > 0 && Number.isFinite(v));
  if (positive.length === 0) return undefined;
  const lo = Math.floor(Math.log10(Math.min(...positive)));
  const hi = Math.ceil(Math.log10(Math.max(...positive)));
  const mantissas = hi - lo <= 2 ? [1, 2, 5] : [1];
  const ticks: number[] = [];
  for (let e = lo; e <= hi; e++) for (const m of mantissas) ticks.push(m * 10 ** e);
  return ticks;
}

/**
 * Keeps at most `max` points of a curve drawn on a log x axis, spaced evenly in log x (the first and last always
 * kept): a 1000-lag MSD needs ~200 points to look identical at chart width, and SVG cost grows with points.
 */
export function thinLogX<T extends { x: number }>(points: readonly T[], max = 200): T[] {
  if (points.length <= max) return [...points];
  const first = points[0].x;
  const last = points[points.length - 1].x;
  if (!(first > 0) || !(last > first)) {
    const step = points.length / max;
    return Array.from({ length: max }, (_, i) => points[Math.floor(i * step)]);
  }
  const out: T[] = [];
  let next = Math.log(first);
  const dl = (Math.log(last) - Math.log(first)) / (max - 1);
  for (const p of points) {
    if (p.x > 0 && Math.log(p.x) >= next - 1e-12) {
      out.push(p);
      next = Math.log(p.x) + dl;
    }
  }
  if (out[out.length - 1] !== points[points.length - 1]) out.push(points[points.length - 1]);
  return out;
}

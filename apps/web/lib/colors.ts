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

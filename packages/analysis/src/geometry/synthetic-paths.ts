/**
 * Seeded synthetic trajectories with known fractal dimension, the ground truth for the Df and
 * transverse-excursion estimators: Levy flight (Df = a), Brownian path (Df = 2), ballistic path (Df = 1).
 */
import { createRng, type Rng, stableSample } from '../random.js';
import type { RowChunk } from '../types.js';

export interface SyntheticPathOptions {
  readonly steps: number;
  readonly d: number;
  readonly seed: number;
}

/** A unit vector uniform on the sphere in R^d (normalised Gaussian vector). */
function randomDirection(rng: Rng, d: number, out: Float64Array): void {
  let norm = 0;
  do {
    norm = 0;
    for (let c = 0; c < d; c++) {
      out[c] = rng.normal();
      norm += out[c] * out[c];
    }
  } while (norm === 0);
  const inv = 1 / Math.sqrt(norm);
  for (let c = 0; c < d; c++) out[c] *= inv;
}

function walk(
  options: SyntheticPathOptions,
  stepLength: (rng: Rng) => number,
  fixedDirection: boolean,
): RowChunk {
  const { steps, d, seed } = options;
  const rng = createRng(seed);
  const data = new Float64Array(steps * d);
  const dir = new Float64Array(d);
  randomDirection(rng, d, dir);
  for (let t = 1; t < steps; t++) {
    if (!fixedDirection) randomDirection(rng, d, dir);
    const len = stepLength(rng);
    for (let c = 0; c < d; c++) data[t * d + c] = data[(t - 1) * d + c] + len * dir[c];
  }
  return { rows: steps, d, data };
}

/**
 * Levy flight of index a: isotropic directions, step lengths |X| with X symmetric a-stable (CMS sampler).
 * Its end-to-end distance grows as n^(1/a) while the contour grows as n (E|X| finite for a > 1),
 * so Delta r^2 ~ Delta s^(2/a) and Df = a.
 */
export function levyFlight(options: SyntheticPathOptions & { readonly alpha: number }): RowChunk {
  return walk(options, (rng) => Math.abs(stableSample(rng, options.alpha, 0, 1, 0)), false);
}

/** Brownian path: isotropic Gaussian increments, Delta r^2 ~ Delta s, Df = 2. */
export function brownianPath(options: SyntheticPathOptions): RowChunk {
  const { steps, d, seed } = options;
  const rng = createRng(seed);
  const data = new Float64Array(steps * d);
  for (let t = 1; t < steps; t++) {
    for (let c = 0; c < d; c++) data[t * d + c] = data[(t - 1) * d + c] + rng.normal();
  }
  return { rows: steps, d, data };
}

/** Ballistic path: a straight line with random positive step lengths, Delta r = Delta s, Df = 1. */
export function ballisticPath(options: SyntheticPathOptions): RowChunk {
  return walk(options, (rng) => 0.5 + rng.next(), true);
}

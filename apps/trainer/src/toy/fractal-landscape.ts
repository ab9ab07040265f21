/**
 * Fractal landscapes for the 2-D SGD toy model of seed 000 (§III.5, Fig. 8) and its controls
 * (science-spec §2.1, §5 items 9–10).
 *
 * A landscape is a square height grid over [-1, 1]^2, row-major: values[row * size + col], row = y index,
 * col = x index, node (row, col) at u = (-1 + 2 col/(size-1), -1 + 2 row/(size-1)).
 */
import { createRng, fitLine, type LineFit, type Rng } from '@sgdscope/analysis';

export interface Grid2D {
  /** Nodes per side. */
  readonly size: number;
  /** size * size heights, row-major. */
  readonly values: Float64Array;
}

export interface DiamondSquareOptions {
  /** Number of refinement levels n; the grid has 2^n + 1 nodes per side (the repo uses n = 10). */
  readonly levels: number;
  /** Roughness exponent H: the displacement amplitude shrinks by 2^{-H} per level (H = 1 is the repo's halving). */
  readonly hurst: number;
  readonly seed: number;
  /** Amplitude r of the first level's uniform displacements (U - 0.5) r; the repo's `rugosite` = 3. */
  readonly initialAmplitude?: number;
}

/**
 * Diamond-square (random midpoint displacement) generator, as in Douillet's File Exchange 73273 copy in
 * the seed-000 repo (`fractal_landscape_generator.m`): corners 0, each new node = mean of its existing
 * neighbours (3 on the border, else 4) + (U - 0.5) r, r <- r 2^{-H} after each level. Returns the raw z
 * (the repo's border clipping and water level only touch its JPEG).
 */
export function diamondSquare(options: DiamondSquareOptions): Grid2D {
  const { levels, hurst, seed } = options;
  if (!Number.isInteger(levels) || levels < 1 || levels > 13) {
    throw new RangeError(`diamondSquare: levels must be an integer in [1, 13], got ${levels}`);
  }
  const rng = createRng(seed);
  const size = 2 ** levels + 1;
  const z = new Float64Array(size * size); // corners start at 0 (the repo's niv_base)
  const decay = 2 ** -hurst;
  let r = options.initialAmplitude ?? 3;
  const last = size - 1;
  for (let half = (size - 1) / 2; half >= 1; half /= 2) {
    const step = 2 * half;
    // Diamond step: square centres from their four diagonal corners.
    for (let row = half; row < size; row += step) {
      for (let col = half; col < size; col += step) {
        const mean =
          (z[(row - half) * size + col - half] +
            z[(row - half) * size + col + half] +
            z[(row + half) * size + col - half] +
            z[(row + half) * size + col + half]) /
          4;
        z[row * size + col] = mean + (rng.next() - 0.5) * r;
      }
    }
    // Square step: edge midpoints from their 3 (border) or 4 axis neighbours.
    for (let row = 0; row < size; row += half) {
      const colStart = (row / half) % 2 === 0 ? half : 0;
      for (let col = colStart; col < size; col += step) {
        let sum = 0;
        let count = 0;
        if (row > 0) {
          sum += z[(row - half) * size + col];
          count++;
        }
        if (row < last) {
          sum += z[(row + half) * size + col];
          count++;
        }
        if (col > 0) {
          sum += z[row * size + col - half];
          count++;
        }
        if (col < last) {
          sum += z[row * size + col + half];
          count++;
        }
        z[row * size + col] = sum / count + (rng.next() - 0.5) * r;
      }
    }
    r *= decay;
  }
  return { size, values: z };
}

/**
 * Semivariogram of the grid along both axes, gamma(h) = mean (z(p + h e) - z(p))^2 / 2 over all
 * node pairs h apart in x or y. For a self-affine surface gamma(h) ∝ h^{2H}.
 */
export function variogram(grid: Grid2D, lags: readonly number[]): Float64Array {
  const { size, values } = grid;
  const out = new Float64Array(lags.length);
  lags.forEach((h, k) => {
    if (!Number.isInteger(h) || h < 1 || h >= size) throw new RangeError(`variogram: bad lag ${h}`);
    let sum = 0;
    let count = 0;
    for (let row = 0; row < size; row++) {
      for (let col = 0; col + h < size; col++) {
        const dx = values[row * size + col + h] - values[row * size + col];
        sum += dx * dx;
        count++;
      }
    }
    for (let row = 0; row + h < size; row++) {
      for (let col = 0; col < size; col++) {
        const d = values[(row + h) * size + col] - values[row * size + col];
        sum += d * d;
        count++;
      }
    }
    out[k] = sum / count / 2;
  });
  return out;
}

/**
 * Roughness exponent from the variogram slope (science-spec §5 item 9): OLS of log gamma on log h
 * over dyadic lags 1, 2, 4, ... up to maxLag, H = slope / 2. Profile dimension 2 - H, surface 3 - H.
 */
export function hurstFromVariogram(
  grid: Grid2D,
  maxLag = Math.max(1, (grid.size - 1) / 16),
): { readonly hurst: number; readonly fit: LineFit } {
  const lags: number[] = [];
  for (let h = 1; h <= maxLag; h *= 2) lags.push(h);
  if (lags.length < 2) throw new RangeError('hurstFromVariogram: need at least two lags');
  const gamma = variogram(grid, lags);
  const fit = fitLine(
    lags.map((h) => Math.log(h)),
    Array.from(gamma, (g) => Math.log(g)),
  );
  return { hurst: fit.slope / 2, fit };
}

/**
 * Separable Gaussian blur with replicate padding, like MATLAB `imgaussfilt(z, sigma)` (kernel half-width
 * ceil(2 sigma), its default filter size 2 ceil(2 sigma) + 1). Two 1-D passes keep a 1025^2 grid at
 * O(size^2 * sigma) instead of O(size^2 * sigma^2).
 */
export function gaussianBlur(grid: Grid2D, sigmaPx: number): Grid2D {
  const { size, values } = grid;
  const radius = Math.ceil(2 * sigmaPx);
  const kernel = new Float64Array(2 * radius + 1);
  let norm = 0;
  for (let k = -radius; k <= radius; k++) {
    const w = Math.exp(-(k * k) / (2 * sigmaPx * sigmaPx));
    kernel[k + radius] = w;
    norm += w;
  }
  for (let k = 0; k < kernel.length; k++) kernel[k] /= norm;
  const clamp = (i: number): number => (i < 0 ? 0 : i >= size ? size - 1 : i);
  const pass1 = new Float64Array(size * size);
  for (let row = 0; row < size; row++) {
    const base = row * size;
    for (let col = 0; col < size; col++) {
      let acc = 0;
      for (let k = -radius; k <= radius; k++) acc += kernel[k + radius] * values[base + clamp(col + k)];
      pass1[base + col] = acc;
    }
  }
  const out = new Float64Array(size * size);
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      let acc = 0;
      for (let k = -radius; k <= radius; k++) acc += kernel[k + radius] * pass1[clamp(row + k) * size + col];
      out[row * size + col] = acc;
    }
  }
  return { size, values: out };
}

/**
 * The shuffled-and-smoothed control of `simplified_SGD_model.m`: permute all pixels (destroys spatial
 * correlation, keeps the height distribution), imgaussfilt with sigma = 8 px, then ^0.7. The repo raises
 * possibly negative heights to 0.7 (complex in MATLAB), so heights are first shifted to min 0 (science-spec §5.10).
 */
export function shuffledSmoothed(grid: Grid2D, seed: number, sigmaPx = 8, power = 0.7): Grid2D {
  const rng = createRng(seed);
  const shuffled = Float64Array.from(grid.values);
  shuffleInPlace(shuffled, rng);
  const blurred = gaussianBlur({ size: grid.size, values: shuffled }, sigmaPx).values;
  let min = Number.POSITIVE_INFINITY;
  for (const v of blurred) if (v < min) min = v;
  for (let i = 0; i < blurred.length; i++) blurred[i] = (blurred[i] - min) ** power;
  return { size: grid.size, values: blurred };
}

function shuffleInPlace(a: Float64Array, rng: Rng): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}

/**
 * Height grid from a closed form z(ux, uy) on [-1, 1]^2, for the analytic controls.
 */
export function gridFromFunction(size: number, height: (ux: number, uy: number) => number): Grid2D {
  const values = new Float64Array(size * size);
  for (let row = 0; row < size; row++) {
    const uy = -1 + (2 * row) / (size - 1);
    for (let col = 0; col < size; col++) values[row * size + col] = height(-1 + (2 * col) / (size - 1), uy);
  }
  return { size, values };
}

/**
 * The repo's "convex paraboloid" control: the stored file is z = 1 - r over [1, 2]^2, i.e. in the walker's
 * coordinates L = 10 - z = 9 + |u|/2, a cone with constant gradient 1/2 (science-spec §2.1): ballistic, MSD exponent ≈ 2.
 */
export function coneHeights(size: number): Grid2D {
  return gridFromFunction(size, (ux, uy) => 1 - Math.hypot(ux, uy) / 2);
}

/** A true paraboloid control, L = 9 + |u|^2 / 2 (science-spec §5.10's extra control). */
export function paraboloidHeights(size: number): Grid2D {
  return gridFromFunction(size, (ux, uy) => 1 - (ux * ux + uy * uy) / 2);
}

/** Strided subsampling to at most maxSize nodes per side, for drawing (keeps node 0 aligned; no smoothing, so heights stay exact). */
export function downsample(grid: Grid2D, maxSize: number): Grid2D {
  if (grid.size <= maxSize) return grid;
  const stride = Math.ceil((grid.size - 1) / (maxSize - 1));
  const size = Math.floor((grid.size - 1) / stride) + 1;
  const values = new Float64Array(size * size);
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++)
      values[row * size + col] = grid.values[row * stride * grid.size + col * stride];
  }
  return { size, values };
}

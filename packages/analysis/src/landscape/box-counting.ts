/**
 * Box-counting dimensions of a 2D loss grid (seed 000 §"fractal landscape", which cites Li, Du & Sun 2009;
 * science-spec §1.10 and §5 item 12). Two numbers, because the seed's "about 1.8" only fits a set in the plane:
 *  - the differential box-counting (DBC) dimension of the surface z(x, y), in [2, 3];
 *  - the box-counting dimension of the boundary of the super-median binary image (the median level set),
 *    in [1, 2]. For an fBm surface of Hurst exponent H these are 3 - H and 2 - H.
 */
import { fitLine } from '../regression.js';
import { AnalysisInputError } from '../types.js';
import type { Grid2D } from './fbm-surface.js';

export interface BoxCountingOptions {
  /** Box sides in grid cells (default: every integer 2..25, the spec's range, capped at (side - 1)/2). */
  readonly boxSizes?: readonly number[];
}

export interface BoxCountingResult {
  /** DBC dimension of the surface (in [2, 3]). */
  readonly boxCountingSurface: number;
  /**
   * Variation-method dimension of the surface (Dubuc et al. 1989): 3 - slope of ln(mean block range) against
   * ln s. It is the continuum limit of box counting without DBC's rounding up to whole boxes (at least one
   * per column), which biases DBC towards 2 once block ranges approach the box height; unlike DBC it does not
   * depend on how heights are scaled against grid cells. Reported as a cross-check of `boxCountingSurface`.
   */
  readonly variationSurface: number;
  /** Box-counting dimension of the median level set / super-median image boundary (in [1, 2]). */
  readonly boxCountingLevelSet: number;
  readonly boxSizes: number[];
  /** Area-normalised box counts per size, for plotting ln N against ln(1/s). */
  readonly surfaceCounts: number[];
  readonly levelSetCounts: number[];
}

/**
 * Both box-counting dimensions of a grid. A box of side s spans s + 1 grid nodes, so neighbouring boxes share
 * an edge and a level-set crossing between two nodes always falls inside some box. Only whole boxes are
 * counted; counts are scaled by the fraction of the grid they cover.
 *
 * DBC (Sarkar & Chaudhuri 1994): heights are rescaled so the grid's range equals its side in cells (the
 * image convention G/M = 1); a column of boxes of height s over each block needs max(1, ceil((max - min)/s))
 * boxes, stacked from the block minimum as in Li, Du & Sun 2009 (their sigma-dependent height correction is
 * not applied). The dimension is the slope of ln N(s) against ln(1/s).
 */
export function boxCountingDimensions(grid: Grid2D, options: BoxCountingOptions = {}): BoxCountingResult {
  const { rows, cols, data } = grid;
  const cells = Math.min(rows, cols) - 1;
  if (cells < 8) throw new AnalysisInputError(`box counting: grid ${rows}x${cols} is too small (need 9x9)`);
  for (let k = 0; k < rows * cols; k++) {
    if (!Number.isFinite(data[k]))
      throw new AnalysisInputError(`box counting: non-finite value at index ${k}`);
  }
  const sizes = (options.boxSizes ?? range(2, 25)).filter((s) => s >= 1 && s <= Math.floor(cells / 2));
  if (sizes.length < 3) throw new AnalysisInputError('box counting: fewer than 3 usable box sizes');
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < rows * cols; k++) {
    if (data[k] < lo) lo = data[k];
    if (data[k] > hi) hi = data[k];
  }
  const scale = hi > lo ? cells / (hi - lo) : 0;
  const median = medianOf(data);
  const surfaceCounts: number[] = [];
  const levelSetCounts: number[] = [];
  const meanRanges: number[] = [];
  for (const s of sizes) {
    const bi = Math.floor((rows - 1) / s);
    const bj = Math.floor((cols - 1) / s);
    let surface = 0;
    let level = 0;
    let rangeSum = 0;
    for (let a = 0; a < bi; a++) {
      for (let b = 0; b < bj; b++) {
        let mn = Number.POSITIVE_INFINITY;
        let mx = Number.NEGATIVE_INFINITY;
        let above = false;
        let below = false;
        for (let i = a * s; i <= (a + 1) * s; i++) {
          for (let j = b * s; j <= (b + 1) * s; j++) {
            const v = data[i * cols + j];
            if (v < mn) mn = v;
            if (v > mx) mx = v;
            if (v > median) above = true;
            else below = true;
          }
        }
        // Tiny slack so a block whose range is an exact multiple of the box height is not charged an
        // extra box by rounding (a plane must count exactly one box per block).
        surface += Math.max(1, Math.ceil(((mx - mn) * scale) / s - 1e-9));
        rangeSum += mx - mn;
        if (above && below) level++;
      }
    }
    const coverage = ((rows - 1) * (cols - 1)) / (bi * bj * s * s);
    surfaceCounts.push(surface * coverage);
    levelSetCounts.push(level * coverage);
    meanRanges.push(rangeSum / (bi * bj));
  }
  const lnInv = sizes.map((s) => -Math.log(s));
  const usableLevel = sizes.map((_, k) => k).filter((k) => levelSetCounts[k] > 0);
  if (usableLevel.length < 3)
    throw new AnalysisInputError('box counting: the grid has no median level set (constant?)');
  return {
    boxCountingSurface: fitLine(lnInv, surfaceCounts.map(Math.log)).slope,
    boxCountingLevelSet: fitLine(
      usableLevel.map((k) => lnInv[k]),
      usableLevel.map((k) => Math.log(levelSetCounts[k])),
    ).slope,
    variationSurface:
      hi > lo
        ? 3 -
          fitLine(
            sizes.map((v) => Math.log(v)),
            meanRanges.map(Math.log),
          ).slope
        : 2,
    boxSizes: sizes,
    surfaceCounts,
    levelSetCounts,
  };
}

function range(a: number, b: number): number[] {
  const out: number[] = [];
  for (let k = a; k <= b; k++) out.push(k);
  return out;
}

function medianOf(data: Float64Array): number {
  const sorted = Float64Array.from(data).sort();
  const m = sorted.length >> 1;
  return sorted.length % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
}

/**
 * Fractal measures of a 2-D loss grid (seed 000 §"fractal landscape"; science-spec §1.6 last item, §1.10):
 * the MSL of a seeded sample of grid nodes with distances in grid cells (the seed's
 * `projected_landscape_fractal_fbm.m` used 1000 random nodes), and `landscapeGridMeasures`, which adds the
 * box-counting dimensions. Shared by `sgdscope analyze landscape` and the pipeline's `landscape` estimator.
 */
import { createRng } from '../random.js';
import { AnalysisInputError } from '../types.js';
import { type BoxCountingResult, boxCountingDimensions } from './box-counting.js';
import type { Grid2D } from './fbm-surface.js';
import { type MeanSquaredLossResult, meanSquaredLoss } from './mean-squared-loss.js';

export interface GridMslOptions {
  /** Grid nodes sampled without repeats (all nodes when the grid has fewer). Default 1000. */
  readonly points?: number;
  /** Seed of the node sample. Default 1. */
  readonly seed?: number;
}

export interface GridMslResult extends MeanSquaredLossResult {
  /** Nodes used. */
  readonly nodes: number;
  /** Smallest pair count a distance bin needed (min(100, max(5, pairs / 40))). */
  readonly minPairsPerBin: number;
}

/**
 * MSL ∝ Δr^(2H) over a seeded sample of grid nodes (row, col) with their losses; Δr in grid cells. Bins need
 * min(100, max(5, pairs/40)) pairs, so small samples still give a curve.
 */
export function gridNodeMsl(grid: Grid2D, options: GridMslOptions = {}): GridMslResult {
  const points = options.points ?? 1000;
  const seed = options.seed ?? 1;
  if (!(Number.isInteger(points) && points >= 2)) {
    throw new AnalysisInputError(`grid MSL: points must be an integer >= 2, got ${points}`);
  }
  const total = grid.rows * grid.cols;
  if (grid.data.length < total) {
    throw new AnalysisInputError(`grid MSL: ${grid.data.length} values for a ${grid.rows}x${grid.cols} grid`);
  }
  const rng = createRng(seed);
  let nodes: number[];
  if (points >= total) nodes = Array.from({ length: total }, (_, k) => k);
  else {
    // Partial Fisher-Yates: a sample without repeats, so no pair sits at distance 0.
    const all = Array.from({ length: total }, (_, k) => k);
    for (let k = 0; k < points; k++) {
      const j = k + rng.int(total - k);
      [all[k], all[j]] = [all[j], all[k]];
    }
    nodes = all.slice(0, points);
  }
  const coords = new Float64Array(nodes.length * 2);
  const loss = new Float64Array(nodes.length);
  nodes.forEach((node, k) => {
    coords[2 * k] = Math.floor(node / grid.cols);
    coords[2 * k + 1] = node % grid.cols;
    loss[k] = grid.data[node];
  });
  const minPairs = Math.min(100, Math.max(5, Math.floor((nodes.length * (nodes.length - 1)) / 2 / 40)));
  const msl = meanSquaredLoss({ rows: nodes.length, d: 2, data: coords }, loss, { minPairsPerBin: minPairs });
  return { ...msl, nodes: nodes.length, minPairsPerBin: minPairs };
}

export interface LandscapeGridOptions {
  /** Box sides in grid cells, every integer boxMin..boxMax (default 2..25). */
  readonly boxMin?: number;
  readonly boxMax?: number;
  /** Grid nodes of the MSL sample (default 1000) and its seed (default 1). */
  readonly mslPoints?: number;
  readonly seed?: number;
}

export interface LandscapeGridResult {
  readonly box: BoxCountingResult;
  readonly msl: GridMslResult;
}

/**
 * Everything `sgdscope analyze landscape` reports for one grid: DBC surface dimension (in [2, 3]), median
 * level-set dimension (in [1, 2]), variation-method surface dimension, and the grid-node MSL exponent 2H.
 */
export function landscapeGridMeasures(grid: Grid2D, options: LandscapeGridOptions = {}): LandscapeGridResult {
  const boxMin = options.boxMin ?? 2;
  const boxMax = options.boxMax ?? 25;
  if (!(Number.isInteger(boxMin) && Number.isInteger(boxMax) && boxMin >= 1 && boxMax >= boxMin)) {
    throw new AnalysisInputError(
      `landscape: box sizes ${boxMin}..${boxMax} are not 1 <= min <= max integers`,
    );
  }
  const boxSizes: number[] = [];
  for (let s = boxMin; s <= boxMax; s++) boxSizes.push(s);
  return {
    box: boxCountingDimensions(grid, { boxSizes }),
    msl: gridNodeMsl(grid, { points: options.mslPoints ?? 1000, seed: options.seed ?? 1 }),
  };
}

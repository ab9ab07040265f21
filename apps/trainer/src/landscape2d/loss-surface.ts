import { createRng } from '@sgdscope/analysis';
import type * as tf from '@tensorflow/tfjs';
import type { LossName, NetworkModel } from '../models/index.js';
import { readFlatWeights, writeFlatWeights } from '../models/index.js';
import type { Artifact } from '../recording/recorder.js';
import { evaluateLoss } from '../train/index.js';
import { filterNormalizedDirection } from './filter-normalized-direction.js';

export interface LossSurfaceOptions {
  /** Grid points per axis over [−range, range] (seed 000: 51 on [−1, 1]). */
  readonly resolution: number;
  readonly range: number;
  readonly seed: number;
}

/**
 * The 2-D projected loss landscape of seed 000 §1.10 (Li et al. 2018): L(w + a·δ + b·η) on a resolution²
 * grid, δ and η independent filter-normalised Gaussian directions, evaluated on one fixed batch. The
 * `landscape2d` Artifact holds losses row-major [b index][a index]; weights are restored afterwards.
 */
export function lossSurfaceArtifact(
  model: NetworkModel,
  x: tf.Tensor,
  targets: tf.Tensor2D,
  loss: LossName,
  step: number,
  options: LossSurfaceOptions,
): Artifact {
  const base = readFlatWeights(model);
  const rng = createRng(options.seed);
  const dirA = filterNormalizedDirection(model, base, rng);
  const dirB = filterNormalizedDirection(model, base, rng);
  const n = options.resolution;
  const coords = Array.from({ length: n }, (_, i) =>
    n === 1 ? 0 : -options.range + (2 * options.range * i) / (n - 1),
  );
  const grid = new Float64Array(n * n);
  const shifted = new Float32Array(base.length);
  try {
    coords.forEach((b, row) => {
      coords.forEach((a, col) => {
        for (let i = 0; i < base.length; i++) shifted[i] = base[i] + a * dirA[i] + b * dirB[i];
        writeFlatWeights(model, shifted);
        grid[row * n + col] = evaluateLoss(model, x, targets, loss);
      });
    });
  } finally {
    writeFlatWeights(model, base);
  }
  return {
    name: 'landscape2d',
    step,
    shape: [n, n],
    data: grid,
    meta: {
      xs: coords,
      ys: coords,
      normalisation: 'filter',
      ignore: 'biasbn',
      directionSeed: options.seed,
      batchSize: x.shape[0],
    },
  };
}

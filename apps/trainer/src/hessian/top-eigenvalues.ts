import type * as tf from '@tensorflow/tfjs';
import type { LossName, NetworkModel } from '../models/index.js';
import type { Artifact } from '../recording/recorder.js';
import { DEFAULT_HVP_STEP, finiteDifferenceHvp } from './finite-difference-hvp.js';
import { lanczosTopEigenvalues } from './lanczos.js';

export interface HessianOptions {
  readonly k: number;
  readonly lanczosSteps?: number;
  readonly hvpStep?: number;
  readonly seed?: number;
}

/**
 * Top-k Hessian eigenvalues of the loss on one fixed batch (seed 000 §1.9; spec §5.13 uses a fixed subset so
 * the operator is deterministic), as the `hessian_top_eigenvalues` Artifact at `step`.
 */
export function hessianEigenArtifact(
  model: NetworkModel,
  x: tf.Tensor,
  targets: tf.Tensor2D,
  loss: LossName,
  step: number,
  options: HessianOptions,
): Artifact {
  const hvpStep = options.hvpStep ?? DEFAULT_HVP_STEP;
  const apply = finiteDifferenceHvp(model, x, targets, loss, hvpStep);
  const result = lanczosTopEigenvalues(apply, model.parameterCount, {
    k: options.k,
    steps: options.lanczosSteps,
    seed: options.seed,
  });
  return {
    name: 'hessian_top_eigenvalues',
    step,
    shape: [result.values.length],
    data: result.values,
    meta: {
      method: 'lanczos_full_reorthogonalisation',
      hvp: 'central_finite_difference_of_gradients',
      hvpStep,
      lanczosSteps: result.steps,
      residuals: Array.from(result.residuals),
      batchSize: x.shape[0],
    },
  };
}

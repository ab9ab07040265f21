import type * as tf from '@tensorflow/tfjs';
import type { LossName, NetworkModel } from '../models/index.js';
import { readFlatWeights, writeFlatWeights } from '../models/index.js';
import { lossAndGradient } from '../train/index.js';

/** Default displacement ‖εv‖ in parameter space: central differences in float32 balance rounding (∝ 1/ε) and truncation (∝ ε²). */
export const DEFAULT_HVP_STEP = 1e-3;

/**
 * Hessian-vector product of the loss on a fixed batch by central finite differences of two gradient calls,
 * Hv ≈ [∇L(w + εv̂) − ∇L(w − εv̂)] ‖v‖ / (2ε), v̂ = v/‖v‖. Nested tf.grad is silently wrong through
 * tanh/softmax/logSoftmax (stack-notes), so we never differentiate twice. Weights are restored after each call.
 */
export function finiteDifferenceHvp(
  model: NetworkModel,
  x: tf.Tensor,
  targets: tf.Tensor2D,
  loss: LossName,
  step = DEFAULT_HVP_STEP,
): (v: Float64Array) => Float64Array {
  const base = readFlatWeights(model);
  return (v: Float64Array) => {
    let vNorm = 0;
    for (const value of v) vNorm += value * value;
    vNorm = Math.sqrt(vNorm);
    const out = new Float64Array(v.length);
    if (vNorm === 0) return out;
    const shifted = new Float32Array(base.length);
    const gradientAt = (sign: number) => {
      for (let i = 0; i < base.length; i++) shifted[i] = base[i] + (sign * step * v[i]) / vNorm;
      writeFlatWeights(model, shifted);
      return lossAndGradient(model, x, targets, loss).gradient;
    };
    try {
      const plus = gradientAt(1);
      const minus = gradientAt(-1);
      for (let i = 0; i < out.length; i++) out[i] = ((plus[i] - minus[i]) * vNorm) / (2 * step);
    } finally {
      writeFlatWeights(model, base);
    }
    return out;
  };
}

import type { Rng } from '@sgdscope/analysis';
import type { NetworkModel } from '../models/index.js';

/**
 * A random direction in weight space, filter-normalised as in Li et al. (2018) with xignore=biasbn,
 * xnorm=filter (seed 000 §1.10): Gaussian entries; for conv and dense weights each filter's direction is
 * rescaled to the norm of the same filter of the weights (a filter = one output channel of a conv [kh,kw,cin,
 * cout], one output unit of a dense [in,out]: both are "index mod last dimension" in the flat layout);
 * biases and BN parameters get 0.
 */
export function filterNormalizedDirection(
  model: NetworkModel,
  weights: Float32Array,
  rng: Rng,
): Float32Array {
  const direction = new Float32Array(weights.length);
  let offset = 0;
  for (const p of model.params) {
    const size = p.variable.size;
    if (p.kind === 'conv' || p.kind === 'dense') {
      const filters = p.variable.shape[p.variable.shape.length - 1];
      const dirNormSq = new Float64Array(filters);
      const weightNormSq = new Float64Array(filters);
      for (let i = 0; i < size; i++) {
        const g = rng.normal();
        direction[offset + i] = g;
        dirNormSq[i % filters] += g * g;
        weightNormSq[i % filters] += weights[offset + i] ** 2;
      }
      for (let i = 0; i < size; i++) {
        const f = i % filters;
        direction[offset + i] *= dirNormSq[f] > 0 ? Math.sqrt(weightNormSq[f] / dirNormSq[f]) : 0;
      }
    }
    offset += size;
  }
  return direction;
}

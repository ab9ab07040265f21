import * as tf from '@tensorflow/tfjs';

/**
 * Role of a parameter tensor. It decides the seed-000 initialisation, which tensors the filter-normalised
 * landscape directions zero (biases, BN), and how a "filter" is sliced (conv: output channel; dense: output unit).
 */
export type ParamKind = 'conv' | 'conv_bias' | 'dense' | 'dense_bias' | 'bn_gamma' | 'bn_beta';

export interface Param {
  readonly name: string;
  readonly kind: ParamKind;
  readonly variable: tf.Variable;
}

/**
 * A network whose every trainable number lives in an explicit tf.Variable, in a fixed order, so the whole
 * parameter vector w(t) (BN affine included, as in seed 000 §1.1) can be read and written flat at each step.
 * BatchNorm always normalises with the minibatch statistics (no running averages), so the loss is a function
 * of (weights, batch) only: that is what the Hessian, the landscape and a weights-only checkpoint need.
 */
export interface NetworkModel {
  readonly name: string;
  /** Shape of one example, e.g. [784] or [28, 28, 1] (NHWC without N). */
  readonly inputShape: readonly number[];
  readonly numClasses: number;
  readonly params: readonly Param[];
  readonly parameterCount: number;
  /** Logits [batch, numClasses]. */
  apply(x: tf.Tensor): tf.Tensor2D;
  dispose(): void;
}

/** The model's variables in parameter order (what tf.variableGrads needs). */
export function modelVariables(model: NetworkModel): tf.Variable[] {
  return model.params.map((p) => p.variable);
}

/** Reads all parameters into one flat float32 vector, concatenated in parameter order. */
export function readFlatWeights(model: NetworkModel): Float32Array {
  const flat = new Float32Array(model.parameterCount);
  let offset = 0;
  for (const p of model.params) {
    const values = p.variable.dataSync() as Float32Array;
    flat.set(values, offset);
    offset += values.length;
  }
  return flat;
}

/** Overwrites all parameters from a flat vector laid out as readFlatWeights produces it. */
export function writeFlatWeights(model: NetworkModel, flat: Float32Array): void {
  if (flat.length !== model.parameterCount) {
    throw new Error(
      `weight vector has ${flat.length} entries, model ${model.name} has ${model.parameterCount}`,
    );
  }
  let offset = 0;
  for (const p of model.params) {
    const size = p.variable.size;
    const slice = flat.subarray(offset, offset + size);
    tf.tidy(() => p.variable.assign(tf.tensor(slice, p.variable.shape, 'float32')));
    offset += size;
  }
}

/** Concatenates per-variable tensors (gradients, directions) into one flat float32 vector. */
export function flattenTensors(tensors: readonly tf.Tensor[]): Float32Array {
  let total = 0;
  for (const t of tensors) total += t.size;
  const flat = new Float32Array(total);
  let offset = 0;
  for (const t of tensors) {
    flat.set(t.dataSync() as Float32Array, offset);
    offset += t.size;
  }
  return flat;
}

/** Splits a flat vector into tensors shaped like the model's parameters (caller disposes them). */
export function unflattenLike(model: NetworkModel, flat: Float32Array): tf.Tensor[] {
  const out: tf.Tensor[] = [];
  let offset = 0;
  for (const p of model.params) {
    const size = p.variable.size;
    out.push(tf.tensor(flat.subarray(offset, offset + size), p.variable.shape, 'float32'));
    offset += size;
  }
  return out;
}

import * as tf from '@tensorflow/tfjs';

/** BatchNorm epsilon of PyTorch's nn.BatchNorm2d (the seed code's framework). */
export const BN_EPSILON = 1e-5;

/** y = x·W + b. */
export function dense(x: tf.Tensor2D, weight: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor2D {
  return tf.add(tf.matMul(x, weight), bias);
}

/**
 * Batch normalisation with the minibatch's own mean and biased variance over every axis but the last
 * (PyTorch training mode), then the affine map γ·x̂ + β. No running statistics: see NetworkModel.
 */
export function batchNorm<T extends tf.Tensor>(x: T, gamma: tf.Tensor1D, beta: tf.Tensor1D): T {
  const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
  const { mean, variance } = tf.moments(x, axes);
  return tf.batchNorm(x, mean, variance, beta, gamma, BN_EPSILON) as T;
}

export type Activation = 'relu' | 'tanh';

export function activate<T extends tf.Tensor>(x: T, activation: Activation): T {
  return activation === 'relu' ? tf.relu(x) : tf.tanh(x);
}

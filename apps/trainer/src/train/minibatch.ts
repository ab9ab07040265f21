import * as tf from '@tensorflow/tfjs';
import { type Dataset, featureSize } from '../data/index.js';
import { augmentImages } from './augment.js';
import { streamRng } from './random-streams.js';

export interface MinibatchOptions {
  /** Random crop + flip (images only). */
  readonly augment: boolean;
  /** Targets (1 − ε)·onehot + ε/K; 0 gives one-hot targets (then KL = cross-entropy). */
  readonly labelSmoothing: number;
  readonly seed: number;
}

export interface Minibatch {
  readonly x: tf.Tensor;
  readonly targets: tf.Tensor2D;
  dispose(): void;
}

/** Gathers the examples of one step into tensors, augmenting with the step's own random stream. */
export function makeMinibatch(
  dataset: Dataset,
  indices: Int32Array,
  step: number,
  options: MinibatchOptions,
): Minibatch {
  const size = featureSize(dataset);
  const features = new Float32Array(indices.length * size);
  indices.forEach((example, row) => {
    features.set(dataset.features.subarray(example * size, (example + 1) * size), row * size);
  });
  if (options.augment && dataset.featureShape.length === 3) {
    augmentImages(features, dataset.featureShape, streamRng(options.seed, 'augment', step));
  }
  const k = dataset.numClasses;
  const off = options.labelSmoothing / k;
  const targets = new Float32Array(indices.length * k).fill(off);
  indices.forEach((example, row) => {
    targets[row * k + dataset.labels[example]] = 1 - options.labelSmoothing + off;
  });
  const x = tf.tensor(features, [indices.length, ...dataset.featureShape], 'float32');
  const t = tf.tensor2d(targets, [indices.length, k]);
  return {
    x,
    targets: t,
    dispose() {
      x.dispose();
      t.dispose();
    },
  };
}

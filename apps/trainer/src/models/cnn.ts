import type { Rng } from '@sgdscope/analysis';
import * as tf from '@tensorflow/tfjs';
import { conv2dSame } from './conv2d.js';
import { type DenseInit, ParamFactory } from './init.js';
import { dense } from './layers.js';
import type { NetworkModel } from './network-model.js';

export interface CnnSpec {
  readonly type: 'cnn';
  /** Output channels of the two 3×3 conv layers (stack-notes benchmark: 16 → 32). */
  readonly channels: readonly [number, number];
}

/** Small CNN: [conv3×3 + bias → ReLU → maxpool 2] × 2 → dense logits. Needs an HWC input shape. */
export function createCnn(
  spec: CnnSpec,
  inputShape: readonly number[],
  numClasses: number,
  rng: Rng,
  denseInit: DenseInit,
): NetworkModel {
  if (inputShape.length !== 3) throw new Error(`cnn needs an image input [h, w, c], got [${inputShape}]`);
  const [height, width, inChannels] = inputShape;
  const [c1, c2] = spec.channels;
  const factory = new ParamFactory(rng, denseInit);
  const conv1 = factory.conv('conv1.weight', 3, 3, inChannels, c1);
  const bias1 = factory.bias('conv1.bias', c1, 'conv_bias');
  const conv2 = factory.conv('conv2.weight', 3, 3, c1, c2);
  const bias2 = factory.bias('conv2.bias', c2, 'conv_bias');
  const flatSize = Math.floor(Math.floor(height / 2) / 2) * Math.floor(Math.floor(width / 2) / 2) * c2;
  const fc = factory.dense('fc.weight', flatSize, numClasses);
  const fcBias = factory.bias('fc.bias', numClasses, 'dense_bias');
  const params = factory.params;
  return {
    name: `cnn-${c1}-${c2}`,
    inputShape,
    numClasses,
    params,
    parameterCount: params.reduce((n, p) => n + p.variable.size, 0),
    apply(x: tf.Tensor): tf.Tensor2D {
      return tf.tidy(() => {
        const batch = x.shape[0];
        let h = x.reshape([batch, height, width, inChannels]) as tf.Tensor4D;
        h = tf.maxPool(
          tf.relu(tf.add(conv2dSame(h, conv1 as tf.Tensor4D, 1), bias1)) as tf.Tensor4D,
          2,
          2,
          'valid',
        );
        h = tf.maxPool(
          tf.relu(tf.add(conv2dSame(h, conv2 as tf.Tensor4D, 1), bias2)) as tf.Tensor4D,
          2,
          2,
          'valid',
        );
        return dense(h.reshape([batch, flatSize]) as tf.Tensor2D, fc as tf.Tensor2D, fcBias as tf.Tensor1D);
      });
    },
    dispose: () => {
      for (const p of params) p.variable.dispose();
    },
  };
}

import type { Rng } from '@sgdscope/analysis';
import * as tf from '@tensorflow/tfjs';
import { conv2dSame } from './conv2d.js';
import { type DenseInit, ParamFactory } from './init.js';
import { batchNorm, dense } from './layers.js';
import type { NetworkModel } from './network-model.js';

export interface ResNetSpec {
  readonly type: 'resnet';
  /** 6k + 2: 14, 20, 56, 110 in seed 000. */
  readonly depth: number;
  /** false gives the seed's "noshort" variants (plain deep nets, no residual additions). */
  readonly shortcut: boolean;
  /** Scales the 16/32/64 stage widths, so CPU-sized variants exist (1 = the paper's nets). */
  readonly widthMultiplier: number;
}

interface BatchNormParams {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;
}

interface Block {
  readonly stride: number;
  readonly conv1: tf.Variable;
  readonly bn1: BatchNormParams;
  readonly conv2: tf.Variable;
  readonly bn2: BatchNormParams;
  /** 1×1 conv + BN projection when the block changes shape (the loss-landscape code's BasicBlock). */
  readonly projection?: { readonly conv: tf.Variable; readonly bn: BatchNormParams };
}

/**
 * CIFAR-style ResNet-(6k+2) (He et al. 2016, as in the loss-landscape code seed 000 trains): a 3×3 stem conv,
 * three stages of k BasicBlocks (conv-BN-ReLU-conv-BN, + shortcut, ReLU) with 16w/32w/64w channels and
 * stride 2 at the start of stages 2 and 3, global average pool, linear classifier. Convs carry no bias.
 */
export function createResNet(
  spec: ResNetSpec,
  inputShape: readonly number[],
  numClasses: number,
  rng: Rng,
  denseInit: DenseInit,
): NetworkModel {
  if (inputShape.length !== 3) throw new Error(`resnet needs an image input [h, w, c], got [${inputShape}]`);
  if (spec.depth < 8 || (spec.depth - 2) % 6 !== 0)
    throw new Error(`resnet depth must be 6k+2, got ${spec.depth}`);
  const blocksPerStage = (spec.depth - 2) / 6;
  const widths = [16, 32, 64].map((c) => Math.max(1, Math.round(c * spec.widthMultiplier)));
  const [height, width, inChannels] = inputShape;
  const factory = new ParamFactory(rng, denseInit);
  const stem = factory.conv('conv1.weight', 3, 3, inChannels, widths[0]);
  const stemBn = factory.batchNorm('bn1', widths[0]);
  const blocks: Block[] = [];
  let channels = widths[0];
  widths.forEach((stageWidth, stage) => {
    for (let b = 0; b < blocksPerStage; b++) {
      const stride = stage > 0 && b === 0 ? 2 : 1;
      const prefix = `layer${stage + 1}.${b}`;
      const conv1 = factory.conv(`${prefix}.conv1.weight`, 3, 3, channels, stageWidth);
      const bn1 = factory.batchNorm(`${prefix}.bn1`, stageWidth);
      const conv2 = factory.conv(`${prefix}.conv2.weight`, 3, 3, stageWidth, stageWidth);
      const bn2 = factory.batchNorm(`${prefix}.bn2`, stageWidth);
      const needsProjection = spec.shortcut && (stride !== 1 || channels !== stageWidth);
      const projection = needsProjection
        ? {
            conv: factory.conv(`${prefix}.shortcut.0.weight`, 1, 1, channels, stageWidth),
            bn: factory.batchNorm(`${prefix}.shortcut.1`, stageWidth),
          }
        : undefined;
      blocks.push({ stride, conv1, bn1, conv2, bn2, projection });
      channels = stageWidth;
    }
  });
  const fc = factory.dense('linear.weight', channels, numClasses);
  const fcBias = factory.bias('linear.bias', numClasses, 'dense_bias');
  const params = factory.params;
  const bn = (x: tf.Tensor4D, p: BatchNormParams) =>
    batchNorm(x, p.gamma as tf.Tensor1D, p.beta as tf.Tensor1D);

  return {
    name: `resnet${spec.depth}${spec.shortcut ? '' : '-noshort'}-w${spec.widthMultiplier}`,
    inputShape,
    numClasses,
    params,
    parameterCount: params.reduce((n, p) => n + p.variable.size, 0),
    apply(x: tf.Tensor): tf.Tensor2D {
      return tf.tidy(() => {
        const batch = x.shape[0];
        let h = x.reshape([batch, height, width, inChannels]) as tf.Tensor4D;
        h = tf.relu(bn(conv2dSame(h, stem as tf.Tensor4D, 1), stemBn));
        for (const block of blocks) {
          let out = tf.relu(bn(conv2dSame(h, block.conv1 as tf.Tensor4D, block.stride), block.bn1));
          out = bn(conv2dSame(out, block.conv2 as tf.Tensor4D, 1), block.bn2);
          if (spec.shortcut) {
            const identity = block.projection
              ? bn(conv2dSame(h, block.projection.conv as tf.Tensor4D, block.stride), block.projection.bn)
              : h;
            out = tf.add(out, identity);
          }
          h = tf.relu(out);
        }
        const pooled = tf.mean(h, [1, 2]) as tf.Tensor2D;
        return dense(pooled, fc as tf.Tensor2D, fcBias as tf.Tensor1D);
      });
    },
    dispose: () => {
      for (const p of params) p.variable.dispose();
    },
  };
}

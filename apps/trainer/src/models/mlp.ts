import type { Rng } from '@sgdscope/analysis';
import * as tf from '@tensorflow/tfjs';
import { type DenseInit, ParamFactory } from './init.js';
import { type Activation, activate, dense } from './layers.js';
import type { NetworkModel } from './network-model.js';

export interface MlpSpec {
  readonly type: 'mlp';
  /** Hidden layer widths; [] is logistic regression, [10, 10] is seed 001's depth-3 width-10 MLP. */
  readonly hidden: readonly number[];
  readonly activation: Activation;
}

/** Fully connected network: input (flattened) → hidden layers with the activation → logits. */
export function createMlp(
  spec: MlpSpec,
  inputShape: readonly number[],
  numClasses: number,
  rng: Rng,
  denseInit: DenseInit,
): NetworkModel {
  const factory = new ParamFactory(rng, denseInit);
  const inputSize = inputShape.reduce((a, b) => a * b, 1);
  const widths = [inputSize, ...spec.hidden, numClasses];
  const layers: { w: tf.Variable; b: tf.Variable }[] = [];
  for (let i = 0; i + 1 < widths.length; i++) {
    layers.push({
      w: factory.dense(`fc${i + 1}.weight`, widths[i], widths[i + 1]),
      b: factory.bias(`fc${i + 1}.bias`, widths[i + 1], 'dense_bias'),
    });
  }
  const params = factory.params;
  return {
    name: `mlp-${widths.join('-')}-${spec.activation}`,
    inputShape,
    numClasses,
    params,
    parameterCount: params.reduce((n, p) => n + p.variable.size, 0),
    apply(x: tf.Tensor): tf.Tensor2D {
      return tf.tidy(() => {
        let h = x.reshape([x.shape[0], inputSize]) as tf.Tensor2D;
        layers.forEach((layer, i) => {
          h = dense(h, layer.w as tf.Tensor2D, layer.b as tf.Tensor1D);
          if (i + 1 < layers.length) h = activate(h, spec.activation);
        });
        return h;
      });
    },
    dispose: () => {
      for (const p of params) p.variable.dispose();
    },
  };
}

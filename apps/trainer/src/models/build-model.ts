import { createRng } from '@sgdscope/analysis';
import { type CnnSpec, createCnn } from './cnn.js';
import type { DenseInit } from './init.js';
import { createMlp, type MlpSpec } from './mlp.js';
import type { NetworkModel } from './network-model.js';
import { createResNet, type ResNetSpec } from './resnet.js';

export type ModelSpec = MlpSpec | CnnSpec | ResNetSpec;

/** Builds the configured architecture with seeded, backend-independent initial weights. */
export function buildModel(
  spec: ModelSpec,
  inputShape: readonly number[],
  numClasses: number,
  seed: number,
  denseInit: DenseInit = 'seed000',
): NetworkModel {
  const rng = createRng(seed);
  switch (spec.type) {
    case 'mlp':
      return createMlp(spec, inputShape, numClasses, rng, denseInit);
    case 'cnn':
      return createCnn(spec, inputShape, numClasses, rng, denseInit);
    case 'resnet':
      return createResNet(spec, inputShape, numClasses, rng, denseInit);
  }
}

import * as tf from '@tensorflow/tfjs';
import type { LossName } from '../models/index.js';
import { flattenTensors, lossFunction, modelVariables, type NetworkModel } from '../models/index.js';
import { streamSeed } from './random-streams.js';

/**
 * Plain SGD exactly as seed 000 runs it (optim.SGD, momentum 0, weight decay 0), or SGLD.
 * SGLD convention (seed 001 §2, Theorem 3.1): w ← w − η ∇L̂(w) + √(2ηD) ξ, ξ ~ N(0, I), i.e. the Euler–Maruyama
 * step of dθ = −∇L dt + √(2D) dW with dt = η, whose Gibbs density is ∝ exp(−L/D). D is the injected
 * diffusion coefficient ("temperature"); the minibatch noise of ∇L̂ comes on top of it.
 */
export type OptimizerConfig =
  | { readonly type: 'sgd' }
  | { readonly type: 'sgld'; readonly diffusion: number };

export interface StepResult {
  /** Minibatch loss at the weights before the update. */
  readonly loss: number;
  /** ||∇L̂(w)|| over all parameters. */
  readonly gradNorm: number;
  /** ||Δw|| = ||w(t+1) − w(t)||, noise included. */
  readonly stepLength: number;
  /** The flat minibatch gradient, when requested. */
  readonly gradient?: Float32Array;
}

export interface StepInput {
  readonly x: tf.Tensor;
  readonly targets: tf.Tensor2D;
  readonly learningRate: number;
  readonly optimizer: OptimizerConfig;
  readonly loss: LossName;
  /** Seed and step index of the SGLD noise stream. */
  readonly seed: number;
  readonly step: number;
  readonly returnGradient?: boolean;
}

/** One optimiser step on the model's variables (in place). */
export function trainStep(model: NetworkModel, input: StepInput): StepResult {
  const variables = modelVariables(model);
  const lossFn = lossFunction(input.loss);
  const { value, grads } = tf.variableGrads(() => lossFn(model.apply(input.x), input.targets), variables);
  const gradients = variables.map((v) => grads[v.name]);
  const gradient = input.returnGradient ? flattenTensors(gradients) : undefined;
  const [loss, gradNormSq, stepSq] = tf.tidy(() => {
    const eta = input.learningRate;
    const noiseScale = input.optimizer.type === 'sgld' ? Math.sqrt(2 * eta * input.optimizer.diffusion) : 0;
    let gradSq: tf.Tensor = tf.scalar(0);
    let deltaSq: tf.Tensor = tf.scalar(0);
    variables.forEach((variable, i) => {
      const g = gradients[i];
      let delta = tf.mul(g, -eta);
      if (noiseScale > 0) {
        const noise = tf.randomNormal(
          variable.shape,
          0,
          noiseScale,
          'float32',
          streamSeed(input.seed, `sgld:${i}`, input.step),
        );
        delta = tf.add(delta, noise);
      }
      gradSq = tf.add(gradSq, tf.sum(tf.square(g)));
      deltaSq = tf.add(deltaSq, tf.sum(tf.square(delta)));
      variable.assign(tf.add(variable, delta));
    });
    return [value.dataSync()[0], gradSq.dataSync()[0], deltaSq.dataSync()[0]];
  });
  value.dispose();
  tf.dispose(gradients);
  return { loss, gradNorm: Math.sqrt(gradNormSq), stepLength: Math.sqrt(stepSq), gradient };
}

/** Minibatch loss and flat gradient at the current weights, without updating them (Hessian-vector products). */
export function lossAndGradient(
  model: NetworkModel,
  x: tf.Tensor,
  targets: tf.Tensor2D,
  loss: LossName,
): { loss: number; gradient: Float32Array } {
  const variables = modelVariables(model);
  const lossFn = lossFunction(loss);
  const { value, grads } = tf.variableGrads(() => lossFn(model.apply(x), targets), variables);
  const gradients = variables.map((v) => grads[v.name]);
  const gradient = flattenTensors(gradients);
  const lossValue = value.dataSync()[0];
  value.dispose();
  tf.dispose(gradients);
  return { loss: lossValue, gradient };
}

/** Minibatch loss only (landscape grids). */
export function evaluateLoss(
  model: NetworkModel,
  x: tf.Tensor,
  targets: tf.Tensor2D,
  loss: LossName,
): number {
  return tf.tidy(() => lossFunction(loss)(model.apply(x), targets).dataSync()[0]);
}

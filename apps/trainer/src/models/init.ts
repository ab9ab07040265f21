import type { Rng } from '@sgdscope/analysis';
import * as tf from '@tensorflow/tfjs';
import type { Param, ParamKind } from './network-model.js';

let variableCounter = 0;

/** Which initialisation scheme the dense layers get; conv and BN always follow seed 000. */
export type DenseInit = 'seed000' | 'kaiming';

/** Standard deviation of seed 000's Linear init, N(0, 1e-3²) (`init_params` in the ifgovh code, spec §1.1). */
export const SEED000_DENSE_STD = 1e-3;

/**
 * Creates parameters with the initialisation of seed 000's `init_params` (science-spec §1.1), drawn from a
 * seeded generator in JS so the same seed gives the same network on every backend:
 * convs Kaiming-normal with fan_in (std = sqrt(2 / fan_in), PyTorch's default gain for ReLU), BN weight 1 and
 * bias 0, Linear weights N(0, 1e-3²) and zero bias. `denseInit: 'kaiming'` switches dense weights to
 * Kaiming-normal fan_in, which deep tanh/ReLU MLPs need to train in few steps (not the seed's choice).
 */
export class ParamFactory {
  readonly params: Param[] = [];

  constructor(
    private readonly rng: Rng,
    private readonly denseInit: DenseInit = 'seed000',
  ) {}

  /** Conv filter [kh, kw, cin, cout], Kaiming-normal with fan_in = kh·kw·cin. */
  conv(name: string, kh: number, kw: number, cin: number, cout: number): tf.Variable {
    return this.normal(name, 'conv', [kh, kw, cin, cout], Math.sqrt(2 / (kh * kw * cin)));
  }

  /** Dense weight [in, out]. */
  dense(name: string, inputs: number, outputs: number): tf.Variable {
    const std = this.denseInit === 'seed000' ? SEED000_DENSE_STD : Math.sqrt(2 / inputs);
    return this.normal(name, 'dense', [inputs, outputs], std);
  }

  bias(name: string, size: number, kind: 'conv_bias' | 'dense_bias'): tf.Variable {
    return this.constant(name, kind, size, 0);
  }

  batchNorm(name: string, channels: number): { gamma: tf.Variable; beta: tf.Variable } {
    return {
      gamma: this.constant(`${name}.weight`, 'bn_gamma', channels, 1),
      beta: this.constant(`${name}.bias`, 'bn_beta', channels, 0),
    };
  }

  private normal(name: string, kind: ParamKind, shape: number[], std: number): tf.Variable {
    const size = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    for (let i = 0; i < size; i++) values[i] = std * this.rng.normal();
    return this.register(name, kind, tf.tensor(values, shape, 'float32'));
  }

  private constant(name: string, kind: ParamKind, size: number, value: number): tf.Variable {
    return this.register(name, kind, tf.fill([size], value, 'float32'));
  }

  private register(name: string, kind: ParamKind, initial: tf.Tensor): tf.Variable {
    // tfjs variable names are global: a process-wide counter keeps two models from colliding.
    variableCounter += 1;
    const variable = tf.variable(initial, true, `${name}#${variableCounter}`);
    initial.dispose();
    this.params.push({ name, kind, variable });
    return variable;
  }
}

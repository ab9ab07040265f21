import type { Artifact } from '../recording/recorder.js';
import { streamRng } from './random-streams.js';

export interface GradientSampleOptions {
  /** Steps per window (spec: T = 1000, windows at t_w = 0, T, 2T, ...). */
  readonly windowSteps: number;
  /** Components drawn per window (seed 000 §1.7: 5000). */
  readonly samplesPerWindow: number;
}

/** Serializable partial state of the current window, kept in checkpoints. */
export interface GradientSampleState {
  readonly window: number;
  /** One slot per sample; NaN until its step has run. */
  readonly values: number[];
}

/**
 * Seed 000 §1.7: per window, a uniform random sample (with replacement) of `samplesPerWindow` entries from all
 * (step, parameter) pairs of the minibatch gradients ∂L̂_t/∂w_i, for the stable-law fit of alpha_dist.
 * The (step, parameter) draws of window w come from their own seeded stream, so they are known in advance and
 * a step only reads out its own gradient components when it has any.
 */
export class GradientSampler {
  private window = -1;
  private slotsByOffset = new Map<number, { slot: number; parameter: number }[]>();
  private values: Float64Array = new Float64Array(0);

  constructor(
    private readonly parameterCount: number,
    private readonly options: GradientSampleOptions,
    private readonly seed: number,
  ) {}

  /** Whether step t's gradient contributes to the sample (so the caller reads it out). */
  needsGradient(step: number): boolean {
    this.enterWindow(Math.floor(step / this.options.windowSteps));
    return this.slotsByOffset.has(step % this.options.windowSteps);
  }

  /** Records step t's gradient; returns the window's artifact when t is the window's last step. */
  record(step: number, gradient: Float32Array | undefined): Artifact | null {
    this.enterWindow(Math.floor(step / this.options.windowSteps));
    const slots = this.slotsByOffset.get(step % this.options.windowSteps);
    if (slots) {
      if (!gradient) throw new Error(`step ${step} needs its gradient for the sample`);
      for (const { slot, parameter } of slots) this.values[slot] = gradient[parameter];
    }
    return (step + 1) % this.options.windowSteps === 0 ? this.artifact(false) : null;
  }

  /** The current window's sample so far (only the slots whose steps ran), for a run ending mid-window. */
  partialArtifact(): Artifact | null {
    return this.window < 0 ? null : this.artifact(true);
  }

  state(): GradientSampleState | null {
    return this.window < 0 ? null : { window: this.window, values: Array.from(this.values) };
  }

  restore(state: GradientSampleState | null): void {
    if (state === null) return;
    this.enterWindow(state.window);
    this.values = Float64Array.from(state.values, (v) => (v === null ? Number.NaN : v));
  }

  private artifact(partial: boolean): Artifact | null {
    const filled = Float64Array.from(this.values.filter((v) => !Number.isNaN(v)));
    if (filled.length === 0) return null;
    return {
      // A partial window has its own name: extending the run later writes the complete window under
      // 'gradient_sample' at the same step, and one (name, step) key must never hold two contents.
      name: partial ? 'gradient_sample_partial' : 'gradient_sample',
      step: this.window * this.options.windowSteps,
      shape: [filled.length],
      data: filled,
      meta: {
        source: 'minibatch_gradient_components',
        window: this.window,
        windowSteps: this.options.windowSteps,
        samplesRequested: this.options.samplesPerWindow,
        partial,
      },
    };
  }

  private enterWindow(window: number): void {
    if (window === this.window) return;
    this.window = window;
    const rng = streamRng(this.seed, 'gradient-sample', window);
    this.slotsByOffset = new Map();
    for (let slot = 0; slot < this.options.samplesPerWindow; slot++) {
      const offset = rng.int(this.options.windowSteps);
      const parameter = rng.int(this.parameterCount);
      const list = this.slotsByOffset.get(offset) ?? [];
      list.push({ slot, parameter });
      this.slotsByOffset.set(offset, list);
    }
    this.values = new Float64Array(this.options.samplesPerWindow).fill(Number.NaN);
  }
}

/** Provenance stamped on every toy run (recorded by RunRecorder.start). */

/** Code version of a run (override with SGDSCOPE_CODE_VERSION, e.g. a git SHA, in CI). */
export function codeVersion(): string {
  return process.env.SGDSCOPE_CODE_VERSION ?? '@sgdscope/trainer@0.1.0';
}

/** Backend label of the pure-TypeScript toy simulations (no TensorFlow involved). */
export const TOY_BACKEND = 'typescript-float64';

/**
 * Lets the event loop run (signal handlers, progress redraws, other runs of a sweep) between blocks of a
 * synchronous simulation loop; without it a Ctrl-C would wait for the whole simulation to end.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

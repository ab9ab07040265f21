/** Provenance stamped on every toy run (recorded by RunRecorder.start). */

/** Code version of a run (override with SGDSCOPE_CODE_VERSION, e.g. a git SHA, in CI). */
export function codeVersion(): string {
  return process.env.SGDSCOPE_CODE_VERSION ?? '@sgdscope/trainer@0.1.0';
}

/** Backend label of the pure-TypeScript toy simulations (no TensorFlow involved). */
export const TOY_BACKEND = 'typescript-float64';

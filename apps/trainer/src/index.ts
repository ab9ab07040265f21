/**
 * @sgdscope/trainer: the seeds' experiments (network training and toy models), the registry that runs
 * them from validated configs, sweeps, and the pg-boss queue worker. The `sgdscope` CLI lives in src/cli.
 */
export * from './experiments/index.js';
export * from './recording/file-recorder.js';
export * from './recording/memory-recorder.js';
export type * from './recording/recorder.js';
export * from './sweep/index.js';
export * from './toy/fractal-landscape.js';
export * from './toy/fractal-walker.js';
export * from './toy/provenance.js';
export * from './toy/styblinski-tang.js';
export * from './toy/valley.js';
export * from './worker/index.js';

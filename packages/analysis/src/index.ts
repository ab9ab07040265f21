/**
 * @sgdscope/analysis — every metric sgdscope serves, as pure functions (no I/O).
 * Each submodule cites the seed and equation it implements; see the package README.
 */

export * from './diffusion/index.js';
export * from './escape/index.js';
export * from './geometry/index.js';
export * from './io/index.js';
export * from './jackknife.js';
export * from './landscape/index.js';
export * from './phases/index.js';
export * from './random.js';
export * from './regression.js';
export * from './sketch/index.js';
export * from './stable/index.js';
export * from './types.js';

export * from './downsample.js';
export * from './encoding.js';
export * from './float16.js';
export * from './policy.js';
export * from './summary.js';

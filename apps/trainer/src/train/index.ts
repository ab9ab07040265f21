export * from './augment.js';
export * from './batch-sampler.js';
export * from './float16.js';
export * from './gradient-sampler.js';
export * from './minibatch.js';
export * from './optimizer.js';
export * from './random-streams.js';
export * from './trajectory-buffer.js';

export * from './escape.js';
export * from './fractal.js';
export * from './network.js';
export * from './registry.js';
export * from './valley.js';

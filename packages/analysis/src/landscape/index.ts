export * from './box-counting.js';
export * from './fbm-surface.js';
export * from './grid-msl.js';
export * from './loss-fluctuations.js';
export * from './mean-squared-loss.js';

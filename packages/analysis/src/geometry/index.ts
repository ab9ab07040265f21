export * from './fractal-dimension.js';
export * from './log-binning.js';
export * from './piecewise-fit.js';
export * from './synthetic-paths.js';
export * from './transverse-excursion.js';
export * from './window-geometry.js';

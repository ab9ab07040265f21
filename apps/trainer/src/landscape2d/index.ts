export * from './filter-normalized-direction.js';
export * from './loss-surface.js';

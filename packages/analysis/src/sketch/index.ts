export * from './random-projection.js';

export * from './client.js';
export * from './config.js';
export * from './embedded/index.js';
export * from './migrate/index.js';
export * from './testing.js';

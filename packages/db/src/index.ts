export * from './blob/index.js';
export * from './client.js';
export * from './config.js';
export * from './embedded/index.js';
export * from './migrate/index.js';
export * from './repo/index.js';
export * from './series/index.js';
export * from './testing.js';

export * from './local.js';
export * from './store.js';

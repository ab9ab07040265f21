export * from './lock.js';
export * from './server.js';

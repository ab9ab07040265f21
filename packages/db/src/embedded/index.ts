export * from './lock.js';
export * from './server.js';
export * from './template.js';

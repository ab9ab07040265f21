export * from './run-queue.js';
export * from './worker.js';

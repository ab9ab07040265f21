export * from './config-file.js';
export * from './execute-run.js';
export * from './run-sweep.js';
export * from './sweep-file.js';

export * from './config-file.js';
export * from './sweep-file.js';

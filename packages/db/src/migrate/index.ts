export * from './adapter.js';
export * from './commands.js';
export * from './connection.js';
export * from './engine.js';
export * from './files.js';

export * from './select-backend.js';

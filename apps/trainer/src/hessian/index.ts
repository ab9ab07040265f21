export * from './finite-difference-hvp.js';
export * from './lanczos.js';
export * from './symmetric-eigen.js';
export * from './top-eigenvalues.js';

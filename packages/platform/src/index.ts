/** @sgdscope/platform: the one-command platform (start), its demo seeding, and the team-mode worker runtime. */
export * from './bootstrap.js';
export * from './demo.js';
export * from './platform.js';
export * from './recovery.js';
export * from './schema-check.js';
export * from './web.js';
export * from './worker-runtime.js';

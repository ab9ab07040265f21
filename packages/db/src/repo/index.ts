// The write-side repository contract. Read-side modules (queries, access, views, comments) are
// owned by the API and imported from their own paths.
export * from './analysis.js';
export * from './api-keys.js';
export * from './artifacts.js';
export * from './context.js';
export * from './errors.js';
export * from './gc.js';
export * from './projects.js';
export * from './repository.js';
export * from './runs.js';
export * from './stable-json.js';
export * from './steps.js';
export * from './sweeps.js';
export * from './trajectory.js';
export * from './types.js';

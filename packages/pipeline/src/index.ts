/**
 * @sgdscope/pipeline: runs the @sgdscope/analysis estimators on stored runs and stores their results (cached by
 * parameter hash), runs everything applicable when a run finishes, and computes the sweep-level escape law and
 * phase diagram for the API.
 */
export * from './analyze-run-all.js';
export * from './errors.js';
export { AUTO_SKETCH_DIM, TrajectoryTooWideError } from './estimators/windows.js';
export * from './registry.js';
export * from './run-estimator.js';
export * from './sweep/escape-rate-fit.js';
export * from './sweep/phase-diagram.js';

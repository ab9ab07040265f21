/**
 * Diffusion metrics of training trajectories (seed 000 §3; science-spec §1.2-1.4): windowed MSD
 * (time-averaged and Eq. 3 conventions, by FFT), power-law fits, crossover tau0, regime boundary t0,
 * log-derivative beta, and ground-truth generators for tests.
 */
export * from './analyze.js';
export * from './fbm.js';
export * from './fits.js';
export * from './msd.js';
export * from './windows.js';

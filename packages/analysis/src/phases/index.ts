/**
 * Phase diagrams of the degenerate-valley model (seed 002, Yang, Tang & Tu): run classification, per-cell phase
 * fractions, boundary estimation with bootstrap CIs, the eta ΔS = Δc hyperbola and critical exponents
 * (science-spec §2.3, §3.4).
 */
export * from './boundary.js';
export * from './classify.js';
export * from './critical.js';
export * from './grid.js';

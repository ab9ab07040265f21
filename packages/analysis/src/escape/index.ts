/**
 * Escape-rate analysis of seed 001 (Xie, Sato & Sugiyama): rate estimators with exact and censored intervals,
 * weighted fits of −log γ against the control variables, and Kramers predictions (science-spec §3.1–3.2).
 */
export * from './kramers.js';
export * from './law-fit.js';
export * from './rate.js';

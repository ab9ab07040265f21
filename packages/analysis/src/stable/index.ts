/**
 * Heavy tails of gradients: Lévy alpha-stable fits (McCulloch quantiles, Koutrouvelis ECF), Nolan-integral
 * density, block bootstrap, Vuong test against a Gaussian, histogram overlays and the Mohammadi block-sum
 * tail index (science-spec §1.7, §3.3).
 */
export * from './bootstrap.js';
export * from './density.js';
export * from './density-table.js';
export * from './fit.js';
export * from './histogram.js';
export * from './koutrouvelis.js';
export * from './mcculloch.js';
export * from './mle.js';
export * from './mohammadi.js';
export * from './params.js';
export * from './vuong.js';

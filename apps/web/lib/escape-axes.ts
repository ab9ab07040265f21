import type { EscapeControl } from './generated';

/**
 * Every escape-law axis, in the order the sweep page offers them, with its axis label (seed 001 Figs. 3–6). A plain
 * module, not a client component's export: a server component that imports a value from a 'use client' module
 * gets a client reference, whose keys are empty, and the sweep page then drew no escape fit at all.
 */
export const ESCAPE_AXES: Record<EscapeControl, string> = {
  BATCH_SIZE: 'batch size B',
  INV_LR: '1/η (inverse learning rate)',
  INV_SHARPNESS: '1/k (inverse sharpness)',
  INV_DIFFUSION: '1/D (inverse SGLD diffusion)',
};

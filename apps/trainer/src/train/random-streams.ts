import { createRng, type Rng } from '@sgdscope/analysis';

/**
 * Counter-based randomness: every random choice of a run (the shuffle of epoch e, the augmentation and SGLD
 * noise of step t, the gradient sample of window w) comes from its own generator seeded by (run seed, purpose,
 * index). No generator state has to be checkpointed, and a resumed run replays exactly the draws the crashed
 * run made — the basis of gap-free, duplicate-free resume.
 */
export function streamSeed(seed: number, purpose: string, index: number): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < purpose.length; i++) h = Math.imul(h ^ purpose.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (index >>> 0), 0x85ebca6b);
  h ^= Math.floor(index / 2 ** 32);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The generator for one (purpose, index) stream of a run. */
export function streamRng(seed: number, purpose: string, index: number): Rng {
  return createRng(streamSeed(seed, purpose, index));
}

import { checkedSample } from './validate.js';

/** The block-sum tail-index estimate and the block layout it used. */
export interface BlockSumTailIndex {
  readonly alpha: number;
  /** Block length K1 (summands per block). */
  readonly blockLength: number;
  /** Number of blocks K2; n' = K1 K2 values were used (the remainder is dropped). */
  readonly blocks: number;
}

/**
 * Mohammadi, Mohammadpour & Ogata (2015) block-sum estimator of the tail index, as used by Simsekli et al.
 * (2019) and the seed-000 code (science-spec §3.3):
 *   1/alpha = [ mean_k log|Y_k| − mean_i log|X_i| ] / log K1,  Y_k = sum of block k of K1 consecutive X_i.
 * It assumes symmetric, centred data (a stable sum of K1 terms scales as K1^{1/alpha}). Default K1 =
 * floor(√n). The raw estimate is returned (it can exceed 2 for light-tailed data); zeros are skipped in the
 * log means.
 */
export function blockSumTailIndex(data: ArrayLike<number>, blockLength?: number): BlockSumTailIndex {
  const x = checkedSample(data, 'blockSumTailIndex', 4);
  const K1 = Math.max(2, Math.floor(blockLength ?? Math.sqrt(x.length)));
  const K2 = Math.floor(x.length / K1);
  let sumLogX = 0;
  let countX = 0;
  let sumLogY = 0;
  let countY = 0;
  for (let k = 0; k < K2; k++) {
    let y = 0;
    for (let j = 0; j < K1; j++) {
      const v = x[k * K1 + j];
      y += v;
      if (v !== 0) {
        sumLogX += Math.log(Math.abs(v));
        countX++;
      }
    }
    if (y !== 0) {
      sumLogY += Math.log(Math.abs(y));
      countY++;
    }
  }
  const invAlpha = (sumLogY / countY - sumLogX / countX) / Math.log(K1);
  return { alpha: 1 / invAlpha, blockLength: K1, blocks: K2 };
}

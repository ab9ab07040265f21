import { streamRng } from './random-streams.js';

/**
 * Minibatch indices for step t: epochs of ⌊n / B⌋ batches (the incomplete last batch is dropped, so every step
 * has exactly B examples), each epoch a fresh seeded Fisher–Yates permutation. Stateless in t, so a resumed
 * run asks for step t and gets the batch the original run saw.
 */
export class EpochBatchSampler {
  readonly batchSize: number;
  readonly stepsPerEpoch: number;
  private cachedEpoch = -1;
  private permutation: Int32Array = new Int32Array(0);

  constructor(
    private readonly count: number,
    batchSize: number,
    private readonly seed: number,
  ) {
    if (count < 1) throw new Error('cannot sample batches from an empty data set');
    this.batchSize = Math.min(batchSize, count);
    this.stepsPerEpoch = Math.floor(count / this.batchSize);
  }

  indicesAt(step: number): Int32Array {
    const epoch = Math.floor(step / this.stepsPerEpoch);
    if (epoch !== this.cachedEpoch) {
      this.permutation = shuffledRange(this.count, this.seed, epoch);
      this.cachedEpoch = epoch;
    }
    const start = (step % this.stepsPerEpoch) * this.batchSize;
    return this.permutation.subarray(start, start + this.batchSize);
  }
}

function shuffledRange(n: number, seed: number, epoch: number): Int32Array {
  const rng = streamRng(seed, 'shuffle', epoch);
  const out = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return out;
}

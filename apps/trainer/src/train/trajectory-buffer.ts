import type { TrajectoryChunk } from '../recording/recorder.js';
import { encodeFloat16 } from './float16.js';

export interface TrajectoryOptions {
  /** Keep w(t) for steps t ≡ 0 (mod stride). Chunks do not carry the stride: it is in the run config. */
  readonly stride: number;
  /** Rows per chunk; a chunk is also cut short at every checkpoint and at the end of the run. */
  readonly chunkRows: number;
  readonly dtype: 'float32' | 'float16';
  /** Set when rows are JL sketches of the weights rather than the weights themselves. */
  readonly sketch?: { readonly seed: number; readonly sourceDim: number };
}

/** Rows per chunk when the config leaves it open: about 32 MiB per chunk, at most 1000 rows, at least 1. */
export function defaultChunkRows(dimension: number, dtype: 'float32' | 'float16'): number {
  const bytesPerRow = dimension * (dtype === 'float16' ? 2 : 4);
  return Math.max(1, Math.min(1000, Math.floor((32 * 2 ** 20) / bytesPerRow)));
}

/**
 * Batches flat weight snapshots into TrajectoryChunks with consecutive sequence numbers. float16 rows are
 * encoded as they arrive, so the buffer holds 2 bytes per parameter-step.
 */
export class TrajectoryBuffer {
  private readonly data: Float32Array | Uint16Array;
  private rows = 0;
  private fromStep = -1;

  constructor(
    private readonly dimension: number,
    private readonly options: TrajectoryOptions,
    private seq = 0,
  ) {
    const capacity = options.chunkRows * dimension;
    this.data = options.dtype === 'float16' ? new Uint16Array(capacity) : new Float32Array(capacity);
  }

  /** Sequence number the next chunk will get (saved in checkpoints). */
  get nextSeq(): number {
    return this.seq;
  }

  wants(step: number): boolean {
    return step % this.options.stride === 0;
  }

  /** Appends w(step); returns a chunk when this row filled one. */
  push(step: number, weights: Float32Array): TrajectoryChunk | null {
    if (weights.length !== this.dimension)
      throw new Error(`trajectory row has ${weights.length} values, expected ${this.dimension}`);
    if (this.rows === 0) this.fromStep = step;
    const row = this.options.dtype === 'float16' ? encodeFloat16(weights) : weights;
    this.data.set(row, this.rows * this.dimension);
    this.rows += 1;
    return this.rows === this.options.chunkRows ? this.flush() : null;
  }

  /** Emits the rows collected so far as a (possibly short) chunk, or null when empty. */
  flush(): TrajectoryChunk | null {
    if (this.rows === 0) return null;
    const length = this.rows * this.dimension;
    const chunk: TrajectoryChunk = {
      seq: this.seq,
      fromStep: this.fromStep,
      rows: this.rows,
      d: this.dimension,
      dtype: this.options.dtype,
      data: this.data.slice(0, length),
      ...(this.options.sketch ? { sketch: this.options.sketch } : {}),
    };
    this.seq += 1;
    this.rows = 0;
    return chunk;
  }
}

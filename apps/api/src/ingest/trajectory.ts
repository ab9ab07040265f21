/**
 * Trajectory chunk ingest shared by the GraphQL mutation (base64) and the binary HTTP endpoint.
 * Idempotent by (run, seq): the repository stores an identical retry as a no-op and refuses a
 * different chunk under the same seq (CONFLICT), so an upload dropped midway can simply be resent.
 */
import type { RepoDeps } from '@sgdscope/db/repo/context';
import { type TrajectoryChunkWritten, writeTrajectoryChunk } from '@sgdscope/db/repo/trajectory';
import { apiError } from '../errors.js';

/** Shape of a chunk as sent by a client, before decoding. */
export interface ChunkUpload {
  readonly seq: number;
  readonly fromStep: number;
  readonly rows: number;
  readonly d: number;
  readonly dtype: string;
  readonly bytes: Uint8Array;
}

/** Decode raw little-endian bytes to the typed array the repository stores, checking the length. */
export function decodeChunkBytes(upload: ChunkUpload): Float32Array | Uint16Array {
  const width = upload.dtype === 'float32' ? 4 : upload.dtype === 'float16' ? 2 : 0;
  if (width === 0) throw apiError('BAD_USER_INPUT', 'dtype must be "float32" or "float16"');
  for (const [k, v] of [
    ['seq', upload.seq],
    ['fromStep', upload.fromStep],
    ['rows', upload.rows],
    ['d', upload.d],
  ] as const) {
    if (!Number.isSafeInteger(v) || v < 0)
      throw apiError('BAD_USER_INPUT', `${k} must be a non-negative integer`);
  }
  if (upload.rows < 1 || upload.d < 1) throw apiError('BAD_USER_INPUT', 'rows and d must be at least 1');
  const expected = upload.rows * upload.d * width;
  if (upload.bytes.byteLength !== expected) {
    throw apiError(
      'BAD_USER_INPUT',
      `chunk has ${upload.bytes.byteLength} bytes, expected rows*d*${width} = ${expected} (truncated upload?)`,
    );
  }
  const copy = new Uint8Array(expected);
  copy.set(upload.bytes);
  return upload.dtype === 'float32' ? new Float32Array(copy.buffer) : new Uint16Array(copy.buffer);
}

/** Validate, decode and store one chunk (NaN/Inf weights are refused by the repository). */
export async function ingestTrajectoryChunk(
  repo: RepoDeps,
  runId: string,
  upload: ChunkUpload,
): Promise<TrajectoryChunkWritten> {
  const data = decodeChunkBytes(upload);
  return writeTrajectoryChunk(repo, runId, {
    seq: upload.seq,
    fromStep: upload.fromStep,
    rows: upload.rows,
    d: upload.d,
    dtype: upload.dtype as 'float32' | 'float16',
    data,
  });
}

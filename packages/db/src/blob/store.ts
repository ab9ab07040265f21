import type { Readable } from 'node:stream';

/** What a completed put wrote: the byte count and the SHA-256 of exactly those bytes (hex). */
export interface BlobWriteResult {
  readonly byteLength: number;
  readonly checksum: string;
}

/** One stored blob as a listing reports it. */
export interface BlobEntry {
  readonly key: string;
  readonly byteLength: number;
  readonly modifiedAt: Date;
}

/** Bytes to store: a whole buffer, or a stream of buffers for blobs too large to hold twice. */
export type BlobSource = Uint8Array | AsyncIterable<Uint8Array>;

/**
 * Content storage for trajectory chunks and large artifacts, addressed by slash-separated keys
 * (`runs/<runId>/trajectory/000007-<sha>.bin`). The database stores only the key and checksum.
 *
 * Contract every implementation must keep (LocalBlobStore does; an object-store implementation
 * would map put → single PUT with a content checksum, list → prefix listing):
 * - `put` is atomic: a reader sees either no blob or the complete new bytes, never a prefix.
 * - `put` returns the SHA-256 of the bytes actually written, computed while writing.
 * - `get`/`createReadStream` of a missing key throw `NotFoundError`.
 * - `delete` of a missing key is not an error (returns false).
 * - `list` never reports in-flight temporary files.
 */
export interface BlobStore {
  put(key: string, source: BlobSource): Promise<BlobWriteResult>;
  get(key: string): Promise<Uint8Array>;
  createReadStream(key: string): Promise<Readable>;
  delete(key: string): Promise<boolean>;
  exists(key: string): Promise<boolean>;
  list(prefix: string): AsyncIterable<BlobEntry>;
}

const KEY_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

/**
 * Rejects keys that could escape the store root or collide with temp files: segments must start with
 * a letter, digit or underscore, so `..`, `.`, hidden names and absolute paths are impossible.
 */
export function assertValidBlobKey(key: string): void {
  if (key.length === 0 || key.length > 512) throw new RangeError(`blob key must be 1..512 characters`);
  for (const segment of key.split('/')) {
    if (!KEY_SEGMENT.test(segment)) {
      throw new RangeError(`invalid blob key "${key}": segment "${segment}" must match ${KEY_SEGMENT}`);
    }
  }
}

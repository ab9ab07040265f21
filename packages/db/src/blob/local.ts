import { createHash, randomBytes } from 'node:crypto';
import { createReadStream as fsCreateReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { NotFoundError } from '../repo/errors.js';
import {
  assertValidBlobKey,
  type BlobEntry,
  type BlobSource,
  type BlobStore,
  type BlobWriteResult,
} from './store.js';

/** Temp files are hidden dot-files in the target directory, so rename stays on one filesystem. */
const TEMP_PREFIX = '.tmp-';

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

/**
 * Blob store on the local filesystem. Each put writes `<dir>/.tmp-<random>`, hashes while writing,
 * fsyncs the file, renames it over the final name and fsyncs the directory: after a crash the key
 * holds either the old complete blob or the new complete blob, plus at most a stray temp file
 * (removed by `sweepTempFiles`).
 */
export class LocalBlobStore implements BlobStore {
  readonly rootDir: string;

  constructor(rootDir: string) {
    this.rootDir = path.resolve(rootDir);
  }

  private pathOf(key: string): string {
    assertValidBlobKey(key);
    return path.join(this.rootDir, ...key.split('/'));
  }

  async put(key: string, source: BlobSource): Promise<BlobWriteResult> {
    const finalPath = this.pathOf(key);
    const dir = path.dirname(finalPath);
    await mkdir(dir, { recursive: true });
    const tempPath = path.join(dir, `${TEMP_PREFIX}${randomBytes(8).toString('hex')}`);
    const hash = createHash('sha256');
    let byteLength = 0;
    const handle = await open(tempPath, 'wx');
    try {
      const parts: AsyncIterable<Uint8Array> | Iterable<Uint8Array> =
        source instanceof Uint8Array ? slices(source, PIPELINE_SLICE) : source;
      for await (const part of parts) {
        // The write runs on libuv's thread pool while this thread hashes the same bytes, so hashing
        // (~300 MB/s on the dev machines) overlaps the write instead of adding to it.
        const writing = writeFully(handle, part);
        hash.update(part);
        await writing;
        byteLength += part.byteLength;
      }
      await handle.sync();
    } catch (error) {
      await handle.close().catch(() => undefined);
      await unlink(tempPath).catch(() => undefined);
      throw error;
    }
    await handle.close();
    try {
      await rename(tempPath, finalPath);
    } catch (error) {
      await unlink(tempPath).catch(() => undefined);
      throw error;
    }
    await syncDirectory(dir);
    return { byteLength, checksum: hash.digest('hex') };
  }

  async get(key: string): Promise<Uint8Array> {
    try {
      // A view over readFile's own buffer: `new Uint8Array(buffer)` would copy every chunk (33 MB each) once more.
      const bytes = await readFile(this.pathOf(key));
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } catch (error) {
      if (isNotFound(error)) throw new NotFoundError(`blob "${key}" not found`);
      throw error;
    }
  }

  async createReadStream(key: string): Promise<Readable> {
    const file = this.pathOf(key);
    // Check up front so a missing blob is a typed error at call time, not an 'error' event later.
    if (!(await this.exists(key))) throw new NotFoundError(`blob "${key}" not found`);
    return fsCreateReadStream(file);
  }

  async delete(key: string): Promise<boolean> {
    try {
      await unlink(this.pathOf(key));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(key))).isFile();
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async *list(prefix: string): AsyncIterable<BlobEntry> {
    // The prefix is a directory prefix ("runs/<id>/"), or "" for everything.
    const trimmed = prefix.replace(/\/+$/, '');
    const start = trimmed === '' ? this.rootDir : this.pathOf(trimmed);
    yield* this.walk(start, (abs) => this.keyOf(abs), false);
  }

  /** Removes temp files left by puts that crashed before their rename, if older than `olderThanMs`. */
  async sweepTempFiles(olderThanMs: number): Promise<number> {
    let removed = 0;
    const cutoff = Date.now() - olderThanMs;
    for await (const entry of this.walk(this.rootDir, (abs) => abs, true)) {
      if (entry.modifiedAt.getTime() < cutoff) {
        await unlink(entry.key).catch(() => undefined);
        removed += 1;
      }
    }
    return removed;
  }

  private keyOf(absolute: string): string {
    return path.relative(this.rootDir, absolute).split(path.sep).join('/');
  }

  private async *walk(
    dir: string,
    name: (absolute: string) => string,
    tempOnly: boolean,
  ): AsyncIterable<BlobEntry> {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (isNotFound(error) || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return;
      throw error;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const absolute = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        yield* this.walk(absolute, name, tempOnly);
      } else if (entry.isFile() && entry.name.startsWith(TEMP_PREFIX) === tempOnly) {
        const info = await stat(absolute).catch(() => undefined);
        if (info) yield { key: name(absolute), byteLength: info.size, modifiedAt: info.mtime };
      }
    }
  }
}

/** Slice size for overlapping hashing with writing; large enough that per-call overhead is negligible. */
const PIPELINE_SLICE = 1 << 20;

function* slices(bytes: Uint8Array, size: number): Iterable<Uint8Array> {
  for (let at = 0; at < bytes.byteLength; at += size)
    yield bytes.subarray(at, Math.min(at + size, bytes.byteLength));
  if (bytes.byteLength === 0) yield bytes;
}

async function writeFully(handle: Awaited<ReturnType<typeof open>>, part: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < part.byteLength) {
    const { bytesWritten } = await handle.write(part, offset, part.byteLength - offset);
    offset += bytesWritten;
  }
}

/** fsync the directory so the rename itself survives power loss (a no-op error on some platforms). */
async function syncDirectory(dir: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Some filesystems refuse fsync on directories; the file itself is already durable.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** SHA-256 of bytes, hex: the checksum convention of every blob and inline array. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * SHA-256 on libuv's thread pool (WebCrypto digest) instead of the main thread, so verifying one blob overlaps
 * with reading the next and with whatever consumes the previous one.
 */
export async function sha256HexAsync(bytes: Uint8Array): Promise<string> {
  // Blob bytes always live in a plain ArrayBuffer (file reads), never a SharedArrayBuffer.
  const view = new Uint8Array(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength);
  return Buffer.from(await globalThis.crypto.subtle.digest('SHA-256', view)).toString('hex');
}

/** The default store: `$SGDSCOPE_DATA_DIR/blobs`, or `./.sgdscope/blobs` when the variable is unset. */
export function defaultBlobStore(env: NodeJS.ProcessEnv = process.env): LocalBlobStore {
  const dataDir = env.SGDSCOPE_DATA_DIR ?? path.resolve('.sgdscope');
  return new LocalBlobStore(path.join(dataDir, 'blobs'));
}

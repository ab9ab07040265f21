/**
 * .npy files on disk: stream a [steps, d] trajectory as RowChunks in fixed-size reads (never the whole file),
 * read small arrays whole, and write arrays. The byte format lives in @sgdscope/analysis (io/npy.ts, pure);
 * this module only adds file handles, finiteness checks and error messages that name the file.
 */
import { open } from 'node:fs/promises';
import {
  AnalysisInputError,
  decodeNpyData,
  encodeNpyData,
  encodeNpyHeader,
  type NpyHeader,
  npyHeaderLength,
  parseNpyHeader,
  type RowChunk,
} from '@sgdscope/analysis';

/** Default bytes per read when streaming rows: large enough to amortise syscalls, small enough to stay cache-warm. */
const DEFAULT_CHUNK_BYTES = 4 * 1024 * 1024;

/** Header of a .npy file, plus its path for error messages. */
export interface NpyFileInfo {
  readonly path: string;
  readonly header: NpyHeader;
}

/** Read and validate the header of a .npy file, checking the file is long enough for the data it declares. */
export async function readNpyHeader(path: string): Promise<NpyFileInfo> {
  const fh = await openOrFail(path);
  try {
    const prefix = new Uint8Array(12);
    const { bytesRead } = await fh.read(prefix, 0, 12, 0);
    const total = withPath(path, () => npyHeaderLength(prefix.subarray(0, bytesRead)));
    const bytes = new Uint8Array(total);
    const got = (await fh.read(bytes, 0, total, 0)).bytesRead;
    const header = withPath(path, () => parseNpyHeader(bytes.subarray(0, got)));
    const size = (await fh.stat()).size;
    const need = header.dataOffset + header.count * header.itemSize;
    if (size < need) {
      throw new AnalysisInputError(
        `${path}: file truncated: header declares ${need} bytes, file has ${size}`,
      );
    }
    return { path, header };
  } finally {
    await fh.close();
  }
}

export interface StreamRowsOptions {
  /** Rows per chunk (default: as many as fit in 4 MiB). */
  readonly chunkRows?: number;
  /** Reject NaN/Inf with the step and column that hold it (default true). */
  readonly checkFinite?: boolean;
}

/**
 * Stream a 2-D [steps, d] .npy file as RowChunks in step order, reading `chunkRows` rows at a time.
 * A 1-D file is read as [n, 1]. Each chunk owns its data (no buffer reuse), so consumers may keep it.
 */
export async function* streamNpyRows(
  path: string,
  options: StreamRowsOptions = {},
): AsyncGenerator<RowChunk> {
  const { header } = await readNpyHeader(path);
  const { rows, d } = matrixShape(path, header);
  const rowBytes = d * header.itemSize;
  const chunkRows = Math.max(1, options.chunkRows ?? Math.floor(DEFAULT_CHUNK_BYTES / Math.max(1, rowBytes)));
  const checkFinite = options.checkFinite ?? true;
  const fh = await openOrFail(path);
  try {
    for (let first = 0; first < rows; first += chunkRows) {
      const n = Math.min(chunkRows, rows - first);
      const bytes = new Uint8Array(n * rowBytes);
      const { bytesRead } = await fh.read(bytes, 0, bytes.length, header.dataOffset + first * rowBytes);
      if (bytesRead !== bytes.length)
        throw new AnalysisInputError(`${path}: file truncated at step ${first}`);
      const data = decodeNpyData(bytes, header.dtype);
      if (checkFinite) assertFinite(path, data, d, first);
      yield { rows: n, d, data };
    }
  } finally {
    await fh.close();
  }
}

/** [rows, d] view of a header's shape: 2-D as is, 1-D as a column. */
export function matrixShape(path: string, header: NpyHeader): { rows: number; d: number } {
  if (header.shape.length === 2) return { rows: header.shape[0], d: header.shape[1] };
  if (header.shape.length === 1) return { rows: header.shape[0], d: 1 };
  throw new AnalysisInputError(
    `${path}: expected a 1-D or 2-D array [steps, d], got shape (${header.shape.join(', ')})`,
  );
}

/** Throw naming the step (row) and column of the first NaN or infinity. */
function assertFinite(path: string, data: Float32Array | Float64Array, d: number, firstRow: number): void {
  // v * 0 is 0 for finite v and NaN otherwise: one cheap pass, then a scan only when something is wrong.
  let probe = 0;
  for (let i = 0; i < data.length; i++) probe += data[i] * 0;
  if (probe === 0) return;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      const what = Number.isNaN(data[i]) ? 'NaN' : data[i] > 0 ? 'Inf' : '-Inf';
      throw new AnalysisInputError(
        `${path}: ${what} at step ${firstRow + Math.floor(i / d)}, column ${i % d}`,
      );
    }
  }
}

/** Largest array `readNpyArray` loads whole (values); bigger inputs must be streamed. */
const MAX_WHOLE_VALUES = 1 << 27;

/**
 * Read a whole (small) .npy array as float64 with its shape: loss series, escape times, samples, grids.
 * Checks every value is finite, naming the index (and step/column for 2-D data).
 */
export async function readNpyArray(path: string): Promise<{ shape: readonly number[]; data: Float64Array }> {
  const { header } = await readNpyHeader(path);
  if (header.count > MAX_WHOLE_VALUES) {
    throw new AnalysisInputError(
      `${path}: ${header.count} values is too many to load whole; stream it instead`,
    );
  }
  const out = new Float64Array(header.count);
  const d = header.shape.length >= 2 ? header.shape.slice(1).reduce((a, b) => a * b, 1) : 1;
  let offset = 0;
  for await (const chunk of streamNpyRowsFlat(path, header, d)) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return { shape: header.shape, data: out };
}

async function* streamNpyRowsFlat(
  path: string,
  header: NpyHeader,
  d: number,
): AsyncGenerator<Float32Array | Float64Array> {
  const rows = d === 0 ? 0 : header.count / d;
  const chunkRows = Math.max(1, Math.floor(DEFAULT_CHUNK_BYTES / Math.max(1, d * header.itemSize)));
  const fh = await openOrFail(path);
  try {
    for (let first = 0; first < rows; first += chunkRows) {
      const n = Math.min(chunkRows, rows - first);
      const bytes = new Uint8Array(n * d * header.itemSize);
      await fh.read(bytes, 0, bytes.length, header.dataOffset + first * d * header.itemSize);
      const data = decodeNpyData(bytes, header.dtype);
      assertFinite(path, data, d, first);
      yield data;
    }
  } finally {
    await fh.close();
  }
}

/**
 * Write an array as a C-ordered little-endian .npy file (float32 or float64 after the array type), in
 * chunks so large trajectories are not copied whole.
 */
export async function writeNpy(
  path: string,
  shape: readonly number[],
  data: Float32Array | Float64Array,
): Promise<void> {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) {
    throw new RangeError(
      `writeNpy: shape (${shape.join(', ')}) holds ${count} values, data has ${data.length}`,
    );
  }
  const header = encodeNpyHeader(shape, data instanceof Float32Array ? 'float32' : 'float64');
  const fh = await open(path, 'w');
  try {
    await fh.write(header, 0, header.length, 0);
    let position = header.length;
    const step = 1 << 20;
    for (let i = 0; i < data.length; i += step) {
      const body = encodeNpyData(data.subarray(i, Math.min(data.length, i + step)));
      await fh.write(body, 0, body.length, position);
      position += body.length;
    }
  } finally {
    await fh.close();
  }
}

async function openOrFail(path: string): ReturnType<typeof open> {
  try {
    return await open(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new AnalysisInputError(`${path}: cannot open (${code ?? String(e)})`);
  }
}

function withPath<T>(path: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof AnalysisInputError)
      throw new AnalysisInputError(`${path}: ${e.message.replace(/^npy: /, '')}`);
    throw e;
  }
}

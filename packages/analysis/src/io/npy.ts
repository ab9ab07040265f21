/**
 * Pure codec for NumPy's .npy format (format spec: numpy.lib.format, versions 1.0, 2.0 and 3.0).
 * No I/O: callers hand in header bytes and get back where the data starts and how to decode it,
 * so the trainer app can stream large files in fixed-size reads.
 */
import { AnalysisInputError } from '../types.js';

/** Every .npy file starts with these six bytes: 0x93 'NUMPY'. */
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

/** Bytes before the header text: magic (6) + version (2) + length field (2 for v1, 4 for v2/v3). */
export const NPY_PREAMBLE_BYTES_V1 = 10;
export const NPY_PREAMBLE_BYTES_V2 = 12;

/** The element types sgdscope reads. Half precision is widened to float32 on decode. */
export type NpyDtype = 'float16' | 'float32' | 'float64';

export interface NpyHeader {
  readonly version: { readonly major: number; readonly minor: number };
  readonly dtype: NpyDtype;
  /** Bytes per stored element (2, 4 or 8). */
  readonly itemSize: number;
  readonly shape: readonly number[];
  /** Offset of the first data byte from the start of the file. */
  readonly dataOffset: number;
  /** Number of elements (product of the shape; 1 for a 0-d array). */
  readonly count: number;
}

/** Error thrown for any malformed or unsupported .npy input; the message names the problem. */
export class NpyFormatError extends AnalysisInputError {}

const DESCR_TO_DTYPE: Record<string, { dtype: NpyDtype; itemSize: number }> = {
  '<f2': { dtype: 'float16', itemSize: 2 },
  '<f4': { dtype: 'float32', itemSize: 4 },
  '<f8': { dtype: 'float64', itemSize: 8 },
};

/**
 * How many leading bytes `parseNpyHeader` needs: the preamble tells the header length.
 * Returns the total header size (preamble + header text) once at least 12 bytes are given.
 */
export function npyHeaderLength(prefix: Uint8Array): number {
  checkMagic(prefix);
  if (prefix.length < NPY_PREAMBLE_BYTES_V1) throw new NpyFormatError('npy: file too short for a header');
  const major = prefix[6];
  const view = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  if (major === 1) return NPY_PREAMBLE_BYTES_V1 + view.getUint16(8, true);
  if (major === 2 || major === 3) {
    if (prefix.length < NPY_PREAMBLE_BYTES_V2) throw new NpyFormatError('npy: file too short for a header');
    return NPY_PREAMBLE_BYTES_V2 + view.getUint32(8, true);
  }
  throw new NpyFormatError(
    `npy: unsupported format version ${major}.${prefix[7]} (expected 1.0, 2.0 or 3.0)`,
  );
}

function checkMagic(bytes: Uint8Array): void {
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC[i]) throw new NpyFormatError('npy: bad magic (not a NumPy .npy file)');
  }
}

/**
 * Parse a .npy header from the first bytes of a file (at least `npyHeaderLength(bytes)` of them).
 * Rejects big-endian, Fortran-ordered and non-float data with a message that says how to fix the file.
 */
export function parseNpyHeader(bytes: Uint8Array): NpyHeader {
  const total = npyHeaderLength(bytes);
  if (bytes.length < total) throw new NpyFormatError('npy: truncated header');
  const major = bytes[6];
  const minor = bytes[7];
  const start = major === 1 ? NPY_PREAMBLE_BYTES_V1 : NPY_PREAMBLE_BYTES_V2;
  // v1/v2 headers are latin1 text, v3 UTF-8; the fields we read are ASCII either way.
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, total));
  const descr = matchField(text, 'descr', /'descr'\s*:\s*'([^']*)'/);
  const fortran = matchField(text, 'fortran_order', /'fortran_order'\s*:\s*(True|False)/);
  const shapeText = matchField(text, 'shape', /'shape'\s*:\s*\(([^)]*)\)/);
  if (descr.startsWith('>')) {
    throw new NpyFormatError(
      `npy: big-endian dtype '${descr}' is not supported; save with astype('<f4') or '<f8'`,
    );
  }
  const known = DESCR_TO_DTYPE[descr];
  if (!known) {
    throw new NpyFormatError(
      `npy: unsupported dtype '${descr}' (need little-endian float: '<f2', '<f4' or '<f8'); convert with astype(np.float64)`,
    );
  }
  if (fortran === 'True') {
    throw new NpyFormatError('npy: Fortran-ordered array is not supported; save np.ascontiguousarray(x)');
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      const v = Number(s.replace(/L$/, ''));
      if (!Number.isInteger(v) || v < 0) throw new NpyFormatError(`npy: bad shape entry '${s}'`);
      return v;
    });
  const count = shape.reduce((a, b) => a * b, 1);
  return {
    version: { major, minor },
    dtype: known.dtype,
    itemSize: known.itemSize,
    shape,
    dataOffset: total,
    count,
  };
}

function matchField(text: string, name: string, re: RegExp): string {
  const m = re.exec(text);
  if (!m) throw new NpyFormatError(`npy: header has no valid '${name}' field`);
  return m[1];
}

/**
 * Decode `bytes` (a whole number of little-endian elements of `dtype`) into numbers.
 * float16 is widened to float32; the copy also guarantees alignment for typed-array views.
 */
export function decodeNpyData(bytes: Uint8Array, dtype: NpyDtype): Float32Array | Float64Array {
  if (dtype !== 'float16' && HOST_IS_LITTLE_ENDIAN) {
    // Fast path: one aligned copy, then a typed-array view (the bytes are already in host order). Uint8Array's own
    // slice: a Node Buffer's slice is a view into its (pooled) memory, and its .buffer would hold other bytes too.
    const copy = Uint8Array.prototype.slice.call(bytes).buffer;
    return dtype === 'float64' ? new Float64Array(copy) : new Float32Array(copy);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dtype === 'float64') {
    const out = new Float64Array(bytes.byteLength >>> 3);
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(i * 8, true);
    return out;
  }
  if (dtype === 'float32') {
    const out = new Float32Array(bytes.byteLength >>> 2);
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
    return out;
  }
  const out = new Float32Array(bytes.byteLength >>> 1);
  for (let i = 0; i < out.length; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
  return out;
}

const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** IEEE 754 binary16 → number (subnormals, infinities and NaN included). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >>> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/**
 * Encode a .npy header for a C-ordered little-endian float array of `shape`.
 * Uses version 1.0 unless the header text needs more than 65535 bytes, then 2.0,
 * and pads so the data starts on a 64-byte boundary, as numpy does.
 */
export function encodeNpyHeader(shape: readonly number[], dtype: 'float32' | 'float64'): Uint8Array {
  const descr = dtype === 'float32' ? '<f4' : '<f8';
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  let preamble = NPY_PREAMBLE_BYTES_V1;
  let major = 1;
  if (dict.length + 1 + preamble > 0xffff) {
    preamble = NPY_PREAMBLE_BYTES_V2;
    major = 2;
  }
  const unpadded = preamble + dict.length + 1;
  const total = Math.ceil(unpadded / 64) * 64;
  const headerText = `${dict}${' '.repeat(total - unpadded)}\n`;
  const out = new Uint8Array(total);
  out.set(MAGIC, 0);
  out[6] = major;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, headerText.length, true);
  else view.setUint32(8, headerText.length, true);
  for (let i = 0; i < headerText.length; i++) out[preamble + i] = headerText.charCodeAt(i);
  return out;
}

/** Encode array data as little-endian bytes (the body of a .npy file). */
export function encodeNpyData(data: Float32Array | Float64Array): Uint8Array {
  const size = data instanceof Float32Array ? 4 : 8;
  const out = new Uint8Array(data.length * size);
  const view = new DataView(out.buffer);
  if (size === 4) for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i], true);
  else for (let i = 0; i < data.length; i++) view.setFloat64(i * 8, data[i], true);
  return out;
}

/** A complete .npy file in memory: header + data. The element type follows the array type. */
export function encodeNpy(shape: readonly number[], data: Float32Array | Float64Array): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) {
    throw new RangeError(
      `encodeNpy: shape [${shape.join(', ')}] holds ${count} values, data has ${data.length}`,
    );
  }
  const header = encodeNpyHeader(shape, data instanceof Float32Array ? 'float32' : 'float64');
  const body = encodeNpyData(data);
  const out = new Uint8Array(header.length + body.length);
  out.set(header, 0);
  out.set(body, header.length);
  return out;
}

/** Decode a whole in-memory .npy file (for small files and tests; large files should be streamed). */
export function decodeNpy(bytes: Uint8Array): { header: NpyHeader; data: Float32Array | Float64Array } {
  const header = parseNpyHeader(bytes);
  const need = header.dataOffset + header.count * header.itemSize;
  if (bytes.length < need) {
    throw new NpyFormatError(`npy: file truncated: expected ${need} bytes, found ${bytes.length}`);
  }
  const data = decodeNpyData(
    bytes.subarray(header.dataOffset, header.dataOffset + header.count * header.itemSize),
    header.dtype,
  );
  return { header, data };
}

/** Storage dtypes of per-step scalar series. Both little-endian, as the schema documents. */
export type SeriesDtype = 'float32' | 'float64';

/** Steps per stored StepSeriesChunk row: 25k steps x 10 series is ~70 rows, each ≤ 32 KiB as float64. */
export const SERIES_CHUNK_STEPS = 4096;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function bytesPerValue(dtype: SeriesDtype): number {
  return dtype === 'float32' ? 4 : 8;
}

export function isSeriesDtype(value: string): value is SeriesDtype {
  return value === 'float32' || value === 'float64';
}

/**
 * Packs values as little-endian float32/float64 bytes. float32 rounds to nearest (Math.fround);
 * NaN and ±Inf are preserved (the NaN policy is applied before encoding, not here).
 */
export function encodeSeriesValues(values: ArrayLike<number>, dtype: SeriesDtype): Uint8Array<ArrayBuffer> {
  const n = values.length;
  if (LITTLE_ENDIAN) {
    const typed = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
    for (let i = 0; i < n; i++) typed[i] = values[i];
    return new Uint8Array(typed.buffer);
  }
  const bytes = new Uint8Array(n * bytesPerValue(dtype));
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < n; i++) {
    if (dtype === 'float32') view.setFloat32(i * 4, values[i], true);
    else view.setFloat64(i * 8, values[i], true);
  }
  return bytes;
}

/** Inverse of encodeSeriesValues, always widening to float64 so callers see one array type. */
export function decodeSeriesValues(bytes: Uint8Array, dtype: SeriesDtype): Float64Array {
  const width = bytesPerValue(dtype);
  if (bytes.byteLength % width !== 0) {
    throw new RangeError(
      `series payload of ${bytes.byteLength} bytes is not a multiple of ${width} (${dtype})`,
    );
  }
  const n = bytes.byteLength / width;
  const out = new Float64Array(n);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dtype === 'float32') for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
  else for (let i = 0; i < n; i++) out[i] = view.getFloat64(i * 8, true);
  return out;
}

/** Rounds values to what `dtype` stores, so a retried batch compares equal to its stored copy. */
export function quantizeToDtype(values: ArrayLike<number>, dtype: SeriesDtype): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = dtype === 'float32' ? Math.fround(values[i]) : values[i];
  return out;
}

/** Value equality for stored series: NaN equals NaN (any payload), +0 equals -0. */
export function sameSeriesValues(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x !== y && !(Number.isNaN(x) && Number.isNaN(y))) return false;
  }
  return true;
}

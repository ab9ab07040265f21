/**
 * IEEE 754 binary16 <-> binary32 conversion. Trajectory chunks may be stored as float16 bit patterns
 * (Uint16Array) to halve disk use; readers always get Float32Array. Decoding uses a 65,536-entry
 * table (256 KiB, built once) because trajectory reads decode millions of values per chunk.
 */

let decodeTable: Float32Array | undefined;

function halfBitsToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24; // subnormal (and ±0)
  if (exponent === 0x1f) return mantissa === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

function table(): Float32Array {
  if (!decodeTable) {
    decodeTable = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) decodeTable[h] = halfBitsToNumber(h);
  }
  return decodeTable;
}

/** Decodes float16 bit patterns to float32 (exact: every binary16 value is representable in binary32). */
export function float16ToFloat32(
  bits: Uint16Array,
  out: Float32Array = new Float32Array(bits.length),
): Float32Array {
  const t = table();
  for (let i = 0; i < bits.length; i++) out[i] = t[bits[i]];
  return out;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/**
 * Rounds one number to the nearest binary16 (ties to even) and returns its bit pattern. Values beyond
 * the float16 range (|x| ≥ 65520) become ±Inf, which the trajectory NaN/Inf policy then rejects.
 */
export function float32ToFloat16Bits(value: number): number {
  f32[0] = value;
  return float32BitsToFloat16Bits(u32[0]);
}

/** The binary16 bit pattern nearest (ties to even) to the binary32 value with bit pattern `x`. */
function float32BitsToFloat16Bits(x: number): number {
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  // Unbiased exponent rebased to binary16's bias of 15.
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign; // underflows to ±0
    mantissa |= 0x800000; // implicit leading one
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    const rest = mantissa & ((1 << shift) - 1);
    let result = mantissa >>> shift;
    if (rest > half || (rest === half && (result & 1) === 1)) result += 1;
    return sign | result;
  }
  const rest = mantissa & 0x1fff;
  let result = (e << 10) | (mantissa >>> 13);
  // A carry out of the mantissa correctly bumps the exponent (up to 0x7c00 = Inf).
  if (rest > 0x1000 || (rest === 0x1000 && (result & 1) === 1)) result += 1;
  return sign | result;
}

/**
 * Encodes an array to float16 bit patterns (round to nearest even). A Float32Array (the trainer's weights, every
 * step) is read through a Uint32 view of its bits, without a per-value round trip through a scratch float.
 */
export function float32ToFloat16(values: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(values.length);
  if (values instanceof Float32Array) {
    const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
    for (let i = 0; i < bits.length; i++) out[i] = float32BitsToFloat16Bits(bits[i]);
    return out;
  }
  for (let i = 0; i < values.length; i++) out[i] = float32ToFloat16Bits(values[i]);
  return out;
}

/** True when a float16 bit pattern is NaN or ±Inf (exponent bits all ones). */
export function isFloat16NonFinite(bits: number): boolean {
  return (bits & 0x7c00) === 0x7c00;
}

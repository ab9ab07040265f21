/**
 * IEEE 754 binary16 encoding of float32 trajectories (TrajectoryChunk dtype 'float16' carries the bit
 * patterns as Uint16). Round to nearest, ties to even; overflow → ±Inf, tiny values → subnormals/±0, NaN kept.
 * Relative rounding error ≤ 2^-11 ≈ 4.9e-4 in the normal range (|x| ≥ 6.1e-5).
 */
export function encodeFloat16(values: Float32Array): Uint16Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = float32BitsToFloat16(bits[i]);
  return out;
}

function float32BitsToFloat16(x: number): number {
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa !== 0 ? 0x200 : 0);
  let e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    const remainder = mantissa & ((1 << shift) - 1);
    let result = mantissa >>> shift;
    if (remainder > half || (remainder === half && (result & 1) === 1)) result += 1;
    return sign | result;
  }
  const remainder = mantissa & 0x1fff;
  mantissa >>>= 13;
  if (remainder > 0x1000 || (remainder === 0x1000 && (mantissa & 1) === 1)) {
    mantissa += 1;
    if (mantissa === 0x400) {
      mantissa = 0;
      e += 1;
      if (e >= 0x1f) return sign | 0x7c00;
    }
  }
  return sign | (e << 10) | mantissa;
}

/** Decodes binary16 bit patterns back to float32 (exact: every float16 is a float32). */
export function decodeFloat16(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) {
    const h = bits[i];
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >>> 10) & 0x1f;
    const mantissa = h & 0x3ff;
    if (exponent === 0) out[i] = sign * mantissa * 2 ** -24;
    else if (exponent === 0x1f) out[i] = mantissa ? Number.NaN : sign * Number.POSITIVE_INFINITY;
    else out[i] = sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
  }
  return out;
}

/**
 * IEEE 754 binary16 encoding of float32 trajectories (TrajectoryChunk dtype 'float16' carries the bit patterns as
 * Uint16). One codec serves the trainer and the store: round to nearest, ties to even; overflow → ±Inf, tiny
 * values → subnormals/±0, NaN kept. Relative rounding error ≤ 2^-11 ≈ 4.9e-4 in the normal range (|x| ≥ 6.1e-5).
 */
export {
  float16ToFloat32 as decodeFloat16,
  float32ToFloat16 as encodeFloat16,
} from '@sgdscope/db/series/float16';

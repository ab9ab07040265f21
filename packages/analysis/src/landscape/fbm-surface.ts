/**
 * Seeded fractional Brownian surfaces by spectral synthesis (Voss 1988; science-spec §2.1: "Voss Fourier
 * synthesis, spectrum ∝ f^-(2H+2), is equivalent" to the seed's diamond-square generator). Ground truth for
 * the box-counting and MSL estimators: the surface has dimension 3 - H, its level sets 2 - H, and
 * E[(z(x + r) - z(x))^2] ∝ r^(2H).
 */
import FFT from 'fft.js';
import { createRng } from '../random.js';
import { AnalysisInputError } from '../types.js';

export interface FbmSurfaceOptions {
  /** Grid side (a power of two, >= 4). */
  readonly size: number;
  /** Hurst exponent in (0, 1). */
  readonly hurst: number;
  readonly seed: number;
  /**
   * Oversampling factor (a power of two, default 1). With o >= 2 the spectrum is synthesised on a grid o times
   * finer over a domain twice as wide, and every (o/2)-th node of one quadrant is returned: high frequencies
   * above the output's Nyquist limit are kept (a sharp cutoff steepens the variogram at small lags) and no lag
   * of the output wraps around the periodic domain (which flattens it at large lags). Measured on 256^2 with
   * o = 4, the variogram slope over lags 1..64 is 1.42-1.46 for H = 0.7 (2H = 1.4) and 0.72-0.86 for H = 0.3
   * (2H = 0.6): small H stays somewhat too smooth, a known limit of spectral synthesis.
   */
  readonly oversample?: number;
}

/** A square grid of values, row-major. */
export interface Grid2D {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/**
 * An fBm surface of the given Hurst exponent, normalised to zero mean and unit variance. Complex Gaussian
 * amplitudes with |A(f)| ∝ f^-(H+1) (power ∝ f^-(2H+2)) are inverse-transformed in 2D and the real part kept;
 * the surface is periodic, so scaling holds for lags well below size/2.
 */
export function fbmSurface(options: FbmSurfaceOptions): Grid2D {
  const { size, hurst: h, seed } = options;
  const o = options.oversample ?? 1;
  if (!Number.isInteger(Math.log2(size)) || size < 4) {
    throw new AnalysisInputError(`fbmSurface: size ${size} is not a power of 2`);
  }
  if (!Number.isInteger(Math.log2(o)))
    throw new AnalysisInputError(`fbmSurface: oversample ${o} is not a power of 2`);
  const n = size * o;
  if (!(h > 0 && h < 1)) throw new AnalysisInputError(`fbmSurface: Hurst exponent ${h} outside (0, 1)`);
  const rng = createRng(seed);
  // Interleaved complex spectrum, row-major n x n.
  const spec = new Float64Array(2 * n * n);
  for (let i = 0; i < n; i++) {
    const ki = i <= n / 2 ? i : i - n;
    for (let j = 0; j < n; j++) {
      const kj = j <= n / 2 ? j : j - n;
      const f = Math.hypot(ki, kj);
      const o = 2 * (i * n + j);
      if (f === 0) continue;
      const amp = f ** -(h + 1);
      spec[o] = amp * rng.normal();
      spec[o + 1] = amp * rng.normal();
    }
  }
  const fft = new FFT(n);
  const line = fft.createComplexArray() as number[];
  const out = fft.createComplexArray() as number[];
  // Rows, then columns: a 2D inverse DFT is separable.
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 2 * n; j++) line[j] = spec[2 * i * n + j];
    fft.inverseTransform(out, line);
    for (let j = 0; j < 2 * n; j++) spec[2 * i * n + j] = out[j];
  }
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      line[2 * i] = spec[2 * (i * n + j)];
      line[2 * i + 1] = spec[2 * (i * n + j) + 1];
    }
    fft.inverseTransform(out, line);
    for (let i = 0; i < n; i++) spec[2 * (i * n + j)] = out[2 * i];
  }
  const stride = o === 1 ? 1 : o / 2;
  const m = size * size;
  const data = new Float64Array(m);
  let mean = 0;
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      const v = spec[2 * (i * stride * n + j * stride)];
      data[i * size + j] = v;
      mean += v;
    }
  }
  mean /= m;
  let v = 0;
  for (let k = 0; k < m; k++) {
    data[k] -= mean;
    v += data[k] * data[k];
  }
  const sd = Math.sqrt(v / m);
  for (let k = 0; k < m; k++) data[k] /= sd;
  return { rows: size, cols: size, data };
}

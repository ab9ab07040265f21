/**
 * Ground-truth trajectories with known MSD, for testing the diffusion metrics (seed 000 §3's
 * regimes: normal, ballistic, sub/superdiffusive, confined, crossovers and regime changes).
 * Every generator is seeded through an Rng from createRng. Trajectories are row-major, float64.
 */
import FFT from 'fft.js';
import type { Rng } from '../random.js';
import { AnalysisInputError, type RowChunk } from '../types.js';

function checkShape(rows: number, d: number): void {
  if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(d) || d < 1) {
    throw new AnalysisInputError(`trajectory shape must be positive integers, got ${rows} x ${d}`);
  }
}

/** Autocovariance of unit-variance fractional Gaussian noise: 0.5(|k+1|^2H - 2|k|^2H + |k-1|^2H). */
export function fgnAutocovariance(k: number, hurst: number): number {
  const h2 = 2 * hurst;
  const a = Math.abs(k);
  return 0.5 * ((a + 1) ** h2 - 2 * a ** h2 + Math.abs(a - 1) ** h2);
}

/**
 * Exact fractional Gaussian noise of length n by circulant embedding (Davies & Harte 1987;
 * Wood & Chan 1994): embed the n x n Toeplitz covariance in a circulant of size m (power of two
 * >= 2(n - 1), needed by the radix-2 FFT), take its eigenvalues by FFT, colour complex white noise
 * with their square roots and transform back. For fGn every such embedding is non-negative definite,
 * so the sample is exact (not an approximation). Returns unit-variance increments times `scale`.
 */
export function fractionalGaussianNoise(rng: Rng, n: number, hurst: number, scale = 1): Float64Array {
  if (!(hurst > 0 && hurst < 1))
    throw new AnalysisInputError(`Hurst exponent must lie in (0, 1), got ${hurst}`);
  if (!Number.isInteger(n) || n < 1)
    throw new AnalysisInputError(`fGn length must be a positive integer, got ${n}`);
  let m = 2;
  while (m < 2 * (n - 1)) m *= 2;
  const half = m / 2;
  const fft = new FFT(m);
  const row = new Float64Array(2 * m);
  for (let k = 0; k < m; k++) row[2 * k] = fgnAutocovariance(k <= half ? k : m - k, hurst);
  const eigen = new Float64Array(2 * m);
  fft.transform(eigen, row);
  const coloured = new Float64Array(2 * m);
  for (let k = 0; k <= half; k++) {
    const lambda = eigen[2 * k];
    if (lambda < -1e-9 * Math.abs(eigen[0])) {
      throw new AnalysisInputError(
        `circulant embedding not non-negative for H=${hurst} (eigenvalue ${lambda})`,
      );
    }
    const l = Math.max(lambda, 0);
    if (k === 0 || k === half) {
      coloured[2 * k] = Math.sqrt(l / m) * rng.normal();
    } else {
      const s = Math.sqrt(l / (2 * m));
      const re = s * rng.normal();
      const im = s * rng.normal();
      coloured[2 * k] = re;
      coloured[2 * k + 1] = im;
      coloured[2 * (m - k)] = re;
      coloured[2 * (m - k) + 1] = -im;
    }
  }
  const out = new Float64Array(2 * m);
  fft.transform(out, coloured);
  const noise = new Float64Array(n);
  for (let i = 0; i < n; i++) noise[i] = scale * out[2 * i];
  return noise;
}

/**
 * d independent fractional Brownian motions (cumulative sums of exact fGn), starting at 0.
 * Expected MSD (ensemble and time-averaged alike, increments are stationary): d scale^2 tau^(2H).
 */
export function fractionalBrownianMotion(
  rng: Rng,
  rows: number,
  d: number,
  hurst: number,
  scale = 1,
): RowChunk {
  checkShape(rows, d);
  const data = new Float64Array(rows * d);
  for (let j = 0; j < d; j++) {
    const noise = fractionalGaussianNoise(rng, Math.max(rows - 1, 1), hurst, scale);
    let x = 0;
    for (let i = 1; i < rows; i++) {
      x += noise[i - 1];
      data[i * d + j] = x;
    }
  }
  return { rows, d, data };
}

/** Expected MSD of fractionalBrownianMotion: d scale^2 tau^(2H). */
export function fbmExpectedMsd(tau: number, hurst: number, d: number, scale = 1): number {
  return d * scale * scale * tau ** (2 * hurst);
}

/** Gaussian random walk with N(0, stepScale^2) steps per coordinate. Expected MSD: d stepScale^2 tau (alpha = 1). */
export function brownianWalk(rng: Rng, rows: number, d: number, stepScale = 1): RowChunk {
  checkShape(rows, d);
  const data = new Float64Array(rows * d);
  for (let i = 1; i < rows; i++) {
    for (let j = 0; j < d; j++) data[i * d + j] = data[(i - 1) * d + j] + stepScale * rng.normal();
  }
  return { rows, d, data };
}

/**
 * Ballistic motion w(t) = w0 + v t with a random velocity v ~ N(0, speed^2 I) and random start.
 * Its MSD is exactly |v|^2 tau^2 (alpha = 2) in every window and under both conventions.
 */
export function ballisticMotion(
  rng: Rng,
  rows: number,
  d: number,
  speed = 1,
): RowChunk & { velocity: Float64Array } {
  checkShape(rows, d);
  const velocity = new Float64Array(d);
  const start = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    velocity[j] = speed * rng.normal();
    start[j] = rng.normal();
  }
  const data = new Float64Array(rows * d);
  for (let i = 0; i < rows; i++) for (let j = 0; j < d; j++) data[i * d + j] = start[j] + velocity[j] * i;
  return { rows, d, data, velocity };
}

/**
 * Confined walk: a stationary discrete Ornstein-Uhlenbeck (AR(1)) process x' = phi x + s xi per
 * coordinate, started in its stationary law N(0, s^2 / (1 - phi^2)). The MSD saturates to a plateau:
 * expected MSD = d 2 v (1 - phi^tau) with v = s^2 / (1 - phi^2), so alpha -> 0 at lags >> 1/(1 - phi).
 */
export function ornsteinUhlenbeckWalk(
  rng: Rng,
  rows: number,
  d: number,
  phi: number,
  stepScale = 1,
): RowChunk {
  checkShape(rows, d);
  if (!(phi > 0 && phi < 1))
    throw new AnalysisInputError(`OU persistence phi must lie in (0, 1), got ${phi}`);
  const sd = stepScale / Math.sqrt(1 - phi * phi);
  const data = new Float64Array(rows * d);
  for (let j = 0; j < d; j++) data[j] = sd * rng.normal();
  for (let i = 1; i < rows; i++) {
    for (let j = 0; j < d; j++) data[i * d + j] = phi * data[(i - 1) * d + j] + stepScale * rng.normal();
  }
  return { rows, d, data };
}

/** Expected MSD of ornsteinUhlenbeckWalk: d 2 v (1 - phi^tau), v = s^2/(1 - phi^2). */
export function ouExpectedMsd(tau: number, phi: number, d: number, stepScale = 1): number {
  return (d * 2 * stepScale * stepScale * (1 - phi ** tau)) / (1 - phi * phi);
}

export interface CrossoverDesign {
  /** Hurst exponent of the short-lag (subdiffusive) part; alpha_short = 2H. Default 0.25. */
  readonly hurst?: number;
  /** Lag where the two terms of the expected MSD are equal. Default 50. */
  readonly crossoverLag?: number;
  readonly scale?: number;
}

/**
 * Sub-then-super crossover: fBm(H < 1/2) plus a ballistic drift of speed u per coordinate (random
 * signs), with u chosen so both terms are equal at crossoverLag: u = scale crossoverLag^(H - 1).
 * Expected MSD: d (scale^2 tau^(2H) + u^2 tau^2): alpha = 2H below the crossover, 2 above.
 */
export function crossoverWalk(rng: Rng, rows: number, d: number, design: CrossoverDesign = {}): RowChunk {
  const hurst = design.hurst ?? 0.25;
  const crossoverLag = design.crossoverLag ?? 50;
  const scale = design.scale ?? 1;
  const u = scale * crossoverLag ** (hurst - 1);
  const walk = fractionalBrownianMotion(rng, rows, d, hurst, scale);
  const data = walk.data as Float64Array;
  for (let j = 0; j < d; j++) {
    const v = rng.next() < 0.5 ? -u : u;
    for (let i = 0; i < rows; i++) data[i * d + j] += v * i;
  }
  return walk;
}

/** Expected MSD of crossoverWalk. */
export function crossoverExpectedMsd(tau: number, d: number, design: CrossoverDesign = {}): number {
  const hurst = design.hurst ?? 0.25;
  const crossoverLag = design.crossoverLag ?? 50;
  const scale = design.scale ?? 1;
  const u = scale * crossoverLag ** (hurst - 1);
  return d * (scale * scale * tau ** (2 * hurst) + u * u * tau * tau);
}

export interface RegimeChangeDesign {
  readonly windows: number;
  readonly windowSize: number;
  /** Index of the first window in the subdiffusive regime (t0 = changeWindow * windowSize). */
  readonly changeWindow: number;
  /** Design of the superdiffusion-dominated windows before the change. */
  readonly before?: CrossoverDesign;
  /** Hurst exponent of the pure subdiffusive fBm after the change (alpha = 2H). Default 0.35. */
  readonly afterHurst?: number;
}

/**
 * Super-then-sub regime change (seed 000 Fig. 2: t_w < t0 two-segment MSDs with alpha > 1 at long
 * lags; t_w >= t0 one subdiffusive power law). Each window is an independent segment, continued
 * from the previous one's end so the path is continuous.
 */
export function regimeChangeWalk(rng: Rng, d: number, design: RegimeChangeDesign): RowChunk {
  const { windows, windowSize, changeWindow } = design;
  checkShape(windows * windowSize, d);
  const data = new Float64Array(windows * windowSize * d);
  const offset = new Float64Array(d);
  for (let w = 0; w < windows; w++) {
    const segment =
      w < changeWindow
        ? crossoverWalk(rng, windowSize, d, design.before)
        : fractionalBrownianMotion(rng, windowSize, d, design.afterHurst ?? 0.35);
    const base = w * windowSize * d;
    for (let k = 0; k < windowSize * d; k++) data[base + k] = segment.data[k] + offset[k % d];
    for (let j = 0; j < d; j++) offset[j] = data[base + (windowSize - 1) * d + j];
  }
  return { rows: windows * windowSize, d, data };
}

/**
 * Re-chunk an in-memory trajectory into a stream whose chunk sizes cycle through `chunkRows`
 * (e.g. odd sizes, to test that windowing does not depend on chunk boundaries).
 */
export function* chunkTrajectory(trajectory: RowChunk, chunkRows: readonly number[]): Generator<RowChunk> {
  const { rows, d, data } = trajectory;
  let r = 0;
  let k = 0;
  while (r < rows) {
    const n = Math.min(chunkRows[k % chunkRows.length], rows - r);
    if (!(n > 0))
      throw new AnalysisInputError(`chunk sizes must be positive, got ${chunkRows[k % chunkRows.length]}`);
    yield { rows: n, d, data: data.subarray(r * d, (r + n) * d) };
    r += n;
    k++;
  }
}

/**
 * A random walk generated chunk by chunk and never materialised (for benchmarks and memory tests):
 * float32 rows, uniform steps on [-stepScale/2, stepScale/2) per coordinate (variance stepScale^2/12).
 * The generator reuses one chunk buffer, so a consumer must copy what it keeps.
 */
export function* streamedRandomWalk(
  rng: Rng,
  rows: number,
  d: number,
  chunkRows = 250,
  stepScale = 1,
): Generator<RowChunk> {
  checkShape(rows, d);
  const position = new Float64Array(d);
  const buffer = new Float32Array(chunkRows * d);
  for (let r = 0; r < rows; r += chunkRows) {
    const n = Math.min(chunkRows, rows - r);
    for (let i = 0; i < n; i++) {
      const base = i * d;
      for (let j = 0; j < d; j++) {
        if (r + i > 0) position[j] += stepScale * (rng.next() - 0.5);
        buffer[base + j] = position[j];
      }
    }
    yield { rows: n, d, data: buffer.subarray(0, n * d) };
  }
}

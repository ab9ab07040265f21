/**
 * Mean squared displacement of one trajectory window (seed 000 Eq. 3; science-spec §1.2 and
 * "Project conventions").
 *
 * Two conventions, named in every result:
 * - "tamsd" (default): MSD(tau) = 1/(N - tau) * sum_{i=0}^{N-1-tau} ||w(i+tau) - w(i)||^2, tau = 1..N-1,
 *   the time average the seed's code computes (all pairs grouped by lag).
 * - "eq3": the seed's printed Eq. 3, (1/T) * sum_{t=0}^{T-1} ||w(t+tau) - w(t)||^2, tau = 1..T, which
 *   needs rows 0..2T-1 of the window. (The printed sum runs to t_w + T, i.e. T + 1 terms over 1/T; we
 *   follow the spec's T-term reading, which keeps the normaliser exact.)
 *
 * Squared displacements are summed over all d coordinates; `perParameter` is that sum / d.
 *
 * Cost is O(d M log M) with M the FFT size (a power of two >= 2N), by the autocorrelation identity
 *   sum_i (x_{i+tau} - x_i)^2 = sum_{i>=tau} x_i^2 + sum_{i<N-tau} x_i^2 - 2 sum_i x_{i+tau} x_i,
 * where the last (cross-)correlation comes from zero-padded FFTs. Two implementation choices make
 * it fast: (1) FFTs are linear, so the correlation spectra of all coordinates are summed and only
 * ONE inverse FFT is done per window; (2) two real columns x, y are packed into one complex FFT of
 * z = x + i y: the cross terms conj(X)Y - conj(Y)X are purely imaginary in the time domain, so the
 * real part of IFFT(conj(Za) Zb) is exactly the sum of both columns' correlations.
 * Coordinates are taken relative to the window's first row (MSD is translation invariant) so the
 * subtraction above does not lose digits when weights sit far from the origin.
 *
 * For the uncertainty of fits to the curve, column pairs (or, in wide windows, blocks of 32 columns) are also
 * dealt round-robin into up to `jackknifeGroups` disjoint coordinate groups whose spectra are accumulated
 * separately: the curve then comes with each group's contribution (they sum to the total), from which
 * `coordinateJackknife` in analyze.ts refits the exponent with one group left out. That costs one inverse FFT
 * per group per window and one pass over each column pair's row norms.
 */
import FFT from 'fft.js';
import { DEFAULT_JACKKNIFE_GROUPS, MIN_JACKKNIFE_GROUPS } from '../jackknife.js';
import { AnalysisInputError } from '../types.js';

export type MsdConvention = 'tamsd' | 'eq3';

/** An MSD curve over integer lags, with the convention that produced it. */
export interface MsdCurve {
  readonly convention: MsdConvention;
  /** Lags 1..maxLag (maxLag = N-1 for "tamsd", T for "eq3"). */
  readonly tau: Float64Array;
  /** MSD summed over all d coordinates. */
  readonly value: Float64Array;
  /** MSD per parameter: value / d. */
  readonly perParameter: Float64Array;
  readonly d: number;
  /**
   * Contributions of disjoint coordinate groups (column pairs, or 32-column blocks when there are at least as many
   * blocks as groups, dealt round-robin), summing to `value`;
   * absent when the window has fewer than MIN_JACKKNIFE_GROUPS column pairs.
   */
  readonly groups?: readonly Float64Array[];
}

export interface MsdCalculatorOptions {
  /** Coordinate groups for the jackknife (default 16; 0 or 1 turns grouping off). */
  readonly jackknifeGroups?: number;
}

/** A row-major block of trajectory rows, as windows and chunks provide it. */
export interface RowBlock {
  readonly rows: number;
  readonly d: number;
  readonly data: ArrayLike<number>;
}

/** Columns transposed per block: 32 float32 = one 128-byte run per row, cache friendly. */
const COLUMN_BLOCK = 32;

function nextPowerOfTwo(n: number): number {
  let m = 2;
  while (m < n) m *= 2;
  return m;
}

/** Rows a window must hold under a convention with window length T. */
export function windowSpan(convention: MsdConvention, windowSize: number): number {
  return convention === 'eq3' ? 2 * windowSize : windowSize;
}

/** Largest lag a convention reports (N-1 for "tamsd", T for "eq3"). */
export function maxLag(convention: MsdConvention, windowSize: number): number {
  return convention === 'eq3' ? windowSize : windowSize - 1;
}

/**
 * Reusable FFT MSD calculator for windows of fixed length T. Holds its FFT plan and scratch
 * buffers (about 0.6 MB for T = 1000) so a stream of windows allocates nothing per window except
 * the result curves.
 */
export class MsdCalculator {
  readonly convention: MsdConvention;
  readonly windowSize: number;
  private readonly span: number;
  private readonly fftSize: number;
  private readonly fft: FFT;
  /** COLUMN_BLOCK/2 interleaved complex inputs (pairs of columns), each 2*fftSize long, in one array. */
  private readonly pairFlat: Float64Array;
  private readonly pairInput: Float64Array[];
  /** Second input per pair for eq3: the first T rows only (the "t" side of the correlation). */
  private readonly pairHead: Float64Array[];
  private readonly spectrumA: Float64Array;
  private readonly spectrumB: Float64Array;
  /** Accumulated sum over columns of conj(A) B (interleaved complex). */
  private readonly accumulated: Float64Array;
  private readonly correlation: Float64Array;
  private readonly rowNorms: Float64Array;
  private readonly prefix: Float64Array;
  private readonly maxGroups: number;
  /** Per-group accumulated spectra (maxGroups x 2M) and row norms (maxGroups x span), allocated on first use. */
  private readonly groupSpectra: Float64Array[] = [];
  private readonly groupNorms: Float64Array[] = [];

  constructor(windowSize: number, convention: MsdConvention = 'tamsd', options: MsdCalculatorOptions = {}) {
    if (!Number.isInteger(windowSize) || windowSize < 2) {
      throw new AnalysisInputError(`MSD window size must be an integer >= 2, got ${windowSize}`);
    }
    this.convention = convention;
    this.windowSize = windowSize;
    this.span = windowSpan(convention, windowSize);
    // tamsd: linear autocorrelation of N points needs M >= 2N - 1. eq3: lags up to T of a T-point
    // head against 2T rows need t + tau <= 2T - 1 < M, so M >= 2T.
    this.fftSize = nextPowerOfTwo(convention === 'eq3' ? 2 * windowSize : 2 * windowSize - 1);
    this.fft = new FFT(this.fftSize);
    const pairs = COLUMN_BLOCK / 2;
    this.pairFlat = new Float64Array(pairs * 2 * this.fftSize);
    this.pairInput = Array.from({ length: pairs }, (_, p) =>
      this.pairFlat.subarray(p * 2 * this.fftSize, (p + 1) * 2 * this.fftSize),
    );
    this.pairHead =
      convention === 'eq3' ? Array.from({ length: pairs }, () => new Float64Array(2 * this.fftSize)) : [];
    this.spectrumA = new Float64Array(2 * this.fftSize);
    this.spectrumB = new Float64Array(2 * this.fftSize);
    this.accumulated = new Float64Array(2 * this.fftSize);
    this.correlation = new Float64Array(2 * this.fftSize);
    this.rowNorms = new Float64Array(this.span);
    this.prefix = new Float64Array(this.span + 1);
    const groups = options.jackknifeGroups ?? DEFAULT_JACKKNIFE_GROUPS;
    if (!Number.isInteger(groups) || groups < 0) {
      throw new AnalysisInputError(`jackknifeGroups must be a non-negative integer, got ${groups}`);
    }
    this.maxGroups = groups;
  }

  /**
   * MSD of one window (row-major, exactly `windowSpan(convention, T)` rows). Seed 000 Eq. 3 /
   * science-spec §1.2. Throws AnalysisInputError if the window has the wrong length or no motion.
   */
  compute(window: RowBlock): MsdCurve {
    const { rows, d, data } = window;
    if (rows !== this.span) {
      throw new AnalysisInputError(
        `${this.convention} MSD with T=${this.windowSize} needs windows of ${this.span} rows, got ${rows}`,
      );
    }
    if (data.length < rows * d) {
      throw new AnalysisInputError(`window claims ${rows} x ${d} values but holds ${data.length}`);
    }
    const groups = Math.min(this.maxGroups, (d + 1) >> 1);
    const grouped = groups >= MIN_JACKKNIFE_GROUPS;
    // Wide windows deal whole column blocks round-robin (the block's pairs then share one accumulator, which stays
    // in cache: per-pair dealing cost ~17% more at d = 2000); narrow ones deal single pairs so groups fill.
    const byBlock = Math.ceil(d / COLUMN_BLOCK) >= groups;
    const m2 = 2 * this.fftSize;
    if (grouped) {
      if (this.groupSpectra.length === 0) {
        const spectra = new Float64Array(this.maxGroups * m2);
        const norms = new Float64Array(this.maxGroups * this.span);
        for (let g = 0; g < this.maxGroups; g++) {
          this.groupSpectra.push(spectra.subarray(g * m2, (g + 1) * m2));
          this.groupNorms.push(norms.subarray(g * this.span, (g + 1) * this.span));
        }
      }
      for (let g = 0; g < groups; g++) {
        this.groupSpectra[g].fill(0);
        this.groupNorms[g].fill(0);
      }
    }
    this.accumulated.fill(0);
    this.rowNorms.fill(0);
    for (let j0 = 0; j0 < d; j0 += COLUMN_BLOCK) {
      const width = Math.min(COLUMN_BLOCK, d - j0);
      this.transposeBlock(window, j0, width);
      const pairs = (width + 1) >> 1;
      for (let p = 0; p < pairs; p++) {
        if (grouped) this.accumulatePairInto(p, (byBlock ? j0 / COLUMN_BLOCK : (j0 >> 1) + p) % groups);
        else this.accumulatePair(p, this.accumulated);
      }
    }
    if (!grouped) {
      this.fft.inverseTransform(this.correlation, this.accumulated);
      return this.assemble(d, this.rowNorms, this.correlation);
    }
    const parts: Float64Array[] = [];
    for (let g = 0; g < groups; g++) {
      const spectrum = this.groupSpectra[g];
      for (let k = 0; k < m2; k++) this.accumulated[k] += spectrum[k];
      this.fft.inverseTransform(this.correlation, spectrum);
      parts.push(this.assemble(d, this.groupNorms[g], this.correlation, false).value);
    }
    this.fft.inverseTransform(this.correlation, this.accumulated);
    return { ...this.assemble(d, this.rowNorms, this.correlation), groups: parts };
  }

  /** accumulatePair into group g's spectrum, and the pair's squared row norms into the group's. */
  private accumulatePairInto(p: number, g: number): void {
    this.accumulatePair(p, this.groupSpectra[g]);
    const norms = this.groupNorms[g];
    const input = this.pairInput[p];
    for (let i = 0; i < this.span; i++)
      norms[i] += input[2 * i] * input[2 * i] + input[2 * i + 1] * input[2 * i + 1];
  }

  /**
   * Copy columns j0..j0+width-1 into the interleaved pair buffers, relative to the window's first
   * row, and add their squares to the row norms. An odd last column is paired with zeros.
   * Subtracting the first row (MSD is translation invariant) keeps the identity's subtraction
   * well conditioned when weights sit far from the origin, without an extra pass for column means.
   */
  private transposeBlock(window: RowBlock, j0: number, width: number): void {
    const { rows, d, data } = window;
    const rowNorms = this.rowNorms;
    const flat = this.pairFlat;
    const stride = 2 * this.fftSize;
    const even = width & ~1;
    for (let i = 0; i < rows; i++) {
      const base = i * d + j0;
      let norm = 0;
      let out = 2 * i;
      for (let c = 0; c < even; c += 2) {
        const re = data[base + c] - data[j0 + c];
        const im = data[base + c + 1] - data[j0 + c + 1];
        flat[out] = re;
        flat[out + 1] = im;
        norm += re * re + im * im;
        out += stride;
      }
      if (even < width) {
        const re = data[base + even] - data[j0 + even];
        flat[out] = re;
        flat[out + 1] = 0;
        norm += re * re;
      }
      rowNorms[i] += norm;
    }
    if (this.convention === 'eq3') {
      const head = this.windowSize;
      const pairs = (width + 1) >> 1;
      for (let p = 0; p < pairs; p++) this.pairHead[p].set(this.pairInput[p].subarray(0, 2 * head));
    }
  }

  private accumulatePair(p: number, acc: Float64Array): void {
    const m = this.fftSize;
    if (this.convention === 'tamsd') {
      const z = this.spectrumA;
      this.fft.transform(z, this.pairInput[p]);
      for (let k = 0; k < 2 * m; k += 2) acc[k] += z[k] * z[k] + z[k + 1] * z[k + 1];
      return;
    }
    // eq3: sum_t a_t b_{t+tau}, a = first T rows (zero-padded), b = all 2T rows: spectrum conj(A) B.
    const a = this.spectrumA;
    const b = this.spectrumB;
    this.fft.transform(a, this.pairHead[p]);
    this.fft.transform(b, this.pairInput[p]);
    for (let k = 0; k < 2 * m; k += 2) {
      acc[k] += a[k] * b[k] + a[k + 1] * b[k + 1];
      acc[k + 1] += a[k] * b[k + 1] - a[k + 1] * b[k];
    }
  }

  /** The MSD curve from summed row norms and correlation; `check` guards the whole window (not a group). */
  private assemble(d: number, rowNorms: Float64Array, corr: Float64Array, check = true): MsdCurve {
    const prefix = this.prefix;
    prefix[0] = 0;
    for (let i = 0; i < this.span; i++) prefix[i + 1] = prefix[i] + rowNorms[i];
    if (check && !Number.isFinite(prefix[this.span])) {
      // streamWindows rejects such rows with their index; this guards direct callers.
      throw new AnalysisInputError('window contains NaN or infinite values: MSD needs finite weights');
    }
    if (check && prefix[this.span] === 0) {
      throw new AnalysisInputError(
        'window has no displacement (all rows identical): MSD is zero at every lag',
      );
    }
    const lags = maxLag(this.convention, this.windowSize);
    const tau = new Float64Array(lags);
    const value = new Float64Array(lags);
    const perParameter = new Float64Array(lags);
    const n = this.span;
    const t = this.windowSize;
    for (let lag = 1; lag <= lags; lag++) {
      const cross = corr[2 * lag];
      let msd: number;
      if (this.convention === 'tamsd') {
        msd = (prefix[n] - prefix[lag] + prefix[n - lag] - 2 * cross) / (n - lag);
      } else {
        msd = (prefix[lag + t] - prefix[lag] + prefix[t] - 2 * cross) / t;
      }
      tau[lag - 1] = lag;
      value[lag - 1] = msd;
      perParameter[lag - 1] = msd / d;
    }
    return { convention: this.convention, tau, value, perParameter, d };
  }
}

/** Time-averaged MSD of one window of N rows ("tamsd", science-spec §1.2) by FFT. See MsdCalculator. */
export function timeAveragedMsd(window: RowBlock): MsdCurve {
  return new MsdCalculator(window.rows, 'tamsd').compute(window);
}

/** Seed 000 Eq. 3 MSD of a window of 2T rows ("eq3", T = rows / 2) by FFT. See MsdCalculator. */
export function eq3Msd(window: RowBlock): MsdCurve {
  if (window.rows % 2 !== 0 || window.rows < 4) {
    throw new AnalysisInputError(`eq3 MSD needs an even number (2T >= 4) of rows, got ${window.rows}`);
  }
  return new MsdCalculator(window.rows / 2, 'eq3').compute(window);
}

/**
 * Reference O(d N^2) evaluation of either convention straight from its definition (seed 000 Eq. 3,
 * science-spec §1.2). For tests and small windows only.
 */
export function msdDirect(window: RowBlock, convention: MsdConvention, windowSize: number): MsdCurve {
  const { rows, d, data } = window;
  if (rows !== windowSpan(convention, windowSize)) {
    throw new AnalysisInputError(
      `${convention} MSD with T=${windowSize} needs ${windowSpan(convention, windowSize)} rows, got ${rows}`,
    );
  }
  const lags = maxLag(convention, windowSize);
  const tau = new Float64Array(lags);
  const value = new Float64Array(lags);
  const perParameter = new Float64Array(lags);
  for (let lag = 1; lag <= lags; lag++) {
    const count = convention === 'tamsd' ? rows - lag : windowSize;
    let sum = 0;
    for (let i = 0; i < count; i++) {
      const a = i * d;
      const b = (i + lag) * d;
      for (let j = 0; j < d; j++) {
        const diff = data[b + j] - data[a + j];
        sum += diff * diff;
      }
    }
    tau[lag - 1] = lag;
    value[lag - 1] = sum / count;
    perParameter[lag - 1] = sum / count / d;
  }
  return { convention, tau, value, perParameter, d };
}

/**
 * Pairwise geometry of one trajectory window: every squared end-to-end distance D_ij = ||w_j - w_i||^2
 * and every contour length S_ij = sum_{k=i+1}^{j} ||w_k - w_{k-1}|| (seed 000 §"fractal trajectories",
 * science-spec §1.5). All pairs of a 1000-row window are needed by the fractal-dimension, transverse-excursion
 * and MSL estimators, so they share this one O(N^2 d) pass.
 */
import { AnalysisInputError, type RowChunk } from '../types.js';

/** Windows larger than this would need a Gram matrix of more than ~3 GB. */
const MAX_WINDOW_ROWS = 20_000;

/**
 * Dot products and cumulative step lengths of a window, from which any pair's D_ij and S_ij follow in O(1).
 *
 * D_ij comes from the Gram matrix (||x_i||^2 + ||x_j||^2 - 2 x_i.x_j) accumulated in float64, so its cost is
 * one dot product per pair rather than one d-vector difference per pair. Rows are taken relative to the
 * window's first row: weights are usually far larger than their displacements, and subtracting a nearby
 * origin first keeps the cancellation in the Gram identity small.
 */
export class WindowGeometry {
  /** Number of rows N. */
  readonly rows: number;
  /** Symmetric N x N Gram matrix of x_i = w_i - w_0, row-major. */
  readonly gram: Float64Array;
  /**
   * cumulativeContour[j] = sum_{k=1}^{j} ||w_k - w_{k-1}||, so S_ij = cumulativeContour[j] - cumulativeContour[i].
   * The seed's MATLAB code starts the sum at k = i, adding the step that arrives at i (an off-by-one, spec §1.5);
   * this sum starts at k = i + 1, the contour actually travelled between i and j.
   */
  readonly cumulativeContour: Float64Array;

  constructor(window: RowChunk) {
    const { rows: n, d, data } = window;
    if (n < 2) throw new AnalysisInputError(`window geometry: need at least 2 rows, got ${n}`);
    if (n > MAX_WINDOW_ROWS)
      throw new AnalysisInputError(`window geometry: ${n} rows exceeds ${MAX_WINDOW_ROWS}`);
    if (data.length < n * d)
      throw new AnalysisInputError(`window geometry: data holds ${data.length} < ${n}x${d}`);
    this.rows = n;
    // Float32 input stays float32 after centring (halving memory for wide windows); the difference of two
    // nearby float32 values loses nothing that the input had, and every dot product accumulates in float64.
    const x = data instanceof Float32Array ? new Float32Array(n * d) : new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      const o = i * d;
      for (let c = 0; c < d; c++) x[o + c] = data[o + c] - data[c];
    }
    this.gram = gramMatrix(x, n, d);
    // Step lengths directly from differences of neighbouring rows: exact, and free of Gram cancellation
    // exactly where it would hurt most (the smallest distances).
    const cum = new Float64Array(n);
    for (let k = 1; k < n; k++) {
      let s = 0;
      const a = (k - 1) * d;
      const b = k * d;
      for (let c = 0; c < d; c++) {
        const v = x[b + c] - x[a + c];
        s += v * v;
      }
      cum[k] = cum[k - 1] + Math.sqrt(s);
    }
    this.cumulativeContour = cum;
  }

  /** Squared end-to-end distance D_ij = ||w_j - w_i||^2 (clamped at 0 against rounding). */
  sqDistance(i: number, j: number): number {
    const n = this.rows;
    const g = this.gram;
    const v = g[i * n + i] + g[j * n + j] - 2 * g[i * n + j];
    return Math.max(v, 0);
  }

  /** Contour length S_ij = sum_{k=i+1}^{j} ||w_k - w_{k-1}|| for i <= j. */
  contour(i: number, j: number): number {
    return this.cumulativeContour[j] - this.cumulativeContour[i];
  }

  /** (w_a - w_o) . (w_b - w_o): the dot product of two displacements from a common origin row o. */
  displacementDot(o: number, a: number, b: number): number {
    const n = this.rows;
    const g = this.gram;
    return g[a * n + b] - g[a * n + o] - g[o * n + b] + g[o * n + o];
  }

  /** All pairs i < j in row-major pair order: contour lengths S and squared distances D. */
  allPairs(): { contour: Float64Array; sqDistance: Float64Array; first: Uint32Array; second: Uint32Array } {
    const n = this.rows;
    const m = (n * (n - 1)) / 2;
    const contour = new Float64Array(m);
    const sqDistance = new Float64Array(m);
    const first = new Uint32Array(m);
    const second = new Uint32Array(m);
    let p = 0;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        contour[p] = this.contour(i, j);
        sqDistance[p] = this.sqDistance(i, j);
        first[p] = i;
        second[p] = j;
        p++;
      }
    }
    return { contour, sqDistance, first, second };
  }
}

/**
 * Symmetric Gram matrix G = X X^T of n rows of length d, float64. The inner loop is unrolled by four rows
 * so each loaded element of row i is reused four times (the cost is memory-bound for large d).
 */
export function gramMatrix(x: Float32Array | Float64Array, n: number, d: number): Float64Array {
  const g = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const oi = i * d;
    let j = 0;
    for (; j + 3 <= i; j += 4) {
      const o0 = j * d;
      const o1 = o0 + d;
      const o2 = o1 + d;
      const o3 = o2 + d;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let c = 0; c < d; c++) {
        const v = x[oi + c];
        s0 += v * x[o0 + c];
        s1 += v * x[o1 + c];
        s2 += v * x[o2 + c];
        s3 += v * x[o3 + c];
      }
      g[i * n + j] = s0;
      g[i * n + j + 1] = s1;
      g[i * n + j + 2] = s2;
      g[i * n + j + 3] = s3;
    }
    for (; j <= i; j++) {
      const oj = j * d;
      let s = 0;
      for (let c = 0; c < d; c++) s += x[oi + c] * x[oj + c];
      g[i * n + j] = s;
    }
    for (let k = 0; k < i; k++) g[k * n + i] = g[i * n + k];
  }
  return g;
}

import { createRng } from '@sgdscope/analysis';
import { symmetricEigen } from './symmetric-eigen.js';

export interface LanczosOptions {
  /** Number of top (largest algebraic) eigenvalues wanted (spec §5.13: 20). */
  readonly k: number;
  /** Krylov dimension m ≥ k; more steps converge the top of the spectrum further. Default max(2k + 10, 30), ≤ d. */
  readonly steps?: number;
  readonly seed?: number;
}

export interface LanczosResult {
  /** Top-k Ritz values, descending. */
  readonly values: Float64Array;
  /** Residual norms ‖Hy − θy‖ = |β_m · s_m| of the Ritz pairs, a posteriori error bounds. */
  readonly residuals: Float64Array;
  readonly steps: number;
}

/**
 * Top-k eigenvalues of a symmetric operator by the Lanczos iteration with full reorthogonalisation (each new
 * vector is Gram–Schmidt-ed twice against the whole basis, so no spurious copies of converged eigenvalues
 * appear; Golub & Van Loan §10.1). Spec §5.13 recommends Lanczos top-20 over seed 000's deflated power
 * iteration (§1.9). An invariant subspace found early (β ≈ 0) ends the iteration with exact eigenvalues.
 */
export function lanczosTopEigenvalues(
  apply: (v: Float64Array) => Float64Array,
  dimension: number,
  options: LanczosOptions,
): LanczosResult {
  const m = Math.min(dimension, options.steps ?? Math.max(2 * options.k + 10, 30));
  const rng = createRng(options.seed ?? 0);
  const basis: Float64Array[] = [];
  const alpha: number[] = [];
  const beta: number[] = [];
  let q: Float64Array = Float64Array.from({ length: dimension }, () => rng.normal());
  scale(q, 1 / norm(q));
  let betaLast = 0;
  for (let j = 0; j < m; j++) {
    basis.push(q);
    const w = apply(q);
    const a = dot(w, q);
    alpha.push(a);
    for (let pass = 0; pass < 2; pass++) {
      for (const b of basis) axpy(w, -dot(w, b), b);
    }
    const bNorm = norm(w);
    betaLast = bNorm;
    if (j === m - 1 || bNorm < 1e-10 * Math.max(1, Math.abs(a))) break;
    beta.push(bNorm);
    scale(w, 1 / bNorm);
    q = w;
  }
  const size = alpha.length;
  const t = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    t[i * size + i] = alpha[i];
    if (i + 1 < size) {
      t[i * size + i + 1] = beta[i];
      t[(i + 1) * size + i] = beta[i];
    }
  }
  const { values, vectors } = symmetricEigen(t, size);
  const k = Math.min(options.k, size);
  return {
    values: values.slice(0, k),
    residuals: Float64Array.from({ length: k }, (_, i) => Math.abs(betaLast * vectors[i][size - 1])),
    steps: size,
  };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function norm(a: Float64Array): number {
  return Math.sqrt(dot(a, a));
}

function scale(a: Float64Array, factor: number): void {
  for (let i = 0; i < a.length; i++) a[i] *= factor;
}

function axpy(y: Float64Array, a: number, x: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i] += a * x[i];
}

/**
 * Kramers escape-time predictions of seed 001 (Xie, Sato & Sugiyama, ICLR 2021), for overlays on measured rates.
 * Times are in dynamical units t = eta × iterations, as in the theorems; the rate is 1/τ.
 */

/** Inputs of Theorem 3.1 (SGLD, isotropic diffusion D). */
export interface SgldKramersInput {
  /** det H_a at the minimum (> 0). */
  readonly detHa: number;
  /** det H_b at the saddle (< 0: one negative eigenvalue). */
  readonly detHb: number;
  /** H_be, the negative Hessian eigenvalue at the saddle along the escape direction. */
  readonly hbe: number;
  /** Barrier ΔL = L(b) − L(a) > 0. */
  readonly deltaL: number;
  /** Diffusion coefficient (temperature) D > 0. */
  readonly diffusion: number;
}

/** Seed 001 Theorem 3.1: τ = 2π √(−det H_b / det H_a) (1/|H_be|) exp(ΔL/D). */
export function sgldEscapeTime(p: SgldKramersInput): number {
  return (
    2 * Math.PI * Math.sqrt(-p.detHb / p.detHa) * (1 / Math.abs(p.hbe)) * Math.exp(p.deltaL / p.diffusion)
  );
}

/** Inputs of Theorem 3.2 (SGD, diffusion D = eta/(2B) [H]_+). */
export interface SgdKramersInput {
  /** H_ae > 0, the Hessian eigenvalue at the minimum along the escape direction. */
  readonly hae: number;
  /** H_be < 0, the eigenvalue at the saddle along the escape direction. */
  readonly hbe: number;
  readonly deltaL: number;
  readonly learningRate: number;
  readonly batchSize: number;
  /** Path-dependent constant s in (0, 1). */
  readonly s: number;
}

/** Seed 001 Theorem 3.2: τ = 2π (1/|H_be|) exp[(2BΔL/η)(s/H_ae + (1−s)/|H_be|)]. */
export function sgdEscapeTime(p: SgdKramersInput): number {
  const hb = Math.abs(p.hbe);
  return (
    ((2 * Math.PI) / hb) *
    Math.exp(((2 * p.batchSize * p.deltaL) / p.learningRate) * (p.s / p.hae + (1 - p.s) / hb))
  );
}

/** Inputs of the one-dimensional general form (seed 001 Appendix A.2) with local temperatures T_a, T_b. */
export interface OneDimKramersInput {
  readonly ha: number;
  readonly hb: number;
  readonly ta: number;
  readonly tb: number;
  readonly deltaL: number;
  readonly s: number;
}

/** Seed 001 App. A.2: τ = 2π √(T_a/T_b) / √(H_a |H_b|) · exp(sΔL/T_a + (1−s)ΔL/T_b). */
export function oneDimEscapeTime(p: OneDimKramersInput): number {
  return (
    ((2 * Math.PI * Math.sqrt(p.ta / p.tb)) / Math.sqrt(p.ha * Math.abs(p.hb))) *
    Math.exp((p.s * p.deltaL) / p.ta + ((1 - p.s) * p.deltaL) / p.tb)
  );
}

/**
 * Predicted slope of −log γ = log τ from Theorem 3.2 on each linear axis (science-spec §3.1), ignoring the weakly
 * varying prefactor: against B, (2ΔL/η)(s/H_ae + (1−s)/|H_be|); against 1/η, 2BΔL(s/H_ae + (1−s)/|H_be|);
 * against 1/k, (2BΔL/η)(s/H_ae + (1−s)/|H_be|) with hae and hbe taken at k = 1 (H scales as k).
 */
export function sgdLogRateSlope(
  p: SgdKramersInput,
  axis: 'batchSize' | 'inverseLearningRate' | 'inverseSharpness',
): number {
  const c = p.deltaL * (p.s / p.hae + (1 - p.s) / Math.abs(p.hbe));
  if (axis === 'batchSize') return (2 * c) / p.learningRate;
  if (axis === 'inverseLearningRate') return 2 * p.batchSize * c;
  return (2 * p.batchSize * c) / p.learningRate;
}

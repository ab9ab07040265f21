/**
 * Styblinski–Tang escape problem of seed 001 (Xie, Sato & Sugiyama, ICLR 2021, §5 and App. D.1;
 * science-spec §2.2, §5 item 14). The setting text of App. D.1 is lost, so the protocol is the spec's
 * RECONSTRUCTED one; every constant is a parameter.
 *
 * f(theta) = (1/2) sum_i (theta_i^4 - 16 theta_i^2 + 5 theta_i); sharpness k: f_k(theta) = f(sqrt(k) theta),
 * which scales the Hessian by k, keeps loss values and scales positions by 1/sqrt(k). The Hessian is
 * diagonal, so escape in d dimensions is d coupled-by-nothing 1-D problems raced against each other.
 */
import type { Rng } from '@sgdscope/analysis';

/** One coordinate's term g(t) = (t^4 - 16 t^2 + 5 t) / 2. */
export function stTerm(t: number): number {
  return 0.5 * (t ** 4 - 16 * t * t + 5 * t);
}

/** g'(t) = 2 t^3 - 16 t + 5/2. */
export function stTermDerivative(t: number): number {
  return 2 * t * t * t - 16 * t + 2.5;
}

/** g''(t) = 6 t^2 - 16. */
export function stTermCurvature(t: number): number {
  return 6 * t * t - 16;
}

/** Full loss f_k(theta) = sum_i g(sqrt(k) theta_i). */
export function styblinskiTang(theta: ArrayLike<number>, sharpness = 1): number {
  const s = Math.sqrt(sharpness);
  let f = 0;
  for (let i = 0; i < theta.length; i++) f += stTerm(s * theta[i]);
  return f;
}

/** The three critical points of g (at k = 1), by Newton from bracketing starts: [left minimum, col, right minimum]. */
export function stCriticalPoints(): {
  readonly leftMin: number;
  readonly col: number;
  readonly rightMin: number;
} {
  const newton = (t0: number): number => {
    let t = t0;
    for (let i = 0; i < 60; i++) t -= stTermDerivative(t) / stTermCurvature(t);
    return t;
  };
  return { leftMin: newton(-3), col: newton(0), rightMin: newton(3) };
}

export interface EscapeDynamics {
  /** 'sgd': theta - eta grad f + eta C^{1/2} xi with C = [H(theta)]_+ / B (|eigenvalues|, seed 001 Thm 3.2);
   *  'sgd-fixed': the same with C frozen at H(theta_0)/B (the spec's secondary model: [H]_+ vanishes at the inflection points);
   *  'sgld': theta - eta grad f + sqrt(2 eta D) xi (isotropic, Thm 3.1). */
  readonly noise: 'sgd' | 'sgd-fixed' | 'sgld';
  readonly eta: number;
  /** Batch size B of the SGD noise model (continuous). */
  readonly batchSize: number;
  /** Isotropic diffusion D (temperature) of SGLD. */
  readonly diffusion: number;
  readonly sharpness: number;
  readonly dimension: number;
  /** Which minimum every coordinate starts in (at k = 1: -2.90353 'global' or 2.74680 'local'). */
  readonly startMinimum: 'global' | 'local';
  readonly repeats: number;
  /** Step budget; runs still inside the valley then are censored. */
  readonly maxSteps: number;
}

export interface EscapeSimulation {
  /** Iterations to escape (the step at which a coordinate first crossed the col), or maxSteps when censored. */
  readonly iterations: Float64Array;
  /** 1 where the run escaped, 0 where it was censored at the budget (or stopped by cancellation). */
  readonly escaped: Uint8Array;
  /** Steps actually simulated (less than maxSteps when canceled). */
  readonly stepsRun: number;
  /** Start coordinate and col at this sharpness. */
  readonly start: number;
  readonly col: number;
}

/**
 * Simulates `repeats` independent walkers at once (Float64Array of repeats x dimension, vectorised over
 * repeats) until every one has crossed the col 0.15673/sqrt(k) in some coordinate or the budget runs out.
 * `onBlock(step, active)` is awaited every 1000 steps; resolving false stops early (cancellation).
 */
export async function simulateEscapes(
  dyn: EscapeDynamics,
  rng: Rng,
  onBlock?: (step: number, active: number) => boolean | Promise<boolean>,
): Promise<EscapeSimulation> {
  const { eta, batchSize, diffusion, sharpness, dimension: d, repeats, maxSteps } = dyn;
  const crit = stCriticalPoints();
  const sk = Math.sqrt(sharpness);
  const start = (dyn.startMinimum === 'global' ? crit.leftMin : crit.rightMin) / sk;
  const col = crit.col / sk;
  // Escape means leaving the start's valley: crossing the col from the start's side.
  const side = start < col ? -1 : 1;
  const theta = new Float64Array(repeats * d).fill(start);
  const iterations = new Float64Array(repeats).fill(maxSteps);
  const escaped = new Uint8Array(repeats);
  const active: number[] = Array.from({ length: repeats }, (_, i) => i);
  const sgldScale = Math.sqrt(2 * eta * diffusion);
  const fixedScale = eta * Math.sqrt(Math.abs(sharpness * stTermCurvature(sk * start)) / batchSize);
  let step = 0;
  while (step < maxSteps && active.length > 0) {
    step++;
    for (let a = active.length - 1; a >= 0; a--) {
      const r = active[a];
      const base = r * d;
      let out = false;
      for (let i = 0; i < d; i++) {
        const th = theta[base + i];
        const t = sk * th;
        const grad = sk * stTermDerivative(t);
        let scale: number;
        if (dyn.noise === 'sgd')
          scale = eta * Math.sqrt(Math.abs(sharpness * stTermCurvature(t)) / batchSize);
        else if (dyn.noise === 'sgd-fixed') scale = fixedScale;
        else scale = sgldScale;
        const next = th - eta * grad + scale * rng.normal();
        theta[base + i] = next;
        if ((next - col) * side <= 0) out = true;
      }
      if (out) {
        iterations[r] = step;
        escaped[r] = 1;
        active[a] = active[active.length - 1];
        active.pop();
      }
    }
    if (onBlock && step % 1000 === 0 && !(await onBlock(step, active.length))) break;
  }
  // Runs left active when stopped early are censored at the steps actually simulated.
  for (const r of active) iterations[r] = step;
  return { iterations, escaped, stepsRun: step, start, col };
}

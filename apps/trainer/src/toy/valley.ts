/**
 * Nearly degenerate valley of seed 002 (Yang, Tang & Tu, PRL 130, 237101 (2023), supplement §I–II;
 * science-spec §2.3 and §5 item 16). The main-text equations are RECONSTRUCTED in the spec:
 *
 *   L(x, y) = (1/2) lambda(x) y^2 + (epsilon/2) x^2,  lambda(x) = a0 + a2 x^2 + a4 x^4   (Eq. 9; default 1 - x^2 + x^4)
 *   L_mu(theta) = L(theta - xi_mu),  xi_mu ~ N(0, Delta_S I) drawn fresh each step     (Eq. 8 / S1)
 *   theta <- theta - eta grad L_mu(theta)
 *
 * x is the degenerate (slow) variable, y the non-degenerate one. Phases: I converges to x = 0 (the sharp
 * global minimum), II to ±x_s (flatter points, 0 < |x_s| <= x_f), III diverges.
 */
import { classifyRun, type Phase, type Rng } from '@sgdscope/analysis';

export type { Phase };

export interface ValleyShape {
  readonly a0: number;
  readonly a2: number;
  readonly a4: number;
  readonly epsilon: number;
}

export const DEFAULT_VALLEY: ValleyShape = { a0: 1, a2: -1, a4: 1, epsilon: 0.01 };

export function curvature(shape: ValleyShape, x: number): number {
  const x2 = x * x;
  return shape.a0 + shape.a2 * x2 + shape.a4 * x2 * x2;
}

export function curvatureSlope(shape: ValleyShape, x: number): number {
  return 2 * shape.a2 * x + 4 * shape.a4 * x * x * x;
}

export function curvatureSecond(shape: ValleyShape, x: number): number {
  return 2 * shape.a2 + 12 * shape.a4 * x * x;
}

export function valleyLoss(shape: ValleyShape, x: number, y: number): number {
  return 0.5 * curvature(shape, x) * y * y + 0.5 * shape.epsilon * x * x;
}

/**
 * Flatness F = (tr H)^{-1/2} (supplement Eq. S6): H = [[lambda'' y^2/2 + epsilon, lambda' y], [lambda' y, lambda]].
 * On the valley floor (y = 0) this is (lambda(x) + epsilon)^{-1/2}.
 */
export function flatness(shape: ValleyShape, x: number, y: number): number {
  const trace = curvatureSecond(shape, x) * y * y * 0.5 + shape.epsilon + curvature(shape, x);
  return trace > 0 ? 1 / Math.sqrt(trace) : Number.NaN;
}

/** Flattest points ±x_f = ±sqrt(-a2 / (2 a4)) of a double well (0 when a2 >= 0). */
export function flattestPoint(shape: ValleyShape): number {
  return shape.a2 < 0 && shape.a4 > 0 ? Math.sqrt(-shape.a2 / (2 * shape.a4)) : 0;
}

export interface ValleyRunOptions {
  readonly eta: number;
  /**
   * 'shift': the literal random-shift gradient grad L(theta - xi) (Eq. 8). Its mean is the gradient of the
   * Gaussian-smoothed loss L + (Delta_S/2) tr H + ..., so beyond first order it adds a flatness-seeking drift
   * proportional to Delta_S alone, and the I/II boundary sits near Delta_S ≈ epsilon/|a2| for small eta.
   * 'linear': the first-order expansion grad L(theta) - H(theta) xi that the supplement's Eqs. S2–S4 use
   * (mean exactly grad L, covariance exactly Delta_S H^2), whose I/II boundary is the hyperbola eta Delta_S = Delta_c.
   */
  readonly gradientNoise: 'shift' | 'linear';
  /** Shift variance Delta_S (plays 1/B). */
  readonly shiftVariance: number;
  readonly steps: number;
  readonly replicates: number;
  /** Start (x0, y0); x0 drawn uniform in ±startSpread around startX when startSpread > 0. */
  readonly startX: number;
  readonly startY: number;
  readonly startSpread: number;
  /** |x| or |y| beyond this (or NaN) counts as divergence (phase III). */
  readonly divergeAbove: number;
  /** Fraction of the run at its end averaged as the steady state. */
  readonly tailFraction: number;
  /** Every how many steps x is kept for the search-time measurement and the recorded path. */
  readonly recordEvery: number;
}

export interface ValleyReplicate {
  readonly diverged: boolean;
  /** Step of divergence, or -1. */
  readonly divergedAt: number;
  readonly finalX: number;
  readonly finalY: number;
  /** Mean |x| and mean x^2, y^2 over the tail window (NaN when diverged). */
  readonly tailAbsX: number;
  readonly tailVarX: number;
  readonly tailVarY: number;
  /** Flatness (tr H)^{-1/2} at (tail mean |x|, 0). */
  readonly flatness: number;
}

export interface ValleyRun {
  readonly replicates: readonly ValleyReplicate[];
  /** x of every replicate every recordEvery steps: replicates rows x samples columns. */
  readonly xPath: Float64Array;
  readonly samples: number;
  readonly stepsRun: number;
}

/**
 * Runs `replicates` independent SGD chains on the random-shift minibatch loss (Eq. 8) for `steps` steps.
 * `onBlock(step)` is awaited every 1000 steps; resolving false stops early (cancellation).
 */
export async function simulateValley(
  shape: ValleyShape,
  options: ValleyRunOptions,
  rng: Rng,
  onBlock?: (step: number) => boolean | Promise<boolean>,
): Promise<ValleyRun> {
  const { eta, shiftVariance, steps, replicates: R, divergeAbove, recordEvery } = options;
  const shiftStd = Math.sqrt(shiftVariance);
  const samples = Math.floor(steps / recordEvery) + 1;
  const xPath = new Float64Array(R * samples).fill(Number.NaN);
  const x = new Float64Array(R);
  const y = new Float64Array(R);
  const divergedAt = new Int32Array(R).fill(-1);
  const tailStart = Math.floor(steps * (1 - options.tailFraction));
  const sumAbsX = new Float64Array(R);
  const sumX2 = new Float64Array(R);
  const sumY2 = new Float64Array(R);
  for (let r = 0; r < R; r++) {
    x[r] = options.startX + (options.startSpread > 0 ? (2 * rng.next() - 1) * options.startSpread : 0);
    y[r] = options.startY;
    xPath[r * samples] = x[r];
  }
  const linear = options.gradientNoise === 'linear';
  let stepsRun = 0;
  for (let t = 1; t <= steps; t++) {
    for (let r = 0; r < R; r++) {
      if (divergedAt[r] >= 0) continue;
      const xiX = shiftStd * rng.normal();
      const xiY = shiftStd * rng.normal();
      let gx: number;
      let gy: number;
      if (linear) {
        // grad L(theta) - H(theta) xi, H = [[lambda'' y^2/2 + epsilon, lambda' y], [lambda' y, lambda]] (Eq. S6).
        const cx = x[r];
        const cy = y[r];
        const slope = curvatureSlope(shape, cx);
        const hxx = 0.5 * curvatureSecond(shape, cx) * cy * cy + shape.epsilon;
        const hxy = slope * cy;
        const hyy = curvature(shape, cx);
        gx = 0.5 * slope * cy * cy + shape.epsilon * cx - (hxx * xiX + hxy * xiY);
        gy = hyy * cy - (hxy * xiX + hyy * xiY);
      } else {
        // Gradient of the shifted loss L(theta - xi) at theta = gradient of L at theta - xi.
        const sx = x[r] - xiX;
        const sy = y[r] - xiY;
        gx = 0.5 * curvatureSlope(shape, sx) * sy * sy + shape.epsilon * sx;
        gy = curvature(shape, sx) * sy;
      }
      const nx = x[r] - eta * gx;
      const ny = y[r] - eta * gy;
      if (!(Math.abs(nx) <= divergeAbove && Math.abs(ny) <= divergeAbove)) {
        divergedAt[r] = t;
        x[r] = nx;
        y[r] = ny;
        continue;
      }
      x[r] = nx;
      y[r] = ny;
      if (t > tailStart) {
        sumAbsX[r] += Math.abs(nx);
        sumX2[r] += nx * nx;
        sumY2[r] += ny * ny;
      }
      if (t % recordEvery === 0) xPath[r * samples + t / recordEvery] = nx;
    }
    stepsRun = t;
    if (onBlock && t % 1000 === 0 && !(await onBlock(t))) break;
  }
  const tailCount = Math.max(1, stepsRun - tailStart);
  const replicates: ValleyReplicate[] = [];
  for (let r = 0; r < R; r++) {
    const diverged = divergedAt[r] >= 0;
    const tailAbsX = diverged ? Number.NaN : sumAbsX[r] / tailCount;
    replicates.push({
      diverged,
      divergedAt: divergedAt[r],
      finalX: x[r],
      finalY: y[r],
      tailAbsX,
      tailVarX: diverged ? Number.NaN : sumX2[r] / tailCount,
      tailVarY: diverged ? Number.NaN : sumY2[r] / tailCount,
      flatness: diverged ? Number.NaN : flatness(shape, tailAbsX, 0),
    });
  }
  return { replicates, xPath, samples, stepsRun };
}

export interface PhaseCriteria {
  /** Fraction of diverged replicates from which the cell is phase III. */
  readonly divergedFraction: number;
  /** A replicate whose steady-state mean |x| is below this is phase I (a fraction of x_f). */
  readonly phaseOneBelow: number;
  /** |x| beyond this, or non-finite, is divergence (the simulation's own cutoff). */
  readonly divergeAbove: number;
  /** Fraction of the recorded path, from its end, treated as steady state. */
  readonly steadyFraction: number;
}

export interface CellPhase {
  readonly phase: Phase;
  /** Median over non-diverged replicates of the steady-state mean |x| (estimate of x_s in phase II). */
  readonly medianAbsX: number;
  readonly counts: Readonly<Record<Phase, number>>;
}

/**
 * Cell classification (science-spec §3.4): each replicate's recorded x path is classified by
 * `@sgdscope/analysis` classifyRun (I: steady mean |x| below phaseOneBelow, II: above, III: non-finite or
 * beyond the cutoff); the cell is III when at least `divergedFraction` of replicates are, else the more
 * frequent of I and II (ties go to II, the phase that needs the noise).
 */
export function classifyPhase(run: ValleyRun, criteria: PhaseCriteria): CellPhase {
  const counts: Record<Phase, number> = { I: 0, II: 0, III: 0 };
  const settled: number[] = [];
  run.replicates.forEach((_, r) => {
    const path = run.xPath.subarray(r * run.samples, (r + 1) * run.samples);
    const c = classifyRun(path, {
      zeroTolerance: criteria.phaseOneBelow,
      divergenceCutoff: criteria.divergeAbove,
      steadyFraction: criteria.steadyFraction,
    });
    counts[c.phase]++;
    if (c.phase !== 'III') settled.push(c.meanAbsX);
  });
  const R = run.replicates.length;
  const medianAbsX = median(settled);
  if (R === 0 || counts.III / R >= criteria.divergedFraction || settled.length === 0) {
    return { phase: 'III', medianAbsX, counts };
  }
  return { phase: counts.I > counts.II ? 'I' : 'II', medianAbsX, counts };
}

/**
 * Search time t_s = eta x (mean over converged replicates of the first recorded step at which |x| comes
 * within `tolerance` of the cell's steady-state |x|) (science-spec §2.3). Resolution: recordEvery steps.
 * Replicates that never arrive are left out; their count is returned.
 */
export function searchTime(
  run: ValleyRun,
  target: number,
  tolerance: number,
  eta: number,
  recordEvery: number,
): { searchTime: number; arrived: number } {
  let sum = 0;
  let arrived = 0;
  run.replicates.forEach((rep, r) => {
    if (rep.diverged) return;
    for (let s = 0; s < run.samples; s++) {
      const v = run.xPath[r * run.samples + s];
      if (Number.isFinite(v) && Math.abs(Math.abs(v) - target) <= tolerance) {
        sum += s * recordEvery;
        arrived++;
        return;
      }
    }
  });
  return { searchTime: arrived > 0 ? (eta * sum) / arrived : Number.NaN, arrived };
}

function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * The SGD walker of seed 000's toy model (§III.5, Eq. 10) exactly as `simplified_SGD_model.m` runs it
 * (science-spec §2.1, §5 item 8): L = 10 - z on [-1, 1]^2, z linearly interpolated onto a lookup grid of
 * spacing 1e-3, central-difference gradient read at the first lookup node above the current point,
 * x <- x - eta dL/dx + sigma g per coordinate (noise NOT multiplied by eta, unlike the printed Eq. 10),
 * and steps that would leave the box re-drawn (up to `maxRedraws` times).
 *
 * Deliberate differences from the repo, both statistically neutral: the repo indexes the transposed map
 * (the walker descends z^T; a random landscape and its transpose are equally likely), and it records the
 * y-gradient twice as "gradient_x"; here both gradient components are recorded correctly.
 */
import type { Rng } from '@sgdscope/analysis';
import type { Grid2D } from './fractal-landscape.js';

/** Loss surface L = offset - z(u) sampled on a fine lookup grid over [-1, 1]^2 by bilinear interpolation. */
export class LookupSurface {
  /** Lookup-grid nodes per side ((2 / spacing) + 1; the repo's 2001). */
  readonly nodes: number;
  readonly spacing: number;
  private readonly heights: Grid2D;
  private readonly offset: number;

  constructor(heights: Grid2D, spacing = 1e-3, offset = 10) {
    this.heights = heights;
    this.spacing = spacing;
    this.offset = offset;
    this.nodes = Math.round(2 / spacing) + 1;
  }

  /** Loss at lookup node (row, col), i.e. at u = (-1 + col h, -1 + row h); linear interpolation like griddedInterpolant. */
  lossAtNode(row: number, col: number): number {
    const h = this.spacing;
    return this.lossAt(-1 + col * h, -1 + row * h);
  }

  /** Loss at any point of [-1, 1]^2 (bilinear in the height grid). */
  lossAt(ux: number, uy: number): number {
    const { size, values } = this.heights;
    const last = size - 1;
    const gx = Math.min(Math.max(((ux + 1) / 2) * last, 0), last);
    const gy = Math.min(Math.max(((uy + 1) / 2) * last, 0), last);
    const c0 = Math.min(Math.floor(gx), last - 1);
    const r0 = Math.min(Math.floor(gy), last - 1);
    const fx = gx - c0;
    const fy = gy - r0;
    const i = r0 * size + c0;
    const top = values[i] * (1 - fx) + values[i + 1] * fx;
    const bottom = values[i + size] * (1 - fx) + values[i + size + 1] * fx;
    return this.offset - (top * (1 - fy) + bottom * fy);
  }

  /**
   * MATLAB `gradient(L, h)` at lookup node (row, col): central differences inside, one-sided on the border.
   * Writes [dL/dx, dL/dy] into out.
   */
  gradientAtNode(row: number, col: number, out: Float64Array): void {
    const n = this.nodes;
    const h = this.spacing;
    const cl = col > 0 ? col - 1 : col;
    const cr = col < n - 1 ? col + 1 : col;
    const rd = row > 0 ? row - 1 : row;
    const ru = row < n - 1 ? row + 1 : row;
    out[0] = (this.lossAtNode(row, cr) - this.lossAtNode(row, cl)) / ((cr - cl) * h);
    out[1] = (this.lossAtNode(ru, col) - this.lossAtNode(rd, col)) / ((ru - rd) * h);
  }

  /** The repo's `find(look_up_table > x, 1)`: the first node strictly above x (clamped to the last node at x = 1). */
  nodeAbove(u: number): number {
    const index = Math.floor((u + 1) / this.spacing) + 1;
    return Math.min(this.nodes - 1, Math.max(0, index));
  }
}

export interface WalkerOptions {
  readonly steps: number;
  readonly eta: number;
  readonly sigma: number;
  /** 'additive': x - eta grad + sigma g (the repo's code); 'eq10': x - eta grad + eta sigma g (the printed Eq. 10). */
  readonly noiseScaling: 'additive' | 'eq10';
  readonly maxRedraws: number;
  /** Start point; uniform on the box when absent. */
  readonly start?: readonly [number, number];
}

export interface WalkerResult {
  /** (steps + 1) rows of (x, y), row 0 the start. */
  readonly positions: Float64Array;
  /** Loss at each position (steps + 1 values, bilinear, not node-snapped). */
  readonly loss: Float64Array;
  /** steps rows of (dL/dx, dL/dy): the gradient that drove step t. */
  readonly gradients: Float64Array;
  /** Steps whose noise had to be re-drawn at least once because the move left the box. */
  readonly redrawnSteps: number;
  /** Steps where all redraws failed and the move was clamped into the box (the repo would loop forever). */
  readonly clampedSteps: number;
}

/**
 * Runs one walker (science-spec §2.1 "Simulation"). `onBlock` is awaited every `blockSteps` steps (progress,
 * and a chance for the event loop to deliver signals); resolving false stops early and the result is
 * truncated to the steps taken.
 */
export async function runWalker(
  surface: LookupSurface,
  options: WalkerOptions,
  rng: Rng,
  onBlock?: (step: number, loss: number) => boolean | Promise<boolean>,
  blockSteps = 1000,
): Promise<WalkerResult> {
  const { steps, eta, sigma, maxRedraws } = options;
  const noise = options.noiseScaling === 'eq10' ? eta * sigma : sigma;
  const positions = new Float64Array((steps + 1) * 2);
  const loss = new Float64Array(steps + 1);
  const gradients = new Float64Array(steps * 2);
  const grad = new Float64Array(2);
  let x = options.start ? options.start[0] : 2 * rng.next() - 1;
  let y = options.start ? options.start[1] : 2 * rng.next() - 1;
  positions[0] = x;
  positions[1] = y;
  loss[0] = surface.lossAt(x, y);
  let redrawnSteps = 0;
  let clampedSteps = 0;
  let taken = 0;
  for (let t = 0; t < steps; t++) {
    // Row index follows y and column index follows x (the repo reads the transposed map; see module doc).
    surface.gradientAtNode(surface.nodeAbove(y), surface.nodeAbove(x), grad);
    gradients[2 * t] = grad[0];
    gradients[2 * t + 1] = grad[1];
    const driftX = x - eta * grad[0];
    const driftY = y - eta * grad[1];
    let nx = driftX + noise * rng.normal();
    let ny = driftY + noise * rng.normal();
    let tries = 0;
    while ((Math.abs(nx) > 1 || Math.abs(ny) > 1) && tries < maxRedraws) {
      nx = driftX + noise * rng.normal();
      ny = driftY + noise * rng.normal();
      tries++;
    }
    if (tries > 0) redrawnSteps++;
    if (Math.abs(nx) > 1 || Math.abs(ny) > 1) {
      clampedSteps++;
      nx = Math.min(1, Math.max(-1, nx));
      ny = Math.min(1, Math.max(-1, ny));
    }
    x = nx;
    y = ny;
    positions[2 * (t + 1)] = x;
    positions[2 * (t + 1) + 1] = y;
    loss[t + 1] = surface.lossAt(x, y);
    taken = t + 1;
    if (onBlock && (t + 1) % blockSteps === 0 && !(await onBlock(t + 1, loss[t + 1]))) break;
  }
  return {
    positions: positions.subarray(0, (taken + 1) * 2),
    loss: loss.subarray(0, taken + 1),
    gradients: gradients.subarray(0, taken * 2),
    redrawnSteps,
    clampedSteps,
  };
}

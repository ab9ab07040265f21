/**
 * Experiment `phase_diagram`: SGD on the nearly degenerate double-well valley over a grid of
 * (eta, Delta_S), with replicates per cell (seed 002 supplement §II; science-spec §2.3, §3.4, §5 item 16).
 * Records each cell's final states, steady-state flatness, search time and divergence, and its phase.
 *
 * Gradient-noise default 'linear' (grad L - H xi): it has exactly the properties the supplement states
 * (Eq. S2 mean = grad L, Eq. S4 covariance Delta_S H^2) and yields the I/II hyperbola eta Delta_S = Delta_c;
 * the literal shift L(theta - xi) ('shift') adds a Delta_S-only drift (see toy/valley.ts). Both are offered.
 */
import { createRng } from '@sgdscope/analysis';
import { z } from 'zod';
import type { RunRecorder } from '../recording/recorder.js';
import { codeVersion, TOY_BACKEND, yieldToEventLoop } from '../toy/provenance.js';
import { classifyPhase, flattestPoint, type Phase, searchTime, simulateValley } from '../toy/valley.js';
import type { ExperimentOutcome, ExperimentRunOptions } from './registry.js';

const positiveList = z.array(z.number().positive()).min(1);

export const valleyConfigSchema = z
  .object({
    etas: positiveList.default([0.01, 0.03, 0.1, 0.3, 1]),
    shiftVariances: positiveList.default([1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1]),
    replicates: z.number().int().positive().max(10_000).default(16),
    gradientNoise: z.enum(['linear', 'shift']).default('linear'),
    a0: z.number().positive().default(1),
    a2: z.number().default(-1),
    a4: z.number().nonnegative().default(1),
    epsilon: z.number().nonnegative().default(0.01),
    /** Each cell runs ceil(dynamicalTime / eta) steps (capped at maxSteps), so cells share a physical time. */
    dynamicalTime: z.number().positive().default(1000),
    maxSteps: z.number().int().positive().default(300_000),
    startX: z.number().default(1),
    startY: z.number().default(0.5),
    startSpread: z.number().nonnegative().default(0),
    divergeAbove: z.number().positive().default(1e3),
    tailFraction: z.number().gt(0).max(1).default(0.2),
    recordEvery: z.number().int().positive().default(10),
    /** Phase III when at least this fraction of replicates diverged. */
    divergedFraction: z.number().gt(0).max(1).default(0.5),
    /** A replicate is phase I when its steady-state mean |x| is below this fraction of x_f. */
    phaseOneFraction: z.number().gt(0).lt(1).default(0.2),
    /** Search-time tolerance ball around the steady-state |x|. */
    searchTolerance: z.number().positive().default(0.05),
    seed: z.number().int().nonnegative().default(0),
  })
  .strict();

export type ValleyConfig = z.infer<typeof valleyConfigSchema>;

const PHASE_CODE: Record<Phase, number> = { I: 1, II: 2, III: 3 };

export interface ValleyCell {
  readonly eta: number;
  readonly shiftVariance: number;
  readonly phase: Phase;
  readonly medianAbsX: number;
  readonly meanFlatness: number;
  readonly searchTime: number;
  readonly divergedFraction: number;
  readonly phaseCounts: Readonly<Record<Phase, number>>;
  readonly meanVarY: number;
}

/** Runs every (eta, Delta_S) cell in row-major order (eta rows, Delta_S columns). */
export async function runValleyExperiment(
  config: ValleyConfig,
  recorder: RunRecorder,
  options: ExperimentRunOptions = {},
): Promise<ExperimentOutcome> {
  await recorder.start({
    kind: 'phase_diagram',
    config: config as Record<string, unknown>,
    backend: TOY_BACKEND,
    codeVersion: codeVersion(),
    parameterCount: 2,
  });
  const shape = { a0: config.a0, a2: config.a2, a4: config.a4, epsilon: config.epsilon };
  const xf = flattestPoint(shape);
  const phaseOneBelow = config.phaseOneFraction * (xf > 0 ? xf : 1);
  const stepsFor = (eta: number): number => Math.min(config.maxSteps, Math.ceil(config.dynamicalTime / eta));
  const totalSteps = config.etas.reduce((s, eta) => s + stepsFor(eta) * config.shiftVariances.length, 0);
  const cells: ValleyCell[] = [];
  const finalStates: number[] = [];
  let done = 0;
  let canceled = false;
  let cellIndex = 0;
  outer: for (const eta of config.etas) {
    for (const shiftVariance of config.shiftVariances) {
      const steps = stepsFor(eta);
      const rng = createRng((config.seed * 1_000_003 + cellIndex++ * 97 + 1) >>> 0);
      const run = await simulateValley(
        shape,
        {
          eta,
          shiftVariance,
          steps,
          replicates: config.replicates,
          gradientNoise: config.gradientNoise,
          startX: config.startX,
          startY: config.startY,
          startSpread: config.startSpread,
          divergeAbove: config.divergeAbove,
          tailFraction: config.tailFraction,
          recordEvery: config.recordEvery,
        },
        rng,
        async (step) => {
          options.onProgress?.({ step: done + step, totalSteps, message: `eta=${eta} ΔS=${shiftVariance}` });
          await yieldToEventLoop();
          canceled = options.signal?.aborted === true;
          return !canceled;
        },
      );
      if (canceled) break outer;
      done += steps;
      const { phase, medianAbsX, counts } = classifyPhase(run, {
        divergedFraction: config.divergedFraction,
        phaseOneBelow,
        divergeAbove: config.divergeAbove,
        steadyFraction: config.tailFraction,
      });
      const settled = run.replicates.filter((r) => !r.diverged);
      const target = phase === 'I' ? 0 : medianAbsX;
      cells.push({
        eta,
        shiftVariance,
        phase,
        medianAbsX,
        meanFlatness: mean(settled.map((r) => r.flatness)),
        searchTime:
          phase === 'III'
            ? Number.NaN
            : searchTime(run, target, config.searchTolerance, eta, config.recordEvery).searchTime,
        divergedFraction: (run.replicates.length - settled.length) / run.replicates.length,
        phaseCounts: counts,
        meanVarY: mean(settled.map((r) => r.tailVarY)),
      });
      for (const r of run.replicates) finalStates.push(r.finalX, r.finalY);
    }
  }
  const rows = config.etas.length;
  const cols = config.shiftVariances.length;
  const grid = (pick: (c: ValleyCell) => number): Float64Array => {
    const out = new Float64Array(rows * cols).fill(Number.NaN);
    cells.forEach((c, i) => {
      out[i] = pick(c);
    });
    return out;
  };
  const axes = {
    rows: 'eta',
    cols: 'shiftVariance',
    etas: config.etas,
    shiftVariances: config.shiftVariances,
  };
  const artifacts: [string, (c: ValleyCell) => number, string][] = [
    [
      'phase',
      (c) => PHASE_CODE[c.phase],
      '1 = I (x -> 0), 2 = II (x -> ±x_s), 3 = III (diverges); NaN = not run',
    ],
    ['median_abs_x', (c) => c.medianAbsX, 'median over replicates of tail-mean |x|'],
    ['flatness', (c) => c.meanFlatness, 'mean (tr H)^{-1/2} at the steady state'],
    ['search_time', (c) => c.searchTime, 'eta x mean first-arrival step'],
    ['diverged_fraction', (c) => c.divergedFraction, 'fraction of replicates that diverged'],
    ['fraction_phase_I', (c) => c.phaseCounts.I / config.replicates, 'fraction of replicates classified I'],
    [
      'fraction_phase_II',
      (c) => c.phaseCounts.II / config.replicates,
      'fraction of replicates classified II',
    ],
    ['var_y', (c) => c.meanVarY, 'steady-state <y^2>'],
  ];
  for (const [name, pick, quantity] of artifacts) {
    await recorder.writeArtifact({
      name,
      step: 0,
      shape: [rows, cols],
      data: grid(pick),
      meta: { ...axes, quantity },
    });
  }
  await recorder.writeArtifact({
    name: 'final_state',
    step: 0,
    shape: [cells.length, config.replicates, 2],
    data: Float64Array.from(finalStates),
    meta: { ...axes, layout: 'cell (row-major), replicate, (x, y)' },
  });
  const summary = {
    kind: 'phase_diagram',
    gradientNoise: config.gradientNoise,
    flattestPoint: xf,
    cellsRun: cells.length,
    cells: cells.map((c) => ({
      ...c,
      medianAbsX: finiteOrNull(c.medianAbsX),
      meanFlatness: finiteOrNull(c.meanFlatness),
      searchTime: finiteOrNull(c.searchTime),
      meanVarY: finiteOrNull(c.meanVarY),
    })),
  };
  const status = canceled ? 'canceled' : 'finished';
  await recorder.finish(status, summary);
  return { status, summary };
}

function mean(values: readonly number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN;
}

/** JSON has no NaN: missing values are stored as null. */
function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

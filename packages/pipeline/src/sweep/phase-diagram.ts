/**
 * phaseDiagram: the seed-002 phase diagram of a sweep of degenerate-valley runs (science-spec §2.3, §3.4): every
 * simulated (eta, Delta_S) cell of every finished run counts once for its phase; per-cell counts and fractions,
 * the I/II boundary per eta with a bootstrap CI, and the hyperbola fit eta * Delta_S = Delta_c.
 */
import {
  estimatePhaseBoundary,
  fitHyperbola,
  type HyperbolaFit,
  type Phase,
  type PhaseBoundary,
  type PhaseGrid,
  phaseGrid,
  type RunPhase,
} from '@sgdscope/analysis';
import type { RepoDeps } from '@sgdscope/db/repo/context';
import { listSweepRuns } from '@sgdscope/db/repo/pipeline-reads';
import { MissingDataError } from '../errors.js';
import { readPhaseCells } from '../estimators/phase.js';

const PHASES: readonly Phase[] = ['I', 'II', 'III'];

export interface PhaseDiagramResult {
  readonly grid: PhaseGrid;
  /** I/II boundary (null with the reason when it cannot be estimated). */
  readonly boundary: PhaseBoundary | null;
  readonly boundaryReason: string | null;
  readonly hyperbola: HyperbolaFit | null;
  readonly hyperbolaReason: string | null;
  /**
   * II/III boundary (flattest solution vs divergence): per eta, the Delta_S where the phase-III share of the
   * II + III replicates crosses 1/2, with a bootstrap CI; null with the reason when no eta crosses on the grid.
   */
  readonly upperBoundary: PhaseBoundary | null;
  readonly upperBoundaryReason: string | null;
  readonly runsUsed: number;
  readonly skippedRuns: { readonly runId: string; readonly reason: string }[];
}

/** Cells, boundary and hyperbola of a sweep. MissingDataError when no run has a classified cell. */
export async function phaseDiagram(
  deps: RepoDeps,
  sweepId: string,
  options: { readonly resamples?: number; readonly seed?: number } = {},
): Promise<PhaseDiagramResult> {
  const runs = await listSweepRuns(deps, sweepId);
  const classified: RunPhase[] = [];
  const skippedRuns: { runId: string; reason: string }[] = [];
  let runsUsed = 0;
  for (const run of runs) {
    if (run.kind !== 'phase_diagram' || run.status !== 'finished') {
      skippedRuns.push({ runId: run.id, reason: `${run.kind} run, status ${run.status}` });
      continue;
    }
    try {
      const cells = await readPhaseCells(deps, run);
      for (const c of cells) classified.push({ eta: c.eta, deltaS: c.deltaS, phase: PHASES[c.phase - 1] });
      runsUsed++;
    } catch (error) {
      if (!(error instanceof MissingDataError)) throw error;
      skippedRuns.push({ runId: run.id, reason: error.message });
    }
  }
  if (classified.length === 0)
    throw new MissingDataError(`sweep ${sweepId} has no finished run with a classified cell`);
  const grid = phaseGrid(classified);
  let boundary: PhaseBoundary | null = null;
  let boundaryReason: string | null = null;
  try {
    boundary = estimatePhaseBoundary(grid, { resamples: options.resamples ?? 200, seed: options.seed ?? 1 });
  } catch (error) {
    boundaryReason = (error as Error).message;
  }
  let hyperbola: HyperbolaFit | null = null;
  let hyperbolaReason: string | null = null;
  if (boundary) {
    try {
      hyperbola = fitHyperbola(boundary.points);
    } catch (error) {
      hyperbolaReason = (error as Error).message;
    }
  } else hyperbolaReason = 'no boundary';
  let upperBoundary: PhaseBoundary | null = null;
  let upperBoundaryReason: string | null = null;
  try {
    upperBoundary = estimatePhaseBoundary(grid, {
      lower: 'II',
      upper: 'III',
      resamples: options.resamples ?? 200,
      seed: options.seed ?? 1,
    });
    if (upperBoundary.points.length === 0) {
      upperBoundaryReason = 'no eta has a II/III crossing on the grid';
      upperBoundary = null;
    }
  } catch (error) {
    upperBoundaryReason = (error as Error).message;
  }
  return {
    grid,
    boundary,
    boundaryReason,
    hyperbola,
    hyperbolaReason,
    upperBoundary,
    upperBoundaryReason,
    runsUsed,
    skippedRuns,
  };
}

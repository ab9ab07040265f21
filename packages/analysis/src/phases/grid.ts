import { AnalysisInputError } from '../types.js';
import type { Phase } from './classify.js';

/** One classified run at a point of the (eta, ΔS) grid. */
export interface RunPhase {
  readonly eta: number;
  readonly deltaS: number;
  readonly phase: Phase;
}

/** Counts and fractions of each phase in one grid cell. */
export interface PhaseCell {
  readonly eta: number;
  readonly deltaS: number;
  readonly n: number;
  readonly counts: Readonly<Record<Phase, number>>;
  readonly fractions: Readonly<Record<Phase, number>>;
}

/** The phase diagram as cells sorted by eta, then ΔS, with the distinct axis values. */
export interface PhaseGrid {
  readonly cells: PhaseCell[];
  readonly etas: number[];
  readonly deltaSs: number[];
}

/** Per-cell phase counts and fractions on the (eta, ΔS) grid (seed 002 phase diagram; science-spec §3.4). */
export function phaseGrid(runs: readonly RunPhase[]): PhaseGrid {
  if (runs.length === 0) throw new AnalysisInputError('phaseGrid: no runs given');
  const byCell = new Map<string, { eta: number; deltaS: number; counts: Record<Phase, number> }>();
  for (const [i, r] of runs.entries()) {
    if (!(r.eta > 0) || !(r.deltaS > 0) || !Number.isFinite(r.eta) || !Number.isFinite(r.deltaS)) {
      throw new AnalysisInputError(
        `phaseGrid: run ${i} has eta=${r.eta}, deltaS=${r.deltaS}; both must be finite and > 0`,
      );
    }
    if (r.phase !== 'I' && r.phase !== 'II' && r.phase !== 'III') {
      throw new AnalysisInputError(`phaseGrid: run ${i} has unknown phase '${String(r.phase)}'`);
    }
    const key = `${r.eta}|${r.deltaS}`;
    let cell = byCell.get(key);
    if (!cell) {
      cell = { eta: r.eta, deltaS: r.deltaS, counts: { I: 0, II: 0, III: 0 } };
      byCell.set(key, cell);
    }
    cell.counts[r.phase]++;
  }
  const cells: PhaseCell[] = [...byCell.values()]
    .sort((a, b) => a.eta - b.eta || a.deltaS - b.deltaS)
    .map((c) => {
      const n = c.counts.I + c.counts.II + c.counts.III;
      return {
        eta: c.eta,
        deltaS: c.deltaS,
        n,
        counts: c.counts,
        fractions: { I: c.counts.I / n, II: c.counts.II / n, III: c.counts.III / n },
      };
    });
  const etas = [...new Set(cells.map((c) => c.eta))].sort((a, b) => a - b);
  const deltaSs = [...new Set(cells.map((c) => c.deltaS))].sort((a, b) => a - b);
  return { cells, etas, deltaSs };
}

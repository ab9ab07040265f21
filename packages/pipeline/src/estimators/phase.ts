/**
 * Estimator `phase`: the steady state of each (eta, Delta_S) cell a PHASE_DIAGRAM run simulated (seed 002;
 * science-spec §2.3, §3.4), as scalars with window = cell index (row-major over etas x shiftVariances):
 * `phase` coded 1 = I, 2 = II, 3 = III, `finalAbsX`, `searchTime`, `flatness`.
 */
import type { ArtifactRecord } from '@sgdscope/db/repo/artifacts';
import type { RepoDeps } from '@sgdscope/db/repo/context';
import type { JsonObject, RunRecord } from '@sgdscope/db/repo/types';
import { MissingDataError } from '../errors.js';
import { rejectUnknownKeys } from '../params.js';
import type { Estimator, EstimatorOutput } from '../registry.js';
import { requireLatestArtifact, ScalarList } from './shared.js';

const NAME = 'phase';

/** One simulated cell of a phase-diagram run. NaN marks a quantity that is undefined there (e.g. III). */
export interface PhaseCellState {
  readonly index: number;
  readonly eta: number;
  readonly deltaS: number;
  /** 1, 2 or 3. */
  readonly phase: number;
  readonly finalAbsX: number;
  readonly searchTime: number;
  readonly flatness: number;
}

function axis(meta: JsonObject | null, key: string, runId: string): number[] {
  const v = meta?.[key];
  if (!Array.isArray(v) || !v.every((e) => typeof e === 'number')) {
    throw new MissingDataError(`run ${runId}: the phase artifact's meta has no numeric "${key}" axis`);
  }
  return v as number[];
}

/** Reads the cell grids the valley experiment stores (`phase`, `median_abs_x`, `search_time`, `flatness`). */
export async function readPhaseCells(deps: RepoDeps, run: RunRecord): Promise<PhaseCellState[]> {
  const phase = await requireLatestArtifact(deps, run, 'phase');
  const etas = axis(phase.meta, 'etas', run.id);
  const deltaSs = axis(phase.meta, 'shiftVariances', run.id);
  if (etas.length * deltaSs.length !== phase.data.length) {
    throw new MissingDataError(
      `run ${run.id}: phase grid holds ${phase.data.length} cells, axes say ${etas.length}x${deltaSs.length}`,
    );
  }
  const optional = async (name: string): Promise<ArtifactRecord | null> => {
    try {
      return await requireLatestArtifact(deps, run, name);
    } catch (error) {
      if (error instanceof MissingDataError) return null;
      throw error;
    }
  };
  const [absX, search, flat] = await Promise.all([
    optional('median_abs_x'),
    optional('search_time'),
    optional('flatness'),
  ]);
  const at = (a: ArtifactRecord | null, i: number) => (a && i < a.data.length ? a.data[i] : Number.NaN);
  const cells: PhaseCellState[] = [];
  for (let i = 0; i < phase.data.length; i++) {
    const code = phase.data[i];
    if (code !== 1 && code !== 2 && code !== 3) continue; // NaN: the cell was not run (canceled)
    cells.push({
      index: i,
      eta: etas[Math.floor(i / deltaSs.length)],
      deltaS: deltaSs[i % deltaSs.length],
      phase: code,
      finalAbsX: at(absX, i),
      searchTime: at(search, i),
      flatness: at(flat, i),
    });
  }
  return cells;
}

async function run(deps: RepoDeps, runRecord: RunRecord): Promise<EstimatorOutput> {
  const cells = await readPhaseCells(deps, runRecord);
  if (cells.length === 0)
    throw new MissingDataError(`run ${runRecord.id}: no cell of the phase grid was run`);
  const scalars = new ScalarList();
  for (const c of cells) {
    scalars.add('phase', c.index, c.phase);
    scalars.add('finalAbsX', c.index, c.finalAbsX);
    scalars.add('searchTime', c.index, c.searchTime);
    scalars.add('flatness', c.index, c.flatness);
  }
  return {
    scalars: scalars.items,
    curves: [],
    details: {
      phaseCode: { '1': 'I (x -> 0)', '2': 'II (x -> ±x_s)', '3': 'III (diverges)' },
      cells: cells.map((c) => ({ window: c.index, eta: c.eta, deltaS: c.deltaS })),
    },
  };
}

export const phaseEstimator: Estimator = {
  name: NAME,
  version: 'phase-1',
  kinds: ['phase_diagram'],
  description: 'Phase and steady state of each (eta, Delta_S) cell of a degenerate-valley run (seed 002).',
  resolveParams: (raw) => {
    rejectUnknownKeys(NAME, raw, []);
    return {};
  },
  run: (deps, runRecord) => run(deps, runRecord),
};

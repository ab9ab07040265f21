/**
 * Trajectory windows with the step of each row, for estimators that pair rows with step series (MSL) or report
 * the window start in steps. Optionally every row is first projected to k dimensions (a seeded
 * Johnson-Lindenstrauss sketch), so pair geometry on full-weight network trajectories costs O(k) per pair.
 */

import { type RowChunk, streamWindows, type TrajectoryWindow } from '@sgdscope/analysis';
import type { RepoDeps } from '@sgdscope/db/repo/context';
import { streamTrajectory } from '@sgdscope/db/repo/trajectory';
import type { JsonObject, RunRecord } from '@sgdscope/db/repo/types';
import { computeProjectChunk } from '../compute/pool.js';
import { MissingDataError, PipelineParamsError } from '../errors.js';
import { intParam } from '../params.js';
import { trajectoryStride } from './shared.js';

/** A window plus where its rows sit in the run: row r was recorded at step firstStep + r * strideSteps. */
export interface SteppedWindow extends TrajectoryWindow {
  readonly index: number;
  readonly firstStep: number;
  readonly strideSteps: number;
  /** Width of the stored rows (equal to `d` unless the rows were sketched to `d` dimensions). */
  readonly sourceDim: number;
}

/** Row sketch applied before windowing: RandomProjection (Achlioptas) to `dim` coordinates, seeded. */
export interface SketchOptions {
  readonly dim: number;
  readonly seed: number;
}

/**
 * The trajectory is wider than the estimator's maxDimension (and no sketch was asked for). A MissingDataError, so
 * analyzeRun stores nothing and analyzeRunAll can retry sketchable estimators with a sketch.
 */
export class TrajectoryTooWideError extends MissingDataError {
  constructor(
    readonly runId: string,
    readonly width: number,
    readonly maxDimension: number,
    sketched: boolean,
  ) {
    super(
      sketched
        ? `run ${runId}: sketched width ${width} exceeds maxDimension ${maxDimension} (lower sketchDim or raise maxDimension)`
        : `run ${runId}: trajectory width ${width} exceeds maxDimension ${maxDimension} (pass sketchDim, e.g. 256, to project the rows first, or raise maxDimension)`,
    );
  }
}

/** The k analyzeRunAll sketches to when a trajectory is wider than maxDimension. */
export const AUTO_SKETCH_DIM = 256;

/** Parameter names of the sketch (for rejectUnknownKeys). */
export const SKETCH_PARAM_KEYS = ['sketchDim', 'sketchSeed'] as const;

/** Keys of the pair-geometry window parameters that `geometry` and `msl` share (see resolvePairWindowParams). */
export const PAIR_WINDOW_PARAM_KEYS = [
  'windowSize',
  'maxWindows',
  'maxDimension',
  ...SKETCH_PARAM_KEYS,
] as const;

/**
 * `sketchDim` (integer 2..4096, absent = no projection) and `sketchSeed` (integer >= 0, default 0; only with
 * sketchDim, so unsketched parameters keep one canonical form).
 */
export function resolveSketchParams(
  estimator: string,
  raw: Readonly<Record<string, unknown>>,
): { sketchDim?: number; sketchSeed?: number } {
  if (raw.sketchDim === undefined || raw.sketchDim === null) {
    if (raw.sketchSeed !== undefined && raw.sketchSeed !== null) {
      throw new PipelineParamsError(`${estimator}: sketchSeed needs sketchDim`);
    }
    return {};
  }
  return {
    sketchDim: intParam(estimator, raw, 'sketchDim', 0, 2, 4096),
    sketchSeed: intParam(estimator, raw, 'sketchSeed', 0, 0, 2 ** 32 - 1),
  };
}

/** The SketchOptions of resolved parameters, or undefined when no sketch was asked for. */
export function sketchOf(params: JsonObject): SketchOptions | undefined {
  return typeof params.sketchDim === 'number'
    ? { dim: params.sketchDim, seed: (params.sketchSeed as number | undefined) ?? 0 }
    : undefined;
}

/** What a reader of a result needs to know about the sketch (null when the rows were not projected). */
export function sketchDetails(
  params: JsonObject,
  sourceDim: number | null,
  maxDimension: number,
): JsonObject | null {
  const sketch = sketchOf(params);
  if (!sketch) return null;
  return {
    sketchDim: sketch.dim,
    sketchSeed: sketch.seed,
    projection: 'achlioptas (sparse +-sqrt(3/k)), RandomProjection of @sgdscope/analysis',
    sourceDim,
    reason:
      sourceDim !== null && sourceDim > maxDimension
        ? `trajectory width ${sourceDim} > maxDimension ${maxDimension} (analyzeRunAll sketches such runs to ${AUTO_SKETCH_DIM} by default)`
        : 'requested',
  };
}

/**
 * Non-overlapping windows of `span` rows (`data` is only valid until the next window is pulled, as in
 * streamWindows). Rows are assumed evenly spaced by the run's trajectory stride from the first stored row.
 * With `sketch`, each stored chunk is projected as it arrives (only one stored chunk and one window of k columns
 * are held). `maxDimension` applies to the width after projection and is checked on the first chunk.
 */
export async function* steppedWindows(
  deps: RepoDeps,
  run: RunRecord,
  options: {
    readonly span: number;
    readonly maxWindows?: number;
    /** Pair-geometry estimators cost N^2 d per window: wider (sketched) rows are refused with a MissingDataError. */
    readonly maxDimension?: number;
    readonly sketch?: SketchOptions;
  },
): AsyncGenerator<SteppedWindow> {
  let origin: number | null = null;
  let sourceDim = 0;
  let projection: { inputDim: number; outputDim: number; seed: number } | null = null;
  async function* tracked(): AsyncGenerator<RowChunk> {
    for await (const chunk of streamTrajectory(deps, run.id)) {
      if (origin === null) {
        origin = chunk.fromStep;
        sourceDim = chunk.d;
        const width = options.sketch ? options.sketch.dim : chunk.d;
        if (options.maxDimension !== undefined && width > options.maxDimension) {
          throw new TrajectoryTooWideError(run.id, width, options.maxDimension, options.sketch !== undefined);
        }
        if (options.sketch) {
          projection = { inputDim: chunk.d, outputDim: options.sketch.dim, seed: options.sketch.seed };
        }
      }
      // RandomProjection of @sgdscope/analysis, built and applied in the compute worker (seconds per chunk).
      yield projection ? await computeProjectChunk(projection, chunk) : chunk;
    }
  }
  const strideSteps = trajectoryStride(run);
  let index = 0;
  for await (const w of streamWindows(tracked(), { span: options.span, maxWindows: options.maxWindows })) {
    const firstStep = (origin ?? 0) + w.tw * strideSteps;
    yield { ...w, index, firstStep, strideSteps, sourceDim };
    index++;
  }
}

/** The window parameters of the pair-geometry estimators (`geometry`, `msl`), with the same bounds for both. */
export function resolvePairWindowParams(
  estimator: string,
  raw: Readonly<Record<string, unknown>>,
): { windowSize: number; maxWindows: number; maxDimension: number; sketchDim?: number; sketchSeed?: number } {
  return {
    // Pairs grow as N^2: 2000 rows is 2M pairs per window, the most that stays interactive.
    windowSize: intParam(estimator, raw, 'windowSize', 1000, 10, 2000),
    maxWindows: intParam(estimator, raw, 'maxWindows', 100, 1, 10_000),
    // Pair geometry costs N^2 d / 2 per window: 1000 rows of the full 79,510-weight MLP is 4e10 multiply-adds a
    // window, so wider trajectories are refused unless sketched (sketchDim; applied to the projected width).
    maxDimension: intParam(estimator, raw, 'maxDimension', 20_000, 1, 100_000_000),
    ...resolveSketchParams(estimator, raw),
  };
}

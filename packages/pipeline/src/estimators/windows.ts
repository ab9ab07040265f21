/**
 * Trajectory windows with the step of each row, for estimators that pair rows with step series (MSL) or report
 * the window start in steps.
 */

import { streamWindows, type TrajectoryWindow } from '@sgdscope/analysis';
import type { RepoDeps } from '@sgdscope/db/repo/context';
import { streamTrajectory, type TrajectoryRows } from '@sgdscope/db/repo/trajectory';
import type { RunRecord } from '@sgdscope/db/repo/types';
import { MissingDataError } from '../errors.js';
import { trajectoryStride } from './shared.js';

/** A window plus where its rows sit in the run: row r was recorded at step firstStep + r * strideSteps. */
export interface SteppedWindow extends TrajectoryWindow {
  readonly index: number;
  readonly firstStep: number;
  readonly strideSteps: number;
}

/**
 * Non-overlapping windows of `span` rows (`data` is only valid until the next window is pulled, as in
 * streamWindows). Rows are assumed evenly spaced by the run's trajectory stride from the first stored row.
 */
export async function* steppedWindows(
  deps: RepoDeps,
  run: RunRecord,
  options: {
    readonly span: number;
    readonly maxWindows?: number;
    /** Pair-geometry estimators cost N^2 d per window: wider trajectories are refused with a MissingDataError. */
    readonly maxDimension?: number;
  },
): AsyncGenerator<SteppedWindow> {
  let origin: number | null = null;
  async function* tracked(): AsyncGenerator<TrajectoryRows> {
    for await (const chunk of streamTrajectory(deps, run.id)) {
      origin ??= chunk.fromStep;
      yield chunk;
    }
  }
  const strideSteps = trajectoryStride(run);
  let index = 0;
  for await (const w of streamWindows(tracked(), { span: options.span, maxWindows: options.maxWindows })) {
    if (options.maxDimension !== undefined && w.d > options.maxDimension) {
      throw new MissingDataError(
        `run ${run.id}: trajectory width ${w.d} exceeds maxDimension ${options.maxDimension} (record a sketch or raise it)`,
      );
    }
    const firstStep = (origin ?? 0) + w.tw * strideSteps;
    yield { ...w, index, firstStep, strideSteps };
    index++;
  }
}

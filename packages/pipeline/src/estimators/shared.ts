/**
 * Helpers shared by the estimators: reading a run's stored inputs (or MissingDataError naming what is missing)
 * and building stored scalars without non-finite values, which saveAnalysisResult rejects by design.
 */
import type { AnalysisScalarInput } from '@sgdscope/db/repo/analysis';
import type { ArtifactRecord } from '@sgdscope/db/repo/artifacts';
import { readArtifact } from '@sgdscope/db/repo/artifacts';
import type { RepoDeps } from '@sgdscope/db/repo/context';
import { artifactSteps, trajectoryChunkCount } from '@sgdscope/db/repo/pipeline-reads';
import { listSeries, readSeries } from '@sgdscope/db/repo/steps';
import type { RunRecord } from '@sgdscope/db/repo/types';
import { MissingDataError } from '../errors.js';

/** MissingDataError unless the run has at least one trajectory chunk. */
export async function requireTrajectory(deps: RepoDeps, run: RunRecord): Promise<void> {
  if ((await trajectoryChunkCount(deps, run.id)) === 0) {
    throw new MissingDataError(`run ${run.id} has no stored trajectory`);
  }
}

/** A whole step series (steps and values), or MissingDataError when the run never recorded it. */
export async function requireSeries(
  deps: RepoDeps,
  run: RunRecord,
  name: string,
): Promise<{ steps: Float64Array; values: Float64Array }> {
  const names = await listSeries(deps, run.id);
  if (!names.some((s) => s.name === name && s.steps > 0)) {
    throw new MissingDataError(`run ${run.id} has no step series "${name}"`);
  }
  return readSeries(deps, run.id, name);
}

/** Every artifact of this name, oldest step first, or MissingDataError when there is none. */
export async function requireArtifacts(
  deps: RepoDeps,
  run: RunRecord,
  name: string,
): Promise<ArtifactRecord[]> {
  const steps = await artifactSteps(deps, run.id, name);
  if (steps.length === 0) throw new MissingDataError(`run ${run.id} has no "${name}" artifact`);
  const out: ArtifactRecord[] = [];
  for (const step of steps) out.push(await readArtifact(deps, run.id, name, step));
  return out;
}

/** The latest artifact of this name, or MissingDataError. */
export async function requireLatestArtifact(
  deps: RepoDeps,
  run: RunRecord,
  name: string,
): Promise<ArtifactRecord> {
  const steps = await artifactSteps(deps, run.id, name);
  if (steps.length === 0) throw new MissingDataError(`run ${run.id} has no "${name}" artifact`);
  return readArtifact(deps, run.id, name, steps[steps.length - 1]);
}

/**
 * Steps between stored trajectory rows, from the run config (network runs record every `trajectory.stride`-th
 * step; the toy walkers record every step). Needed to pair rows with the loss series.
 */
export function trajectoryStride(run: RunRecord): number {
  const t = run.config.trajectory;
  if (t !== null && typeof t === 'object' && !Array.isArray(t)) {
    const s = t.stride;
    if (typeof s === 'number' && Number.isInteger(s) && s >= 1) return s;
  }
  return 1;
}

/** Collects scalars, dropping non-finite values (an undefined estimate is absent, not stored as NaN). */
export class ScalarList {
  readonly items: AnalysisScalarInput[] = [];

  /** Adds `name` at `window` (-1 = run level) if finite; a finite stdErr yields a Wald interval at `level`. */
  add(name: string, window: number, value: number | null | undefined, stdErr?: number | null): void {
    if (value === null || value === undefined || !Number.isFinite(value)) return;
    if (stdErr !== null && stdErr !== undefined && Number.isFinite(stdErr)) {
      // Wald 95% interval from the standard error (normal approximation, z = 1.96).
      this.items.push({
        name,
        window,
        value,
        stdErr,
        ci: { lower: value - 1.96 * stdErr, upper: value + 1.96 * stdErr, level: 0.95 },
      });
    } else {
      this.items.push({ name, window, value });
    }
  }

  /**
   * Adds a value with its standard error and the interval that goes with it as given (e.g. a jackknife t interval),
   * or the SE alone when `ci` is null: no Wald interval is made up for it.
   */
  addEstimate(
    name: string,
    window: number,
    value: number | null | undefined,
    stdErr: number | null | undefined,
    ci: { readonly lower: number; readonly upper: number; readonly level: number } | null | undefined,
  ): void {
    if (value === null || value === undefined || !Number.isFinite(value)) return;
    const se = stdErr !== null && stdErr !== undefined && Number.isFinite(stdErr) ? stdErr : undefined;
    const interval =
      ci && Number.isFinite(ci.lower) && Number.isFinite(ci.upper) && ci.lower <= ci.upper
        ? { lower: ci.lower, upper: ci.upper, level: ci.level }
        : undefined;
    this.items.push({
      name,
      window,
      value,
      ...(se === undefined ? {} : { stdErr: se }),
      ...(interval ? { ci: interval } : {}),
    });
  }

  /** Adds a value with an explicit interval (bootstrap or exact), when both are finite. */
  addWithInterval(
    name: string,
    window: number,
    value: number,
    ci: { readonly lower: number; readonly upper: number; readonly level: number } | null,
  ): void {
    this.addEstimate(name, window, value, null, ci);
  }
}

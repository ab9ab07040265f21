/**
 * analyzeRunAll: every registered estimator that applies to a run's kind, with default parameters, called when a
 * run finishes. Missing input data is a clean skip with the reason; one estimator's failure does not stop the rest.
 * A trajectory too wide for an estimator's defaults is retried with its `wideTrajectoryParams` (geometry and msl:
 * sketchDim 256), so every network run gets Df and MSL.
 */
import type { RepoDeps } from '@sgdscope/db/repo/context';
import { getRun } from '@sgdscope/db/repo/runs';
import { MissingDataError } from './errors.js';
import { TrajectoryTooWideError } from './estimators/windows.js';
import { listEstimators } from './registry.js';
import { analyzeRun } from './run-estimator.js';

/** What happened to one estimator. */
export interface EstimatorReport {
  readonly estimator: string;
  readonly status: 'done' | 'cached' | 'skipped' | 'failed';
  readonly resultId?: string;
  /** Why it was skipped or failed. */
  readonly reason?: string;
  /** Raw parameters when not the defaults: the estimator's wideTrajectoryParams after a too-wide trajectory. */
  readonly params?: Readonly<Record<string, unknown>>;
  /** Why non-default parameters were used. */
  readonly note?: string;
  readonly ms: number;
}

/**
 * Runs each applicable estimator in registry order (sequentially: they are CPU-bound and share one event loop).
 * Errors from computation are stored as failed results by analyzeRun; database errors are reported as failed
 * here (not stored, since storing would need the database) and do not abort the loop.
 */
export async function analyzeRunAll(
  deps: RepoDeps,
  runId: string,
  options: { readonly only?: readonly string[] } = {},
): Promise<EstimatorReport[]> {
  const run = await getRun(deps, runId);
  const reports: EstimatorReport[] = [];
  for (const estimator of listEstimators()) {
    if (!estimator.kinds.includes(run.kind)) continue;
    if (options.only && !options.only.includes(estimator.name)) continue;
    const started = performance.now();
    const ms = () => Math.round(performance.now() - started);
    let params: Readonly<Record<string, unknown>> = {};
    let note: string | undefined;
    try {
      let outcome: Awaited<ReturnType<typeof analyzeRun>>;
      try {
        outcome = await analyzeRun(deps, runId, estimator.name, params);
      } catch (error) {
        // Full-weight network trajectories are too wide for pair geometry: the default is to sketch them.
        if (!(error instanceof TrajectoryTooWideError && estimator.wideTrajectoryParams)) throw error;
        params = estimator.wideTrajectoryParams;
        note = `trajectory width ${error.width} > maxDimension ${error.maxDimension}: ran with ${JSON.stringify(params)}`;
        outcome = await analyzeRun(deps, runId, estimator.name, params);
      }
      const extra = note === undefined ? {} : { params, note };
      reports.push(
        outcome.status === 'done'
          ? {
              estimator: estimator.name,
              status: outcome.cached ? 'cached' : 'done',
              resultId: outcome.resultId,
              ...extra,
              ms: ms(),
            }
          : {
              estimator: estimator.name,
              status: 'failed',
              resultId: outcome.resultId,
              reason: outcome.error,
              ...extra,
              ms: ms(),
            },
      );
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      reports.push({
        estimator: estimator.name,
        status: error instanceof MissingDataError ? 'skipped' : 'failed',
        reason: error instanceof MissingDataError ? error.message : reason,
        ...(note === undefined ? {} : { params, note }),
        ms: ms(),
      });
    }
  }
  return reports;
}

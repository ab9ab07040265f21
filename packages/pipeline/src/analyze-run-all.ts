/**
 * analyzeRunAll: every registered estimator that applies to a run's kind, with default parameters, called when a
 * run finishes. Missing input data is a clean skip with the reason; one estimator's failure does not stop the rest.
 */
import type { RepoDeps } from '@sgdscope/db/repo/context';
import { getRun } from '@sgdscope/db/repo/runs';
import { MissingDataError } from './errors.js';
import { listEstimators } from './registry.js';
import { analyzeRun } from './run-estimator.js';

/** What happened to one estimator. */
export interface EstimatorReport {
  readonly estimator: string;
  readonly status: 'done' | 'cached' | 'skipped' | 'failed';
  readonly resultId?: string;
  /** Why it was skipped or failed. */
  readonly reason?: string;
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
    try {
      const outcome = await analyzeRun(deps, runId, estimator.name, {});
      reports.push(
        outcome.status === 'done'
          ? {
              estimator: estimator.name,
              status: outcome.cached ? 'cached' : 'done',
              resultId: outcome.resultId,
              ms: ms(),
            }
          : {
              estimator: estimator.name,
              status: 'failed',
              resultId: outcome.resultId,
              reason: outcome.error,
              ms: ms(),
            },
      );
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      reports.push({
        estimator: estimator.name,
        status: error instanceof MissingDataError ? 'skipped' : 'failed',
        reason: error instanceof MissingDataError ? error.message : reason,
        ms: ms(),
      });
    }
  }
  return reports;
}

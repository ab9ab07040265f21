/**
 * Runs one estimator on one run and stores the result through saveAnalysisResult, keyed by the SHA-256 of the
 * resolved parameters. A DONE result with the same (estimator, version, params hash) is reused, not recomputed.
 */
import { saveAnalysisResult } from '@sgdscope/db/repo/analysis';
import type { RepoDeps } from '@sgdscope/db/repo/context';
import { findDoneAnalysisResult } from '@sgdscope/db/repo/pipeline-reads';
import { getRun } from '@sgdscope/db/repo/runs';
import { hashParams } from '@sgdscope/db/repo/stable-json';
import type { JsonObject } from '@sgdscope/db/repo/types';
import { PipelineParamsError } from './errors.js';
import { type Estimator, findEstimator, listEstimators } from './registry.js';

/** How an estimator run ended: a stored result (new or cached), or a stored failure. */
export type EstimatorOutcome =
  | {
      readonly status: 'done';
      readonly resultId: string;
      readonly cached: boolean;
      readonly params: JsonObject;
    }
  | {
      readonly status: 'failed';
      readonly resultId: string;
      readonly error: string;
      readonly params: JsonObject;
    };

/** The estimator of this name, or PipelineParamsError listing the known names. */
export function requireEstimator(name: string): Estimator {
  const estimator = findEstimator(name);
  if (!estimator) {
    throw new PipelineParamsError(
      `unknown estimator "${name}" (known: ${listEstimators()
        .map((e) => e.name)
        .join(', ')})`,
    );
  }
  return estimator;
}

/**
 * Runs (or returns the cached result of) estimator `name` on run `runId`. Bad parameters or a kind the
 * estimator does not apply to throw PipelineParamsError; missing input data throws MissingDataError (nothing
 * stored). Any other error of the computation is stored as a FAILED result (so the UI can show why) and returned.
 * `force` recomputes even when a cached result exists.
 */
export async function analyzeRun(
  deps: RepoDeps,
  runId: string,
  name: string,
  rawParams: Readonly<Record<string, unknown>> = {},
  options: { readonly force?: boolean } = {},
): Promise<EstimatorOutcome> {
  const estimator = requireEstimator(name);
  const params = estimator.resolveParams(rawParams);
  const run = await getRun(deps, runId);
  if (!estimator.kinds.includes(run.kind)) {
    throw new PipelineParamsError(
      `estimator "${name}" applies to ${estimator.kinds.join(', ')} runs; run ${runId} is ${run.kind}`,
    );
  }
  const key = { estimator: name, estimatorVersion: estimator.version, paramsHash: hashParams(params) };
  if (!options.force) {
    const hit = await findDoneAnalysisResult(deps, runId, key);
    if (hit !== null) return { status: 'done', resultId: hit, cached: true, params };
  }
  let output: Awaited<ReturnType<Estimator['run']>>;
  try {
    output = await estimator.run(deps, run, params);
  } catch (error) {
    if (!isComputationError(error)) throw error;
    const message = `${(error as Error).name}: ${(error as Error).message}`;
    const saved = await saveAnalysisResult(deps, runId, {
      estimator: name,
      estimatorVersion: estimator.version,
      params,
      status: 'failed',
      error: message,
      scalars: [],
      curves: [],
    });
    return { status: 'failed', resultId: saved.id, error: message, params };
  }
  const saved = await saveAnalysisResult(deps, runId, {
    estimator: name,
    estimatorVersion: estimator.version,
    params,
    details: output.details,
    scalars: output.scalars,
    curves: output.curves,
  });
  return { status: 'done', resultId: saved.id, cached: false, params };
}

/**
 * Errors that describe the data, not the infrastructure: stored as a failed result. Missing data and bad
 * parameters are the caller's business, and database errors must surface (retrying may succeed).
 */
function isComputationError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AnalysisInputError' || error.name === 'RangeError');
}

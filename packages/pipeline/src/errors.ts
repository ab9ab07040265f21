/**
 * Errors of the pipeline. Both name the problem in their message, so the API can pass them to users as they are.
 */

/** Parameters an estimator cannot accept (unknown key, wrong type, out of range): the caller must fix them. */
export class PipelineParamsError extends Error {
  override readonly name = 'PipelineParamsError';
}

/**
 * The run lacks the data an estimator needs (no trajectory, no gradient samples, too few rows). Not a failure of
 * the estimator: analyzeRunAll reports it as a skip with this message and stores nothing.
 */
export class MissingDataError extends Error {
  override readonly name = 'MissingDataError';
}

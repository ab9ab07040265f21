import { AnalysisInputError } from '../types.js';

/**
 * Copies a sample into a Float64Array after checking it can carry a tail fit: at least `minLength`
 * values, all finite, not all equal. Rejecting here gives one clear message instead of NaN results later.
 */
export function checkedSample(data: ArrayLike<number>, what: string, minLength = 20): Float64Array {
  const n = data.length;
  if (n === 0) throw new AnalysisInputError(`${what}: the sample is empty`);
  if (n < minLength) throw new AnalysisInputError(`${what}: need at least ${minLength} values, got ${n}`);
  const x = new Float64Array(n);
  let allEqual = true;
  for (let i = 0; i < n; i++) {
    const v = data[i];
    if (!Number.isFinite(v)) throw new AnalysisInputError(`${what}: value ${i} is ${v} (NaN or infinite)`);
    x[i] = v;
    if (v !== data[0]) allEqual = false;
  }
  if (allEqual)
    throw new AnalysisInputError(`${what}: all ${n} values are equal (${data[0]}); no spread to fit`);
  return x;
}

/** Conversions from stored rows to GraphQL shapes (bigint ids to strings, packed float64 to arrays). */

import type { AnalysisScalar } from '@sgdscope/db/generated/prisma/client';
import type { AnalysisWithScalars } from '@sgdscope/db/repo/queries';
import type { RunRecord } from '@sgdscope/db/repo/types';
import type { DecodedCurve } from '../curve-cache.js';
import type { AnalysisStatusEnum, RunKindEnum, RunStatusEnum } from './enums.js';
import type { AnalysisCurve, AnalysisResult, Run, ScalarEstimate } from './types.js';

/** Repository run record (lower-case enums) to the GraphQL Run (upper-case enums). */
export function toGqlRun(r: RunRecord): Run {
  return {
    ...r,
    tags: [...r.tags],
    status: r.status.toUpperCase() as RunStatusEnum,
    kind: r.kind.toUpperCase() as RunKindEnum,
  };
}

/** Unpack little-endian float64 bytes (curves are stored packed). */
export function unpackFloat64(bytes: Uint8Array): Float64Array {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float64Array(copy.buffer, 0, Math.floor(copy.byteLength / 8));
}

/** GraphQL Float cannot carry NaN or Infinity: non-finite values become null. */
export function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

export function toScalarEstimate(s: AnalysisScalar): ScalarEstimate {
  return {
    name: s.name,
    window: s.window,
    value: s.value,
    stdErr: s.stdErr,
    ciLower: s.ciLower,
    ciUpper: s.ciUpper,
    ciLevel: s.ciLevel,
  };
}

export function toAnalysisResult(a: AnalysisWithScalars): AnalysisResult {
  return {
    id: a.id.toString(),
    runId: a.runId,
    estimator: a.estimator,
    estimatorVersion: a.estimatorVersion,
    paramsHash: a.paramsHash,
    params: a.params,
    status: a.status as AnalysisStatusEnum,
    error: a.error,
    details: a.details,
    createdAt: a.createdAt,
    scalars: a.scalars.map(toScalarEstimate),
  };
}

/** Curve arrays stay Float64Arrays (shared with the curve cache, never written): FloatList maps non-finite values to null when sending. */
export function toCurve(c: DecodedCurve): AnalysisCurve {
  return {
    name: c.name,
    window: c.window,
    tw: c.tw,
    x: c.x,
    y: c.y,
    yLower: c.yLower,
    yUpper: c.yUpper,
    meta: c.meta,
  };
}

/**
 * The newest DONE result of each estimator (rows arrive newest first), so comparisons and
 * "latest metrics" never mix two versions of one estimator.
 */
export function latestPerEstimator(results: readonly AnalysisWithScalars[]): AnalysisWithScalars[] {
  const seen = new Set<string>();
  const out: AnalysisWithScalars[] = [];
  for (const r of results) {
    if (r.status !== 'DONE' || seen.has(r.estimator)) continue;
    seen.add(r.estimator);
    out.push(r);
  }
  return out;
}

/** Fewest points `maxPoints` may ask for (a curve keeps at least its two ends). */
export const MIN_CURVE_POINTS = 2;

/**
 * Indices of at most `maxPoints` points of an n-point curve, first and last always kept. When x is
 * positive and strictly increasing (lags, histogram bins on a log axis), the kept points are the first
 * at or past targets evenly spaced in log x, so a log-log plot (how MSD and beta(tau) are read) keeps
 * its shape; otherwise they are evenly spaced in index. Duplicates collapse, so a curve dense at
 * small x (integer lags 1, 2, 3, ...) can come back with fewer than `maxPoints`.
 */
export function thinIndices(x: ArrayLike<number>, maxPoints: number): number[] {
  const n = x.length;
  if (n <= maxPoints) return Array.from({ length: n }, (_, i) => i);
  const m = Math.max(MIN_CURVE_POINTS, Math.floor(maxPoints));
  let logSpaced = x[0] > 0;
  for (let i = 1; i < n && logSpaced; i++) logSpaced = x[i] > x[i - 1];
  const out: number[] = [];
  if (logSpaced) {
    const lo = Math.log(x[0]);
    const hi = Math.log(x[n - 1]);
    let i = 0;
    for (let k = 0; k < m; k++) {
      const target = k === m - 1 ? hi : lo + ((hi - lo) * k) / (m - 1);
      while (i < n - 1 && Math.log(x[i]) < target) i++;
      if (out[out.length - 1] !== i) out.push(i);
    }
  } else {
    for (let k = 0; k < m; k++) {
      const i = Math.round((k * (n - 1)) / (m - 1));
      if (out[out.length - 1] !== i) out.push(i);
    }
  }
  return out;
}

/** The curve at the points {@link thinIndices} keeps (x, y and both bands alike). */
export function thinCurve(c: AnalysisCurve, maxPoints: number): AnalysisCurve {
  if (c.x.length <= maxPoints) return c;
  const keep = thinIndices(c.x, maxPoints);
  const pick = <T>(a: ArrayLike<T>) => keep.map((i) => a[i]);
  return {
    ...c,
    x: pick(c.x),
    y: pick(c.y),
    yLower: c.yLower ? pick(c.yLower) : null,
    yUpper: c.yUpper ? pick(c.yUpper) : null,
  };
}

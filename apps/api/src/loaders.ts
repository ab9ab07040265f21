/**
 * DataLoaders: every per-run field (analyses, comments, curves) batches its lookups across the
 * whole response into one statement per kind.
 */

import type {
  AnalysisCurve,
  AnalysisScalar,
  Comment,
  PrismaClient,
} from '@sgdscope/db/generated/prisma/client';
import { commentsOfRuns } from '@sgdscope/db/repo/comments';
import {
  type AnalysisWithScalars,
  analysesByRunIds,
  latestScalarsByRunIds,
  runsByIds,
} from '@sgdscope/db/repo/queries';
import type { RunRecord } from '@sgdscope/db/repo/types';
import DataLoader from 'dataloader';
import type { CurveCache, DecodedCurve } from './curve-cache.js';

export interface Loaders {
  readonly run: DataLoader<string, RunRecord | null>;
  readonly analysesOfRun: DataLoader<string, AnalysisWithScalars[]>;
  /** A run's metrics: the scalars of its newest DONE result per estimator (one statement for a whole page). */
  readonly latestScalarsOfRun: DataLoader<string, AnalysisScalar[]>;
  readonly curvesOfResult: DataLoader<bigint, DecodedCurve[]>;
  readonly commentsOfRun: DataLoader<string, Comment[]>;
}

function groupBy<K, V>(items: readonly V[], key: (v: V) => K): Map<K, V[]> {
  const m = new Map<K, V[]>();
  for (const it of items) {
    const k = key(it);
    const list = m.get(k);
    if (list) list.push(it);
    else m.set(k, [it]);
  }
  return m;
}

/** Fresh loaders for one request (caches must not outlive the request's authorization). */
export function createLoaders(prisma: PrismaClient, curves: CurveCache): Loaders {
  return {
    run: new DataLoader(async (ids) => {
      const rows = await runsByIds(prisma, ids);
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    analysesOfRun: new DataLoader(async (ids) => {
      const grouped = groupBy(await analysesByRunIds(prisma, ids), (a) => a.runId);
      return ids.map((id) => grouped.get(id) ?? []);
    }),
    latestScalarsOfRun: new DataLoader(async (ids) => {
      const grouped = groupBy(await latestScalarsByRunIds(prisma, ids), (s) => s.runId);
      return ids.map((id) => grouped.get(id) ?? []);
    }),
    curvesOfResult: new DataLoader(
      async (ids) => {
        const grouped = groupBy(await curves.curvesOfResults(prisma, ids), (c) => c.resultId.toString());
        return ids.map((id) => grouped.get(id.toString()) ?? []);
      },
      { cacheKeyFn: (k) => k.toString() },
    ),
    commentsOfRun: new DataLoader(async (ids) => {
      const grouped = groupBy(await commentsOfRuns(prisma, ids), (c) => c.runId ?? '');
      return ids.map((id) => grouped.get(id) ?? []);
    }),
  };
}

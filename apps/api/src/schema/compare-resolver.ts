/** compareRuns (aligned metrics, curves, config diff) and aggregate (per-group mean, SE, 95% CI in SQL). */
import { studentTQuantile } from '@sgdscope/analysis/special';
import { type AggregateMetric, aggregateRuns } from '@sgdscope/db/repo/queries';
import type { RunRecord } from '@sgdscope/db/repo/types';
import { Arg, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import type { ApiContext } from '../context.js';
import { apiError } from '../errors.js';
import { authorize, authorizedRuns } from '../guard.js';
import { toRunFilter } from './filters.js';
import { AggregateMetricInput, MetricKeyInput, RunFilterInput } from './inputs.js';
import {
  latestPerEstimator,
  MIN_CURVE_POINTS,
  thinCurve,
  toCurve,
  toGqlRun,
  toScalarEstimate,
} from './mappers.js';
import { AggregateGroup, AlignedCurve, AlignedMetric, type AnalysisCurve, Comparison } from './types.js';

/** Most runs one comparison may align (bounds response size). */
export const MAX_COMPARE_RUNS = 50;

/** Flatten nested config objects to dotted keys (arrays are leaf values). */
export function flattenConfig(
  value: unknown,
  prefix = '',
  out = new Map<string, unknown>(),
): Map<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      flattenConfig(v, prefix ? `${prefix}.${k}` : k, out);
    }
  } else if (prefix) {
    out.set(prefix, value);
  }
  return out;
}

/** Keys whose values are not identical across all configs (absent counts as a value). */
export function configDiff(configs: readonly unknown[]): { key: string; values: unknown[] }[] {
  const flat = configs.map((c) => flattenConfig(c));
  const keys = [...new Set(flat.flatMap((f) => [...f.keys()]))].sort();
  const out: { key: string; values: unknown[] }[] = [];
  for (const key of keys) {
    const values = flat.map((f) => (f.has(key) ? f.get(key) : null));
    const distinct = new Set(values.map((v) => JSON.stringify(v)));
    if (distinct.size > 1) out.push({ key, values });
  }
  return out;
}

/** t_{0.975, df} by degrees of freedom: an aggregate's groups mostly share one n (the replicate count). */
const t975 = new Map<number, number>();

/** Mean +- t_{0.975, n-1} * sd/sqrt(n): the 95% CI of a mean over n replicates (Student t, n >= 2). */
export function meanConfidence(n: number, mean: number | null, sd: number | null) {
  if (mean === null || sd === null || n < 2) return { stdErr: null, ciLower: null, ciUpper: null };
  const stdErr = sd / Math.sqrt(n);
  let t = t975.get(n - 1);
  if (t === undefined) {
    t = studentTQuantile(0.975, n - 1);
    if (t975.size < 10_000) t975.set(n - 1, t);
  }
  return { stdErr, ciLower: mean - t * stdErr, ciUpper: mean + t * stdErr };
}

/**
 * Aligned metrics, curves and config diff of already-authorized runs. With `frozenVersions` (a saved view), only
 * results of those estimator versions count (an estimator computed only after the save: its first stored version).
 */
export async function buildComparison(
  ctx: ApiContext,
  runs: readonly RunRecord[],
  metrics: readonly { name: string; window: number }[] | null,
  curveNames: readonly string[] | null,
  frozenVersions?: Readonly<Record<string, string>>,
  maxPoints?: number | null,
): Promise<Comparison> {
  const analyses = await ctx.loaders.analysesOfRun.loadMany(runs.map((r) => r.id));
  const latest = analyses.map((a) => {
    if (a instanceof Error) return [];
    if (!frozenVersions) return latestPerEstimator(a);
    // Estimators the view froze show that version; one first computed after the save shows its first stored
    // version (the oldest result), so a later re-analysis still cannot change what a reviewer sees.
    const firstVersion = new Map<string, string>();
    for (const r of [...a].sort((x, y) => (x.id < y.id ? -1 : 1))) {
      if (r.status === 'DONE' && !firstVersion.has(r.estimator))
        firstVersion.set(r.estimator, r.estimatorVersion);
    }
    const version = (estimator: string) => frozenVersions[estimator] ?? firstVersion.get(estimator);
    return latestPerEstimator(a.filter((r) => version(r.estimator) === r.estimatorVersion));
  });
  if (frozenVersions) {
    // The runs' own fields (analyses, metrics) read these loaders: prime them with the frozen results only.
    runs.forEach((r, i) => {
      ctx.loaders.analysesOfRun.clear(r.id).prime(r.id, latest[i]);
      ctx.loaders.latestScalarsOfRun.clear(r.id).prime(
        r.id,
        latest[i].flatMap((result) => result.scalars),
      );
    });
  }

  const metricKey = (name: string, window: number) => `${name}\u0000${window}`;
  const scalarMaps = latest.map(
    (results) =>
      new Map(results.flatMap((r) => r.scalars.map((s) => [metricKey(s.name, s.window), s] as const))),
  );
  const wanted = metrics
    ? metrics.map((m) => ({ name: m.name, window: m.window }))
    : [
        ...new Map(
          latest.flatMap((rs) =>
            rs.flatMap((r) => r.scalars.map((s) => [metricKey(s.name, s.window), s] as const)),
          ),
        ).values(),
      ]
        .map((s) => ({ name: s.name, window: s.window }))
        .sort((a, b) => a.name.localeCompare(b.name) || a.window - b.window);
  const aligned: AlignedMetric[] = wanted.map((w) => ({
    name: w.name,
    window: w.window,
    values: scalarMaps.map((m) => {
      const s = m.get(metricKey(w.name, w.window));
      return s ? toScalarEstimate(s) : null;
    }),
  }));

  // Curves of every latest result, batched through the loader in one statement.
  const curveRows = await Promise.all(
    latest.map(async (results) =>
      (await ctx.loaders.curvesOfResult.loadMany(results.map((r) => r.id))).flatMap((c) =>
        c instanceof Error ? [] : c,
      ),
    ),
  );
  const curveMaps = curveRows.map(
    (rows) =>
      new Map(
        rows
          .filter((c) => !curveNames || curveNames.includes(c.name))
          .map((c) => [metricKey(c.name, c.window), c] as const),
      ),
  );
  const curveKeys = [...new Map(curveMaps.flatMap((m) => [...m.entries()])).values()]
    .map((c) => ({ name: c.name, window: c.window }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.window - b.window);
  const curves: AlignedCurve[] = curveKeys.map((k) => ({
    name: k.name,
    window: k.window,
    curves: curveMaps.map((m): AnalysisCurve | null => {
      const c = m.get(metricKey(k.name, k.window));
      if (!c) return null;
      return maxPoints ? thinCurve(toCurve(c), maxPoints) : toCurve(c);
    }),
  }));
  return {
    runs: runs.map(toGqlRun),
    metrics: aligned,
    curves,
    configDiff: configDiff(runs.map((r) => r.config)),
  };
}

@Resolver()
export class CompareResolver {
  @Query(() => Comparison, {
    description: 'Runs side by side: aligned metrics and curves, and a config diff.',
  })
  async compareRuns(
    @Ctx() ctx: ApiContext,
    @Arg('ids', () => [ID], { description: `Run ids (1..${MAX_COMPARE_RUNS}).` }) ids: string[],
    @Arg('metrics', () => [MetricKeyInput], {
      nullable: true,
      description: 'Metrics to align (default: all).',
    })
    metrics: MetricKeyInput[] | null,
    @Arg('curves', () => [String], { nullable: true, description: 'Curve names to align (default: all).' })
    curveNames: string[] | null,
    @Arg('maxPoints', () => Int, {
      nullable: true,
      description: `Thin every curve to at most this many points (>= ${MIN_CURVE_POINTS}): first and last kept, the rest evenly spaced in log x when x is positive and increasing (lags: log-log plots keep their shape), else in index. Default: every stored point. A chart needs a few hundred; all curves of 4 runs at full resolution are ~3 MB of JSON.`,
    })
    maxPoints: number | null,
  ): Promise<Comparison> {
    if (ids.length === 0 || ids.length > MAX_COMPARE_RUNS) {
      throw apiError('BAD_USER_INPUT', `compareRuns takes 1..${MAX_COMPARE_RUNS} ids`);
    }
    if (maxPoints !== null && maxPoints < MIN_CURVE_POINTS) {
      throw apiError('BAD_USER_INPUT', `maxPoints must be at least ${MIN_CURVE_POINTS}`);
    }
    const runs = await authorizedRuns(ctx, ids, 'VIEWER');
    return buildComparison(ctx, runs, metrics, curveNames, undefined, maxPoints);
  }

  @Query(() => [AggregateGroup], {
    description:
      'Per-group mean, SD, standard error, t-based 95% CI and n of a metric over ALL matching runs (computed in SQL).',
  })
  async aggregate(
    @Ctx() ctx: ApiContext,
    @Arg('projectId', () => ID, { description: 'Project.' }) projectId: string,
    @Arg('groupBy', () => [String], {
      description: 'Config keys to group by (promoted or dotted JSONB paths).',
    })
    groupBy: string[],
    @Arg('metric', () => AggregateMetricInput, { description: 'Metric to summarise.' })
    metric: AggregateMetricInput,
    @Arg('filter', () => RunFilterInput, { nullable: true, description: 'Run filter.' })
    filter: RunFilterInput | null,
  ): Promise<AggregateGroup[]> {
    await authorize(ctx, 'project', projectId, 'VIEWER');
    const m: AggregateMetric =
      metric.source === 'SCALAR'
        ? { source: 'SCALAR', name: metric.name, window: metric.window }
        : { source: metric.source, key: metric.name };
    const rows = await aggregateRuns(ctx.prisma, {
      projectIds: [projectId],
      filter: toRunFilter(filter),
      groupBy,
      metric: m,
    });
    return rows.map((r) => ({ ...r, ...meanConfidence(r.n, r.mean, r.sd) }));
  }
}

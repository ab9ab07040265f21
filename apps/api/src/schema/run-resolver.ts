/** Queries over runs: the runs connection, run(id) and the per-run fields (analyses, curves, comments). */
import { listRuns } from '@sgdscope/db/repo/queries';
import { listSeries, readSeriesDownsampled, readSeriesSummary } from '@sgdscope/db/repo/steps';
import type { SummaryBucket } from '@sgdscope/db/series/summary';
import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import type { ApiContext } from '../context.js';
import { apiError } from '../errors.js';
import { authorize, authorizedRun } from '../guard.js';
import { BucketSchemeEnum } from './enums.js';
import { decodeCursor, encodeCursor, toRunFilter, toRunOrder } from './filters.js';
import { RunFilterInput, RunOrderInput } from './inputs.js';
import {
  finiteOrNull,
  latestPerEstimator,
  MIN_CURVE_POINTS,
  thinCurve,
  toAnalysisResult,
  toCurve,
  toGqlRun,
  toScalarEstimate,
} from './mappers.js';
import {
  AnalysisCurve,
  AnalysisResult,
  Comment,
  Run,
  RunConnection,
  ScalarEstimate,
  SeriesBuckets,
} from './types.js';

/** Largest page a client may request: bounds response size and query cost. */
export const MAX_PAGE_SIZE = 500;

@Resolver(() => RunConnection)
export class RunConnectionResolver {
  @FieldResolver(() => Int, {
    description: 'Number of runs matching the filter (one extra count statement).',
  })
  totalCount(@Root() conn: RunConnection): Promise<number> {
    return conn.countThunk();
  }

  @FieldResolver(() => [Run], { description: 'The runs of this page, without cursors.' })
  nodes(@Root() conn: RunConnection): Run[] {
    return conn.edges.map((e) => e.node);
  }
}

@Resolver(() => Run)
export class RunResolver {
  @Query(() => RunConnection, {
    description: "A page of a project's runs, filtered and sorted (Relay connection).",
  })
  async runs(
    @Ctx() ctx: ApiContext,
    @Arg('projectId', () => ID, { description: 'Project.' }) projectId: string,
    @Arg('filter', () => RunFilterInput, { nullable: true, description: 'Filter.' })
    filter: RunFilterInput | null,
    @Arg('orderBy', () => [RunOrderInput], {
      nullable: true,
      description: 'Sort keys, most significant first.',
    })
    orderBy: RunOrderInput[] | null,
    @Arg('first', () => Int, { defaultValue: 50, description: `Page size, 1..${MAX_PAGE_SIZE}.` })
    first: number,
    @Arg('after', () => String, { nullable: true, description: 'Cursor to continue after.' }) after:
      | string
      | null,
  ): Promise<RunConnection> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
      throw apiError('BAD_USER_INPUT', `first must be in 1..${MAX_PAGE_SIZE}`);
    }
    await authorize(ctx, 'project', projectId, 'VIEWER');
    const offset = after ? decodeCursor(after) + 1 : 0;
    const page = await listRuns(ctx.prisma, {
      projectIds: [projectId],
      filter: toRunFilter(filter),
      orderBy: toRunOrder(orderBy),
      first,
      offset,
    });
    // Prime the loader so per-run fields of this page never re-read the runs.
    for (const r of page.runs) ctx.loaders.run.prime(r.id, r);
    const edges = page.runs.map((r, i) => ({ cursor: encodeCursor(offset + i), node: toGqlRun(r) }));
    return {
      edges,
      pageInfo: {
        hasNextPage: page.hasNextPage,
        hasPreviousPage: offset > 0,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges[edges.length - 1]?.cursor ?? null,
      },
      countThunk: page.totalCount,
    };
  }

  @Query(() => Run, { description: 'One run by id.' })
  async run(
    @Ctx() ctx: ApiContext,
    @Arg('id', () => ID, { description: 'Run id.' }) id: string,
  ): Promise<Run> {
    return toGqlRun(await authorizedRun(ctx, id, 'VIEWER'));
  }

  @FieldResolver(() => [AnalysisResult], { description: 'Stored analysis results, newest first.' })
  async analyses(
    @Root() run: Run,
    @Ctx() ctx: ApiContext,
    @Arg('estimator', () => String, { nullable: true, description: 'Only this estimator.' }) estimator:
      | string
      | null,
    @Arg('latestOnly', () => Boolean, {
      defaultValue: false,
      description: 'Only the newest DONE result per estimator.',
    })
    latestOnly: boolean,
  ): Promise<AnalysisResult[]> {
    let rows = await ctx.loaders.analysesOfRun.load(run.id);
    if (latestOnly) rows = latestPerEstimator(rows);
    if (estimator) rows = rows.filter((r) => r.estimator === estimator);
    return rows.map(toAnalysisResult);
  }

  @FieldResolver(() => [ScalarEstimate], {
    description: 'Scalars of the newest DONE result of every estimator, e.g. alpha per window.',
  })
  async metrics(@Root() run: Run, @Ctx() ctx: ApiContext): Promise<ScalarEstimate[]> {
    return (await ctx.loaders.latestScalarsOfRun.load(run.id)).map(toScalarEstimate);
  }

  @FieldResolver(() => [Comment], { description: 'Comments, oldest first.' })
  async comments(@Root() run: Run, @Ctx() ctx: ApiContext): Promise<Comment[]> {
    return ctx.loaders.commentsOfRun.load(run.id);
  }
}

@Resolver(() => AnalysisResult)
export class AnalysisResultResolver {
  @FieldResolver(() => Run, {
    description: 'The run this result belongs to (readable: the result was reached through it).',
  })
  async run(@Root() result: AnalysisResult, @Ctx() ctx: ApiContext): Promise<Run> {
    return toGqlRun(await authorizedRun(ctx, result.runId, 'VIEWER'));
  }

  @FieldResolver(() => [AnalysisCurve], {
    description: 'Curves of this result (optionally only some names).',
  })
  async curves(
    @Root() result: AnalysisResult,
    @Ctx() ctx: ApiContext,
    @Arg('names', () => [String], { nullable: true, description: 'Only these curve names.' }) names:
      | string[]
      | null,
    @Arg('maxPoints', () => Int, {
      nullable: true,
      description: `Thin each curve to at most this many points (>= ${MIN_CURVE_POINTS}), as compareRuns(maxPoints) does: ends kept, log-even in x for positive increasing x (lags), else index-even. Default: every stored point.`,
    })
    maxPoints: number | null,
  ): Promise<AnalysisCurve[]> {
    if (maxPoints !== null && maxPoints < MIN_CURVE_POINTS) {
      throw apiError('BAD_USER_INPUT', `maxPoints must be at least ${MIN_CURVE_POINTS}`);
    }
    const rows = await ctx.loaders.curvesOfResult.load(BigInt(result.id));
    return rows
      .filter((c) => !names || names.includes(c.name))
      .map((c) => (maxPoints ? thinCurve(toCurve(c), maxPoints) : toCurve(c)));
  }
}

@Resolver(() => Run)
export class RunSeriesResolver {
  @FieldResolver(() => [SeriesBuckets], {
    description:
      'Per-step series downsampled server-side to about `width` buckets keeping min/max (spikes survive). Whole-run views read the stored summary (one row); a step range or a LINEAR width above 1024 reduces the raw values.',
  })
  async series(
    @Root() run: Run,
    @Ctx() ctx: ApiContext,
    @Arg('names', () => [String], { nullable: true, description: 'Series names (default: all).' }) names:
      | string[]
      | null,
    @Arg('width', () => Int, {
      defaultValue: 1000,
      description: 'Target bucket count (pixel width), 1..10000.',
    })
    width: number,
    @Arg('scheme', () => BucketSchemeEnum, {
      defaultValue: BucketSchemeEnum.LINEAR,
      description: 'Bucket spacing.',
    })
    scheme: BucketSchemeEnum,
    @Arg('fromStep', () => Int, { nullable: true, description: 'First step of a zoomed range.' }) fromStep:
      | number
      | null,
    @Arg('toStep', () => Int, { nullable: true, description: 'Last step of a zoomed range.' }) toStep:
      | number
      | null,
  ): Promise<SeriesBuckets[]> {
    if (!Number.isInteger(width) || width < 1 || width > 10_000)
      throw apiError('BAD_USER_INPUT', 'width must be in 1..10000');
    const all = await listSeries(ctx.repo, run.id);
    const wanted = names ? all.filter((s) => names.includes(s.name)) : all;
    const ranged = fromStep != null || toStep != null;
    return Promise.all(
      wanted.map(async (s) => {
        let buckets: SummaryBucket[];
        if (ranged || (scheme === BucketSchemeEnum.LINEAR && width > 1024)) {
          buckets = await readSeriesDownsampled(ctx.repo, run.id, s.name, {
            from: fromStep ?? undefined,
            to: toStep ?? undefined,
            width,
          });
        } else {
          const summary = await readSeriesSummary(ctx.repo, run.id, s.name, {
            scheme: scheme === BucketSchemeEnum.LOG ? 'log' : 'linear',
            buckets: width,
          });
          buckets = [...summary.buckets];
        }
        return {
          name: s.name,
          scheme,
          totalSteps: s.steps,
          stepStart: buckets.map((b) => b.stepStart),
          stepEnd: buckets.map((b) => b.stepEnd),
          min: buckets.map((b) => finiteOrNull(b.min)),
          max: buckets.map((b) => finiteOrNull(b.max)),
          mean: buckets.map((b) => finiteOrNull(b.mean)),
          last: buckets.map((b) => finiteOrNull(b.last)),
        };
      }),
    );
  }
}

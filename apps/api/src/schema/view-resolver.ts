/** Saved views (frozen comparisons opened by token) and the run-progress subscription. */

import type { InputJsonValue } from '@sgdscope/db/generated/prisma/internal/prismaNamespace';
import { saveView, viewByToken } from '@sgdscope/db/repo/views';
import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { ApiContext } from '../context.js';
import { apiError } from '../errors.js';
import { authorize, authorizedRun, authorizedRuns, viewRuns } from '../guard.js';
import type { RunProgressEvent } from '../pubsub.js';
import { buildComparison } from './compare-resolver.js';
import { SaveViewInput } from './inputs.js';
import { Comparison, RunProgress, SavedView } from './types.js';

@Resolver()
export class ViewResolver {
  @Mutation(() => SavedView, {
    description:
      'Freeze a comparison (runs, current estimator versions, chart settings, note). VIEWER or above.',
  })
  async saveView(
    @Ctx() ctx: ApiContext,
    @Arg('input', () => SaveViewInput, { description: 'The view.' }) input: SaveViewInput,
  ): Promise<SavedView> {
    await authorize(ctx, 'project', input.projectId, 'VIEWER');
    const runs = await authorizedRuns(ctx, input.runIds, 'VIEWER');
    if (runs.some((r) => r.projectId !== input.projectId)) {
      throw apiError('BAD_USER_INPUT', 'every run of a view must belong to its project');
    }
    const settings = input.chartSettings ?? {};
    if (settings === null || typeof settings !== 'object' || Array.isArray(settings)) {
      throw apiError('BAD_USER_INPUT', 'chartSettings must be a JSON object');
    }
    return saveView(ctx.prisma, {
      projectId: input.projectId,
      createdById: ctx.guard.requireCaller().userId,
      title: input.title,
      note: input.note ?? null,
      runIds: input.runIds,
      chartSettings: settings as InputJsonValue,
    });
  }

  @Query(() => SavedView, {
    description:
      'A saved view by its token. The unguessable token is the credential: reviewers need no account, and see only the frozen runs and results of this view.',
  })
  async savedView(
    @Ctx() ctx: ApiContext,
    @Arg('token', () => String, { description: 'View token.' }) token: string,
  ): Promise<SavedView> {
    const view = await viewByToken(ctx.prisma, token);
    if (!view) throw apiError('NOT_FOUND', 'no view with this token');
    return view;
  }
}

@Resolver(() => SavedView)
export class SavedViewResolver {
  @FieldResolver(() => Comparison, {
    description:
      "The frozen comparison: the view's runs with only the analysis results of the estimator versions frozen at save time.",
  })
  async comparison(@Root() view: SavedView, @Ctx() ctx: ApiContext): Promise<Comparison> {
    const runs = await viewRuns(ctx, view.projectId, view.runIds);
    const versions = (view.estimatorVersions ?? {}) as Record<string, string>;
    return buildComparison(ctx, runs, null, null, versions);
  }
}

@Resolver()
export class ProgressResolver {
  @Subscription(() => RunProgress, {
    description:
      'Progress events (step, loss, status) of a run while it trains, pushed as logSteps/finishRun arrive.',
    subscribe: async ({ args, context }) => {
      const ctx = context as ApiContext;
      const runId = String(args.runId);
      await authorizedRun(ctx, runId, 'VIEWER');
      return ctx.services.progress.subscribe(runId);
    },
  })
  runProgress(
    @Root() event: RunProgressEvent,
    @Arg('runId', () => ID, { description: 'Run to watch.' }) _runId: string,
  ): RunProgress {
    return event;
  }
}

/**
 * Writes on runs: create run/sweep (queued for the trainer), the trainer's ingest (logSteps),
 * finishRun, tags, notes, comments. Each mutation is one repository call that is itself a single
 * statement or transaction, so it is all-or-nothing.
 */
import { addComment, setRunNotes, updateRunTags } from '@sgdscope/db/repo/comments';
import { createRun, finishRun } from '@sgdscope/db/repo/runs';
import { appendSteps } from '@sgdscope/db/repo/steps';
import { createSweep } from '@sgdscope/db/repo/sweeps';
import type { JsonObject, JsonValue, TerminalRunStatus } from '@sgdscope/db/repo/types';
import { GraphQLJSON } from 'graphql-scalars';
import { Arg, Ctx, ID, Int, Mutation, Resolver } from 'type-graphql';
import type { ApiContext } from '../context.js';
import { apiError } from '../errors.js';
import { authorize, authorizedRun } from '../guard.js';
import { RunStatusEnum } from './enums.js';
import { CreateRunInput, CreateSweepInput, StepSeriesInput } from './inputs.js';
import { toGqlRun } from './mappers.js';
import { Comment, IngestAck, Run, Sweep } from './types.js';

/** Most values one logSteps call may carry over all series (bounds request size and transaction length). */
export const MAX_LOG_VALUES = 1_000_000;

/** A JSON object from a JSON scalar argument, or BAD_USER_INPUT. NaN/Inf cannot occur (JSON has none). */
export function jsonObjectArg(value: unknown, what: string): JsonObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw apiError('BAD_USER_INPUT', `${what} must be a JSON object`);
  }
  return value as JsonObject;
}

@Resolver()
export class RunMutationResolver {
  @Mutation(() => Run, { description: 'Create a queued run. EDITOR or above.' })
  async createRun(
    @Ctx() ctx: ApiContext,
    @Arg('input', () => CreateRunInput, { description: 'The run.' }) input: CreateRunInput,
  ): Promise<Run> {
    await authorize(ctx, 'project', input.projectId, 'EDITOR');
    if (input.experimentId) await this.sameProject(ctx, 'experiment', input.experimentId, input.projectId);
    const run = await createRun(ctx.repo, {
      projectId: input.projectId,
      experimentId: input.experimentId ?? undefined,
      name: input.name,
      kind: input.kind.toLowerCase() as 'network',
      config: jsonObjectArg(input.config, 'config'),
      tags: input.tags ?? undefined,
    });
    return toGqlRun(run);
  }

  @Mutation(() => Sweep, {
    description: 'Create a sweep and queue all its runs in one transaction. EDITOR or above.',
  })
  async createSweep(
    @Ctx() ctx: ApiContext,
    @Arg('input', () => CreateSweepInput, { description: 'The sweep.' }) input: CreateSweepInput,
  ): Promise<Sweep> {
    await authorize(ctx, 'project', input.projectId, 'EDITOR');
    if (input.experimentId) await this.sameProject(ctx, 'experiment', input.experimentId, input.projectId);
    const grid = jsonObjectArg(input.grid, 'grid');
    for (const [k, v] of Object.entries(grid)) {
      if (!Array.isArray(v)) throw apiError('BAD_USER_INPUT', `grid.${k} must be a list of values`);
    }
    const { sweep, runs } = await createSweep(ctx.repo, {
      projectId: input.projectId,
      experimentId: input.experimentId ?? undefined,
      name: input.name,
      kind: input.kind.toLowerCase() as 'network',
      baseConfig: jsonObjectArg(input.baseConfig, 'baseConfig'),
      grid: grid as Record<string, JsonValue[]>,
      replicates: input.replicates,
    });
    return { ...sweep, kind: input.kind, runCount: runs.length };
  }

  @Mutation(() => IngestAck, {
    description:
      'Trainer ingest: append per-step series. Idempotent by (run, series, step range): a retried batch is a no-op; an overlapping batch with different values is CONFLICT and nothing is stored. EDITOR or above.',
  })
  async logSteps(
    @Ctx() ctx: ApiContext,
    @Arg('runId', () => ID, { description: 'Run.' }) runId: string,
    @Arg('fromStep', () => Int, { description: 'Step of the first value.' }) fromStep: number,
    @Arg('series', () => [StepSeriesInput], { description: 'Series, all of the same length.' })
    series: StepSeriesInput[],
  ): Promise<IngestAck> {
    await authorizedRun(ctx, runId, 'EDITOR');
    if (series.length === 0) throw apiError('BAD_USER_INPUT', 'series must not be empty');
    let total = 0;
    const columns: Record<string, number[]> = {};
    for (const s of series) {
      if (columns[s.name]) throw apiError('BAD_USER_INPUT', `series "${s.name}" given twice`);
      // GraphQL Float already refuses NaN/Infinity; this guards values arriving any other way.
      if (!s.values.every(Number.isFinite))
        throw apiError('BAD_USER_INPUT', `series "${s.name}" has non-finite values`);
      columns[s.name] = s.values;
      total += s.values.length;
    }
    if (total > MAX_LOG_VALUES) throw apiError('BAD_USER_INPUT', `at most ${MAX_LOG_VALUES} values per call`);
    const result = await appendSteps(ctx.repo, runId, { fromStep, series: columns });
    const loss = columns.loss;
    ctx.services.progress.publish({
      runId,
      step: result.lastStep,
      loss: loss && loss.length > 0 ? loss[loss.length - 1] : null,
      status: 'RUNNING',
    });
    return { runId, lastStep: result.lastStep };
  }

  @Mutation(() => Run, {
    description: 'Mark a run FINISHED, FAILED or CANCELED with summary scalars. Idempotent. EDITOR or above.',
  })
  async finishRun(
    @Ctx() ctx: ApiContext,
    @Arg('runId', () => ID, { description: 'Run.' }) runId: string,
    @Arg('status', () => RunStatusEnum, { description: 'Terminal status.' }) status: RunStatusEnum,
    @Arg('summary', () => GraphQLJSON, { nullable: true, validate: false, description: 'Final scalars.' })
    summary: unknown,
    @Arg('error', () => String, { nullable: true, description: 'Failure message.' }) error: string | null,
  ): Promise<Run> {
    await authorizedRun(ctx, runId, 'EDITOR');
    if (!['FINISHED', 'FAILED', 'CANCELED'].includes(status)) {
      throw apiError('BAD_USER_INPUT', 'status must be FINISHED, FAILED or CANCELED');
    }
    const run = await finishRun(ctx.repo, runId, {
      status: status.toLowerCase() as TerminalRunStatus,
      summary: summary == null ? undefined : jsonObjectArg(summary, 'summary'),
      error: error ?? undefined,
    });
    ctx.services.progress.publish({ runId, step: run.lastStep, loss: null, status });
    return toGqlRun(run);
  }

  @Mutation(() => Run, { description: 'Add and/or remove tags. EDITOR or above.' })
  async tagRun(
    @Ctx() ctx: ApiContext,
    @Arg('runId', () => ID, { description: 'Run.' }) runId: string,
    @Arg('add', () => [String], { nullable: true, description: 'Tags to add.' }) add: string[] | null,
    @Arg('remove', () => [String], { nullable: true, description: 'Tags to remove.' }) remove:
      | string[]
      | null,
  ): Promise<Run> {
    await authorizedRun(ctx, runId, 'EDITOR');
    for (const t of add ?? []) {
      if (!/^[\w.:-]{1,64}$/.test(t)) throw apiError('BAD_USER_INPUT', `invalid tag "${t}"`);
    }
    return toGqlRun(await updateRunTags(ctx.prisma, runId, { add: add ?? [], remove: remove ?? [] }));
  }

  @Mutation(() => Run, { description: "Replace a run's notes (null clears). EDITOR or above." })
  async setRunNotes(
    @Ctx() ctx: ApiContext,
    @Arg('runId', () => ID, { description: 'Run.' }) runId: string,
    @Arg('notes', () => String, { nullable: true, description: 'Notes.' }) notes: string | null,
  ): Promise<Run> {
    await authorizedRun(ctx, runId, 'EDITOR');
    if (notes && notes.length > 100_000)
      throw apiError('BAD_USER_INPUT', 'notes longer than 100000 characters');
    return toGqlRun(await setRunNotes(ctx.prisma, runId, notes));
  }

  @Mutation(() => Comment, { description: 'Comment on a run. Any member (VIEWER or above) may comment.' })
  async addComment(
    @Ctx() ctx: ApiContext,
    @Arg('runId', () => ID, { description: 'Run.' }) runId: string,
    @Arg('body', () => String, { description: 'Text (1..10000 characters).' }) body: string,
  ): Promise<Comment> {
    const run = await authorizedRun(ctx, runId, 'VIEWER');
    if (body.trim().length === 0 || body.length > 10_000)
      throw apiError('BAD_USER_INPUT', 'comment must be 1..10000 characters');
    const caller = ctx.guard.requireCaller();
    return addComment(ctx.prisma, { projectId: run.projectId, runId, authorId: caller.userId, body });
  }

  private async sameProject(
    ctx: ApiContext,
    kind: 'experiment',
    id: string,
    projectId: string,
  ): Promise<void> {
    const owner = await authorize(ctx, kind, id, 'EDITOR');
    if (owner !== projectId) throw apiError('BAD_USER_INPUT', `${kind} ${id} belongs to another project`);
  }
}

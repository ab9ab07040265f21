/**
 * Writes on runs: create run/sweep (queued for the trainer), the trainer's ingest (logSteps),
 * finishRun, tags, notes, comments. Each mutation is one repository call that is itself a single
 * statement or transaction, so it is all-or-nothing.
 */
import { addComment, setRunNotes, updateRunTags } from '@sgdscope/db/repo/comments';
import { createRun, finishRun } from '@sgdscope/db/repo/runs';
import { appendSteps } from '@sgdscope/db/repo/steps';
import { createSweep, expandSweep } from '@sgdscope/db/repo/sweeps';
import type { JsonObject, JsonValue, TerminalRunStatus } from '@sgdscope/db/repo/types';
import { GraphQLJSON } from 'graphql-scalars';
import { Arg, Ctx, ID, Int, Mutation, Resolver } from 'type-graphql';
import type { ApiContext, QueuedRunRef } from '../context.js';
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

/** Rejects configs the trainer would refuse (BAD_USER_INPUT), when the API runs next to a run queue. */
async function validateForQueue(
  ctx: ApiContext,
  kind: string,
  configs: readonly JsonObject[],
): Promise<void> {
  const queue = ctx.services.runQueue;
  if (!queue) return;
  // Distinct configs only: replicates differ by seed alone, and a 10,000-run sweep repeats a few shapes.
  const seen = new Set<string>();
  for (const config of configs) {
    const key = JSON.stringify(config);
    if (seen.has(key)) continue;
    seen.add(key);
    try {
      await queue.validate(kind, config);
    } catch (error) {
      throw apiError('BAD_USER_INPUT', (error as Error).message);
    }
  }
}

/**
 * Puts created runs on the trainer's queue. The runs are already committed as QUEUED; if the queue is
 * unreachable they stay so and a worker's recovery sweep queues them later, so the mutation still succeeds.
 */
async function enqueueCreated(ctx: ApiContext, runs: readonly QueuedRunRef[]): Promise<void> {
  const queue = ctx.services.runQueue;
  if (!queue) return;
  try {
    await queue.enqueue(runs);
  } catch (error) {
    console.warn(`run queue: ${runs.length} run(s) left for the recovery sweep: ${(error as Error).message}`);
  }
}

@Resolver()
export class RunMutationResolver {
  @Mutation(() => Run, {
    description:
      "Create a QUEUED run. Next to a run queue (`npm start`, team-mode platform) the config is first validated against the trainer's schema for its kind (BAD_USER_INPUT listing every problem) and the run is put on the queue at once. EDITOR or above.",
  })
  async createRun(
    @Ctx() ctx: ApiContext,
    @Arg('input', () => CreateRunInput, { description: 'The run.' }) input: CreateRunInput,
  ): Promise<Run> {
    await authorize(ctx, 'project', input.projectId, 'EDITOR');
    if (input.experimentId) await this.sameProject(ctx, 'experiment', input.experimentId, input.projectId);
    const kind = input.kind.toLowerCase() as 'network';
    const config = jsonObjectArg(input.config, 'config');
    await validateForQueue(ctx, kind, [config]);
    const run = await createRun(ctx.repo, {
      projectId: input.projectId,
      experimentId: input.experimentId ?? undefined,
      name: input.name,
      kind,
      config,
      tags: input.tags ?? undefined,
    });
    await enqueueCreated(ctx, [{ id: run.id, kind, config: run.config }]);
    return toGqlRun(run);
  }

  @Mutation(() => Sweep, {
    description:
      'Create a sweep and its runs in one transaction, all QUEUED. Next to a run queue every run config is validated before anything is written and the runs are put on the queue at once. EDITOR or above.',
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
    const kind = input.kind.toLowerCase() as 'network';
    const baseConfig = jsonObjectArg(input.baseConfig, 'baseConfig');
    if (ctx.services.runQueue) {
      // Every run's config is checked before anything is written: a sweep is queued whole or not at all.
      const points = expandSweep(baseConfig, grid as Record<string, JsonValue[]>, input.replicates);
      await validateForQueue(
        ctx,
        kind,
        points.map((p) => p.config),
      );
    }
    const { sweep, runs } = await createSweep(ctx.repo, {
      projectId: input.projectId,
      experimentId: input.experimentId ?? undefined,
      name: input.name,
      kind,
      baseConfig,
      grid: grid as Record<string, JsonValue[]>,
      replicates: input.replicates,
    });
    await enqueueCreated(
      ctx,
      runs.map((r) => ({ id: r.id, kind, config: r.config })),
    );
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

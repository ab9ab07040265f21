/** Trainer ingest of trajectory chunks over GraphQL (base64), and analyzeRun. */

import { analysesByRunIds } from '@sgdscope/db/repo/queries';
import {
  listEstimators,
  MissingDataError,
  PipelineParamsError,
  analyzeRun as runPipelineEstimator,
} from '@sgdscope/pipeline';
import { GraphQLJSON } from 'graphql-scalars';
import { Arg, Ctx, ID, Int, Mutation, Resolver } from 'type-graphql';
import { analyzeRunStable } from '../analysis/run-stable.js';
import type { ApiContext } from '../context.js';
import { apiError } from '../errors.js';
import { authorizedRun } from '../guard.js';
import { ingestTrajectoryChunk } from '../ingest/trajectory.js';
import { toAnalysisResult } from './mappers.js';
import { AnalysisResult, TrajectoryChunkInfo } from './types.js';

/** Largest base64 payload accepted over GraphQL; bigger chunks go through PUT /ingest/runs/:id/chunks/:seq. */
export const MAX_BASE64_CHUNK_CHARS = 12 * 1024 * 1024;

const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Estimators analyzeRun can run, by name: every estimator of the @sgdscope/pipeline registry (the same ones a
 * run gets automatically when it finishes), plus `stable`, an ad-hoc Levy fit of any named artifact.
 */
export const ESTIMATORS = [...listEstimators().map((e) => e.name), 'stable'] as const;

@Resolver()
export class IngestResolver {
  @Mutation(() => TrajectoryChunkInfo, {
    description:
      'Trainer ingest: store trajectory rows [rows x d] (little-endian float32/float16, base64). Idempotent by (run, seq). EDITOR or above.',
  })
  async uploadTrajectoryChunk(
    @Ctx() ctx: ApiContext,
    @Arg('runId', () => ID, { description: 'Run.' }) runId: string,
    @Arg('seq', () => Int, { description: 'Chunk sequence number (idempotency key).' }) seq: number,
    @Arg('fromStep', () => Int, { description: 'Step of the first row.' }) fromStep: number,
    @Arg('rows', () => Int, { description: 'Rows.' }) rows: number,
    @Arg('d', () => Int, { description: 'Row dimension.' }) d: number,
    @Arg('dtype', () => String, { description: '"float32" or "float16".' }) dtype: string,
    @Arg('data', () => String, { description: 'Base64 of the little-endian bytes.' }) data: string,
  ): Promise<TrajectoryChunkInfo> {
    await authorizedRun(ctx, runId, 'EDITOR');
    if (data.length > MAX_BASE64_CHUNK_CHARS) {
      throw apiError(
        'PAYLOAD_TOO_LARGE',
        'chunk too large for GraphQL: use PUT /ingest/runs/:id/chunks/:seq',
      );
    }
    if (!BASE64_RE.test(data)) throw apiError('BAD_USER_INPUT', 'data is not base64');
    const bytes = Buffer.from(data, 'base64');
    const written = await ingestTrajectoryChunk(ctx.repo, runId, { seq, fromStep, rows, d, dtype, bytes });
    return { seq: written.seq, fromStep, rows, d, dtype };
  }

  @Mutation(() => AnalysisResult, {
    description:
      'Run an estimator of @sgdscope/analysis over the stored data of a run; cached by (estimator, version, parameter hash). Estimators: the pipeline estimators diffusion, gradient-stable, geometry, msl, loss-fluctuations, hessian, landscape, escape, phase and toy-walk (whichever apply to the kind of the run; parameters per estimator in packages/pipeline/README.md), and stable (Levy alpha-stable fit of any named artifact, histogram + fitted density curves). EDITOR or above.',
  })
  async analyzeRun(
    @Ctx() ctx: ApiContext,
    @Arg('runId', () => ID, { description: 'Run.' }) runId: string,
    @Arg('estimator', () => String, { defaultValue: 'diffusion', description: 'Estimator name.' })
    estimator: string,
    @Arg('params', () => GraphQLJSON, {
      nullable: true,
      validate: false,
      description: 'Estimator parameters (JSON object).',
    })
    params: unknown,
  ): Promise<AnalysisResult> {
    await authorizedRun(ctx, runId, 'EDITOR');
    if (params != null && (typeof params !== 'object' || Array.isArray(params))) {
      throw apiError('BAD_USER_INPUT', 'params must be a JSON object');
    }
    const raw = (params ?? {}) as Record<string, unknown>;
    let resultId: string;
    if (estimator === 'stable') ({ resultId } = await analyzeRunStable(ctx.repo, runId, raw));
    else if (ESTIMATORS.includes(estimator)) {
      try {
        ({ resultId } = await runPipelineEstimator(ctx.repo, runId, estimator, raw));
      } catch (error) {
        if (error instanceof PipelineParamsError || error instanceof MissingDataError) {
          throw apiError('BAD_USER_INPUT', error.message);
        }
        throw error;
      }
    } else
      throw apiError(
        'BAD_USER_INPUT',
        `unknown estimator "${estimator}" (available: ${ESTIMATORS.join(', ')})`,
      );
    const rows = await analysesByRunIds(ctx.prisma, [runId]);
    const row = rows.find((r) => r.id.toString() === resultId);
    if (!row) throw new Error(`analysis result ${resultId} vanished after save`);
    ctx.loaders.analysesOfRun.clear(runId);
    ctx.loaders.latestScalarsOfRun.clear(runId);
    return toAnalysisResult(row);
  }
}

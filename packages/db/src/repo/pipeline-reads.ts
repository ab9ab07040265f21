/**
 * Read helpers of the analysis pipeline (@sgdscope/pipeline): the cache lookup of a finished result by its
 * key, a sweep and its runs, and the artifact index of one name. Read-only; kept apart from the write-side
 * modules so the pipeline adds no coupling to them.
 */
import type { RepoDeps } from './context.js';
import { NotFoundError } from './errors.js';
import { fromDbEnum, toRunRecord } from './mappers.js';
import type { JsonObject, JsonValue, RunKind, RunRecord, SweepRecord } from './types.js';
import { assertName, assertNonEmptyString, assertUuid } from './validate.js';

/**
 * Id of the DONE analysis result with exactly this key (run, estimator, version, params hash), or null.
 * One indexed row read: the pipeline's cache check must not decode every stored curve of the run.
 */
export async function findDoneAnalysisResult(
  deps: RepoDeps,
  runId: string,
  key: { readonly estimator: string; readonly estimatorVersion: string; readonly paramsHash: string },
): Promise<string | null> {
  assertUuid(runId, 'runId');
  assertNonEmptyString(key.estimator, 'estimator', 100);
  const row = await deps.prisma.analysisResult.findFirst({
    where: {
      runId,
      estimator: key.estimator,
      estimatorVersion: key.estimatorVersion,
      paramsHash: key.paramsHash,
      status: 'DONE',
    },
    select: { id: true },
  });
  return row ? row.id.toString() : null;
}

/** The sweep, or NotFoundError. */
export async function getSweep(deps: RepoDeps, sweepId: string): Promise<SweepRecord> {
  assertUuid(sweepId, 'sweepId');
  const row = await deps.prisma.sweep.findUnique({ where: { id: sweepId } });
  if (!row) throw new NotFoundError(`sweep ${sweepId} not found`);
  return {
    id: row.id,
    projectId: row.projectId,
    experimentId: row.experimentId,
    name: row.name,
    kind: fromDbEnum<RunKind>(row.kind),
    baseConfig: row.baseConfig as JsonObject,
    grid: row.grid as Record<string, JsonValue[]>,
    replicates: row.replicates,
    createdAt: row.createdAt,
  };
}

/** All runs of a sweep (every status), oldest first. NotFoundError for an unknown sweep. */
export async function listSweepRuns(deps: RepoDeps, sweepId: string): Promise<RunRecord[]> {
  await getSweep(deps, sweepId);
  const rows = await deps.prisma.run.findMany({
    where: { sweepId },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
  return rows.map(toRunRecord);
}

/** Steps at which a run recorded an artifact of this name, ascending (no data read). */
export async function artifactSteps(deps: RepoDeps, runId: string, name: string): Promise<number[]> {
  assertUuid(runId, 'runId');
  assertName(name, 'artifact name');
  const rows = await deps.prisma.artifact.findMany({
    where: { runId, name },
    orderBy: { step: 'asc' },
    select: { step: true },
  });
  return rows.map((r) => r.step);
}

/** Number of stored trajectory chunks of a run (0 means no trajectory was recorded). */
export async function trajectoryChunkCount(deps: RepoDeps, runId: string): Promise<number> {
  assertUuid(runId, 'runId');
  return deps.prisma.trajectoryChunk.count({ where: { runId } });
}

import type { Prisma } from '../generated/prisma/client.js';
import { type RepoDeps, withPrismaErrors } from './context.js';
import { ConflictError, NotFoundError, ValidationError } from './errors.js';
import { toDbEnum, toDbJson, toRunRecord } from './mappers.js';
import type { JsonObject, PromotedRunColumns, RunKind, RunRecord, TerminalRunStatus } from './types.js';
import { assertInt, assertJsonObject, assertNonEmptyString, assertUuid } from './validate.js';

const RUN_KINDS: readonly RunKind[] = ['network', 'fractal_landscape', 'escape', 'phase_diagram'];
const TERMINAL: readonly TerminalRunStatus[] = ['finished', 'failed', 'canceled'];
const INT4_MAX = 2 ** 31 - 1;

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

function intOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && Math.abs(value) <= INT4_MAX ? value : null;
}

/**
 * Copies the filterable keys of a run config into their columns: model, dataset, optimizer,
 * learningRate, batchSize, depth, shortcut, loss, seed, parameterCount (top-level keys of the config).
 * A key whose value has another type (e.g. a toy model's fractional "batchSize" noise scale) is left
 * in the JSON config only and its column stays null: the config is the truth, columns are an index.
 */
export function promoteRunColumns(config: JsonObject): PromotedRunColumns {
  const lr = config.learningRate;
  return {
    model: stringOrNull(config.model),
    dataset: stringOrNull(config.dataset),
    optimizer: stringOrNull(config.optimizer),
    learningRate: typeof lr === 'number' && Number.isFinite(lr) ? lr : null,
    batchSize: intOrNull(config.batchSize),
    depth: intOrNull(config.depth),
    shortcut: typeof config.shortcut === 'boolean' ? config.shortcut : null,
    loss: stringOrNull(config.loss),
    seed: intOrNull(config.seed),
    parameterCount: intOrNull(config.parameterCount),
  };
}

export interface CreateRunInput {
  readonly projectId: string;
  readonly name: string;
  readonly kind: RunKind;
  readonly config: JsonObject;
  readonly experimentId?: string;
  readonly sweepId?: string;
  readonly tags?: readonly string[];
  readonly notes?: string;
}

/** Validates a run's fields and returns the Prisma create data (shared with sweep expansion). */
export function runCreateData(input: CreateRunInput): Prisma.RunUncheckedCreateInput {
  assertUuid(input.projectId, 'projectId');
  if (input.experimentId !== undefined) assertUuid(input.experimentId, 'experimentId');
  if (input.sweepId !== undefined) assertUuid(input.sweepId, 'sweepId');
  assertNonEmptyString(input.name, 'run name', 300);
  if (!RUN_KINDS.includes(input.kind))
    throw new ValidationError(`run kind must be one of ${RUN_KINDS.join(', ')}`);
  const config = assertJsonObject(input.config, 'run config');
  const tags = input.tags ?? [];
  for (const tag of tags) assertNonEmptyString(tag, 'tag', 64);
  return {
    projectId: input.projectId,
    experimentId: input.experimentId ?? null,
    sweepId: input.sweepId ?? null,
    name: input.name,
    kind: toDbEnum(input.kind),
    config: toDbJson(config),
    ...promoteRunColumns(config),
    tags: [...tags],
    notes: input.notes ?? null,
  };
}

/** Creates a queued run. NotFoundError when the project, experiment or sweep does not exist. */
export async function createRun(deps: RepoDeps, input: CreateRunInput): Promise<RunRecord> {
  const data = runCreateData(input);
  return toRunRecord(await withPrismaErrors(`run "${input.name}"`, () => deps.prisma.run.create({ data })));
}

/** The run, or NotFoundError. */
export async function getRun(deps: RepoDeps, runId: string): Promise<RunRecord> {
  assertUuid(runId, 'runId');
  const row = await deps.prisma.run.findUnique({ where: { id: runId } });
  if (!row) throw new NotFoundError(`run ${runId} not found`);
  return toRunRecord(row);
}

export interface StartRunInput {
  readonly backend?: string;
  readonly codeVersion?: string;
  readonly device?: string;
  readonly workerId?: string;
  readonly parameterCount?: number;
  /** The resolved config, when the trainer filled in defaults; re-promotes the filter columns. */
  readonly config?: JsonObject;
}

/**
 * Marks a run RUNNING. Allowed from QUEUED and, for a resume after a crash, from RUNNING (startedAt
 * keeps the first start). A finished, failed or canceled run cannot restart: ConflictError.
 * The update is conditional on the status in SQL, so two workers cannot both start a terminal run.
 */
export async function startRun(deps: RepoDeps, runId: string, input: StartRunInput = {}): Promise<RunRecord> {
  assertUuid(runId, 'runId');
  if (input.parameterCount !== undefined) assertInt(input.parameterCount, 'parameterCount');
  const config = input.config === undefined ? undefined : assertJsonObject(input.config, 'run config');
  const promoted = config ? promoteRunColumns(config) : undefined;
  const now = new Date();
  const data: Prisma.RunUpdateManyMutationInput = {
    status: 'RUNNING',
    heartbeatAt: now,
    ...(input.backend !== undefined && { backend: input.backend }),
    ...(input.codeVersion !== undefined && { codeVersion: input.codeVersion }),
    ...(input.device !== undefined && { device: input.device }),
    ...(input.workerId !== undefined && { workerId: input.workerId }),
    ...(config && { config: toDbJson(config), ...promoted }),
    ...(input.parameterCount !== undefined && { parameterCount: input.parameterCount }),
  };
  const updated = await deps.prisma.run.updateMany({
    where: { id: runId, status: { in: ['QUEUED', 'RUNNING'] } },
    data,
  });
  if (updated.count === 0) {
    const run = await getRun(deps, runId);
    throw new ConflictError(`run ${runId} is ${run.status} and cannot be started`);
  }
  await deps.prisma.run.updateMany({ where: { id: runId, startedAt: null }, data: { startedAt: now } });
  return getRun(deps, runId);
}

/** Records that the worker is alive. ConflictError when the run is not RUNNING. */
export async function heartbeat(deps: RepoDeps, runId: string): Promise<Date> {
  assertUuid(runId, 'runId');
  const now = new Date();
  const updated = await deps.prisma.run.updateMany({
    where: { id: runId, status: 'RUNNING' },
    data: { heartbeatAt: now },
  });
  if (updated.count === 0) {
    const run = await getRun(deps, runId);
    throw new ConflictError(`run ${runId} is ${run.status}, not running: heartbeat refused`);
  }
  return now;
}

/**
 * Ends a run as finished, failed or canceled, recording the summary scalars and error text.
 * Idempotent: finishing again with the same status returns the run unchanged; a different
 * terminal status is a ConflictError (a failed run does not become finished by a late retry).
 */
export async function finishRun(
  deps: RepoDeps,
  runId: string,
  input: { status: TerminalRunStatus; summary?: JsonObject; error?: string },
): Promise<RunRecord> {
  assertUuid(runId, 'runId');
  if (!TERMINAL.includes(input.status))
    throw new ValidationError(`finish status must be one of ${TERMINAL.join(', ')}`);
  const summary = input.summary === undefined ? undefined : assertJsonObject(input.summary, 'run summary');
  const updated = await withPrismaErrors(`run ${runId}`, () =>
    deps.prisma.run.updateMany({
      where: { id: runId, status: { in: ['QUEUED', 'RUNNING'] } },
      data: {
        status: toDbEnum(input.status),
        finishedAt: new Date(),
        ...(summary && { summary: toDbJson(summary) }),
        ...(input.error !== undefined && { error: input.error }),
      },
    }),
  );
  const run = await getRun(deps, runId);
  if (updated.count === 0 && run.status !== input.status) {
    throw new ConflictError(`run ${runId} is already ${run.status}; cannot mark it ${input.status}`);
  }
  return run;
}

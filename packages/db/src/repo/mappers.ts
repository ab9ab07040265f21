import type { Prisma } from '../generated/prisma/client.js';
import type { JsonObject, RunKind, RunRecord, RunStatus } from './types.js';

/** Prisma enum values are the upper-case spellings of the contract's lower-case ones. */
export function toDbEnum<T extends string>(value: T): Uppercase<T> {
  return value.toUpperCase() as Uppercase<T>;
}

export function fromDbEnum<T extends string>(value: string): T {
  return value.toLowerCase() as T;
}

/** Our JSON type is a subtype of Prisma's input JSON; this only bridges the nominal difference. */
export function toDbJson(value: JsonObject): Prisma.InputJsonValue {
  return value as Prisma.InputJsonValue;
}

type RunRow = Prisma.RunGetPayload<Record<string, never>>;

export function toRunRecord(row: RunRow): RunRecord {
  return {
    id: row.id,
    projectId: row.projectId,
    experimentId: row.experimentId,
    sweepId: row.sweepId,
    name: row.name,
    status: fromDbEnum<RunStatus>(row.status),
    kind: fromDbEnum<RunKind>(row.kind),
    config: row.config as JsonObject,
    model: row.model,
    dataset: row.dataset,
    optimizer: row.optimizer,
    learningRate: row.learningRate,
    batchSize: row.batchSize,
    depth: row.depth,
    shortcut: row.shortcut,
    loss: row.loss,
    seed: row.seed,
    parameterCount: row.parameterCount,
    codeVersion: row.codeVersion,
    backend: row.backend,
    device: row.device,
    tags: row.tags,
    notes: row.notes,
    summary: (row.summary as JsonObject | null) ?? null,
    lastStep: row.lastStep,
    error: row.error,
    workerId: row.workerId,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    heartbeatAt: row.heartbeatAt,
  };
}

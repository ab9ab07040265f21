import { sha256Hex } from '../blob/local.js';
import type { RepoDeps } from './context.js';
import { ConflictError, IntegrityError, NotFoundError, ValidationError } from './errors.js';
import { toDbJson } from './mappers.js';
import type { JsonObject } from './types.js';
import { assertInt, assertJsonObject, assertName, assertUuid } from './validate.js';

/** Arrays up to this size live inline in the Artifact row; larger ones go to the blob store. */
export const INLINE_ARTIFACT_BYTES = 1024 * 1024;

/** A named array recorded at a step (the trainer's Artifact): gradient samples, eigenvalues, grids, escape times. */
export interface ArtifactInput {
  readonly name: string;
  readonly step: number;
  readonly shape: readonly number[];
  readonly data: Float32Array | Float64Array;
  readonly meta?: JsonObject;
}

export interface ArtifactRecord {
  readonly name: string;
  readonly step: number;
  readonly shape: readonly number[];
  readonly dtype: 'float32' | 'float64';
  readonly data: Float32Array | Float64Array;
  readonly meta: JsonObject | null;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function validateArtifact(artifact: ArtifactInput): 'float32' | 'float64' {
  if (artifact === null || typeof artifact !== 'object')
    throw new ValidationError('artifact must be an object');
  assertName(artifact.name, 'artifact name');
  assertInt(artifact.step, 'artifact step');
  if (!Array.isArray(artifact.shape) || artifact.shape.length === 0)
    throw new ValidationError('artifact shape must be a non-empty array');
  let size = 1;
  for (const dim of artifact.shape) {
    assertInt(dim, 'artifact shape dimension');
    size *= dim;
  }
  const dtype =
    artifact.data instanceof Float32Array
      ? 'float32'
      : artifact.data instanceof Float64Array
        ? 'float64'
        : undefined;
  if (!dtype)
    throw new ValidationError(`artifact "${artifact.name}" data must be a Float32Array or Float64Array`);
  if (artifact.data.length !== size) {
    throw new ValidationError(
      `artifact "${artifact.name}" shape [${artifact.shape.join(', ')}] holds ${size} values but data has ${artifact.data.length}`,
    );
  }
  if (artifact.meta !== undefined) assertJsonObject(artifact.meta, `artifact "${artifact.name}" meta`);
  return dtype;
}

function artifactBlobKey(runId: string, name: string, step: number, checksum: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^[.-]/, '_');
  return `runs/${runId}/artifacts/${safe}-${step}-${checksum.slice(0, 16)}.bin`;
}

/**
 * Stores a named array of a run at a step: inline in the row up to INLINE_ARTIFACT_BYTES, otherwise
 * as a blob written (atomically) before the row. Non-finite values are allowed (an escape time of
 * +Inf means "never escaped"). Idempotent by (run, name, step): the same bytes again is a no-op
 * (returns created: false); different bytes is a ConflictError.
 */
export async function writeArtifact(
  deps: RepoDeps,
  runId: string,
  artifact: ArtifactInput,
): Promise<{ created: boolean; inline: boolean; checksum: string }> {
  assertUuid(runId, 'runId');
  const dtype = validateArtifact(artifact);
  if (!LITTLE_ENDIAN) throw new Error('big-endian platforms are not supported by the artifact store');
  const bytes = new Uint8Array(artifact.data.buffer, artifact.data.byteOffset, artifact.data.byteLength);
  const checksum = sha256Hex(bytes);
  const run = await deps.prisma.run.findUnique({ where: { id: runId }, select: { id: true } });
  if (!run) throw new NotFoundError(`run ${runId} not found`);
  const where = { runId_name_step: { runId, name: artifact.name, step: artifact.step } };
  const existing = await deps.prisma.artifact.findUnique({
    where,
    select: { checksum: true, blobKey: true },
  });
  if (existing) {
    if (existing.checksum === checksum)
      return { created: false, inline: existing.blobKey === null, checksum };
    throw new ConflictError(
      `artifact "${artifact.name}" at step ${artifact.step} of run ${runId} is already stored with different data`,
    );
  }
  const inline = bytes.byteLength <= INLINE_ARTIFACT_BYTES;
  let blobKey: string | null = null;
  if (!inline) {
    blobKey = artifactBlobKey(runId, artifact.name, artifact.step, checksum);
    const written = await deps.blobs.put(blobKey, bytes);
    if (written.checksum !== checksum)
      throw new IntegrityError(`blob ${blobKey} was written as ${written.checksum}, expected ${checksum}`);
  }
  try {
    await deps.prisma.artifact.create({
      data: {
        runId,
        name: artifact.name,
        step: artifact.step,
        shape: [...artifact.shape],
        dtype,
        data: inline ? new Uint8Array(bytes) : null,
        blobKey,
        checksum,
        ...(artifact.meta !== undefined && { meta: toDbJson(artifact.meta) }),
      },
    });
  } catch (error) {
    // A concurrent writer of the same (name, step) won: same bytes is still a no-op, else a conflict.
    const winner = await deps.prisma.artifact.findUnique({
      where,
      select: { checksum: true, blobKey: true },
    });
    if (winner?.checksum === checksum) return { created: false, inline: winner.blobKey === null, checksum };
    if (blobKey && winner?.blobKey !== blobKey) await deps.blobs.delete(blobKey);
    if (winner)
      throw new ConflictError(
        `artifact "${artifact.name}" at step ${artifact.step} was stored concurrently with different data`,
      );
    throw error;
  }
  return { created: true, inline, checksum };
}

/**
 * Reads an artifact; `step` defaults to the latest step at which the name was recorded. The bytes
 * are checked against the stored SHA-256 (IntegrityError on mismatch).
 */
export async function readArtifact(
  deps: RepoDeps,
  runId: string,
  name: string,
  step?: number,
): Promise<ArtifactRecord> {
  assertUuid(runId, 'runId');
  assertName(name, 'artifact name');
  if (step !== undefined) assertInt(step, 'artifact step');
  const row = await deps.prisma.artifact.findFirst({
    where: { runId, name, ...(step !== undefined && { step }) },
    orderBy: { step: 'desc' },
  });
  if (!row)
    throw new NotFoundError(
      `run ${runId} has no artifact "${name}"${step === undefined ? '' : ` at step ${step}`}`,
    );
  const bytes = row.data ?? (row.blobKey ? await deps.blobs.get(row.blobKey) : undefined);
  if (!bytes)
    throw new IntegrityError(`artifact "${name}" at step ${row.step} has neither inline data nor a blob`);
  const actual = sha256Hex(bytes);
  if (actual !== row.checksum) {
    throw new IntegrityError(
      `artifact "${name}" at step ${row.step}: SHA-256 ${actual}, recorded ${row.checksum}`,
    );
  }
  const copy = new Uint8Array(bytes); // own, aligned buffer
  const data = row.dtype === 'float32' ? new Float32Array(copy.buffer) : new Float64Array(copy.buffer);
  return {
    name: row.name,
    step: row.step,
    shape: row.shape,
    dtype: row.dtype === 'float32' ? 'float32' : 'float64',
    data,
    meta: (row.meta as JsonObject | null) ?? null,
  };
}

/** Artifact index of a run (no data): name, step, shape, dtype, storage, ordered by name then step. */
export async function listArtifacts(
  deps: RepoDeps,
  runId: string,
): Promise<{ name: string; step: number; shape: number[]; dtype: string; inline: boolean }[]> {
  assertUuid(runId, 'runId');
  const rows = await deps.prisma.artifact.findMany({
    where: { runId },
    orderBy: [{ name: 'asc' }, { step: 'asc' }],
    select: { name: true, step: true, shape: true, dtype: true, blobKey: true },
  });
  return rows.map((r) => ({
    name: r.name,
    step: r.step,
    shape: r.shape,
    dtype: r.dtype,
    inline: r.blobKey === null,
  }));
}

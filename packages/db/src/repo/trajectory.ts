import { randomBytes } from 'node:crypto';
import { sha256Hex, sha256HexAsync } from '../blob/local.js';
import { float16ToFloat32, isFloat16NonFinite } from '../series/float16.js';
import { lockRun, type RepoDeps, TX_OPTIONS, type Tx } from './context.js';
import { ConflictError, IntegrityError, NotFoundError, ValidationError } from './errors.js';
import { assertInt, assertUuid } from './validate.js';

export type TrajectoryDtype = 'float32' | 'float16';

/**
 * A block of consecutive weight snapshots (the trainer's TrajectoryChunk): `rows` rows of dimension
 * `d`, row-major, row i recorded at step fromStep + i. float16 data arrives as Uint16Array bit patterns.
 */
export interface TrajectoryChunkInput {
  readonly seq: number;
  readonly fromStep: number;
  readonly rows: number;
  readonly d: number;
  readonly dtype: TrajectoryDtype;
  readonly data: Float32Array | Uint16Array;
  readonly sketch?: { readonly seed: number; readonly sourceDim: number };
}

export interface TrajectoryChunkWritten {
  readonly seq: number;
  readonly blobKey: string;
  readonly byteLength: number;
  readonly checksum: string;
  /** False when an identical chunk was already stored (a retry): nothing was written. */
  readonly created: boolean;
}

/**
 * Test seams for crash simulation. Production code never passes them; tests use them to kill the
 * process or throw between the blob write and the commit of the index row.
 */
export interface TrajectoryWriteHooks {
  readonly afterBlobWrite?: () => void | Promise<void>;
  readonly beforeCommit?: () => void | Promise<void>;
}

/** The RowChunk shape of @sgdscope/analysis, plus where the rows sit in the run. */
export interface TrajectoryRows {
  readonly rows: number;
  readonly d: number;
  readonly data: Float32Array;
  readonly fromStep: number;
  readonly seq: number;
}

/** Largest accepted chunk (bytes); keeps a chunk well inside memory and one blob write short. */
export const MAX_TRAJECTORY_CHUNK_BYTES = 512 * 1024 * 1024;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function validateChunk(chunk: TrajectoryChunkInput): void {
  if (chunk === null || typeof chunk !== 'object')
    throw new ValidationError('trajectory chunk must be an object');
  assertInt(chunk.seq, 'seq');
  assertInt(chunk.fromStep, 'fromStep');
  assertInt(chunk.rows, 'rows', 1);
  assertInt(chunk.d, 'd', 1);
  assertInt(chunk.fromStep + chunk.rows - 1, 'last step of the chunk');
  if (chunk.dtype !== 'float32' && chunk.dtype !== 'float16') {
    throw new ValidationError(`trajectory dtype must be float32 or float16, got "${chunk.dtype}"`);
  }
  const expectedType = chunk.dtype === 'float32' ? Float32Array : Uint16Array;
  if (!(chunk.data instanceof expectedType)) {
    throw new ValidationError(`trajectory dtype ${chunk.dtype} needs data as ${expectedType.name}`);
  }
  const expected = chunk.rows * chunk.d;
  if (chunk.data.length !== expected) {
    throw new ValidationError(
      `trajectory chunk shape mismatch: rows·d = ${chunk.rows}·${chunk.d} = ${expected} but data has ${chunk.data.length} values`,
    );
  }
  if (chunk.data.byteLength > MAX_TRAJECTORY_CHUNK_BYTES) {
    throw new ValidationError(
      `trajectory chunk of ${chunk.data.byteLength} bytes exceeds ${MAX_TRAJECTORY_CHUNK_BYTES}`,
    );
  }
  const bad = firstNonFinite(chunk);
  if (bad >= 0) {
    throw new ValidationError(
      `trajectory chunk seq ${chunk.seq} has a NaN/Inf weight at row ${Math.floor(bad / chunk.d)} (step ${chunk.fromStep + Math.floor(bad / chunk.d)}), column ${bad % chunk.d}: weights must be finite`,
    );
  }
  if (chunk.sketch !== undefined) {
    assertInt(chunk.sketch.seed, 'sketch.seed', -(2 ** 31));
    assertInt(chunk.sketch.sourceDim, 'sketch.sourceDim', chunk.d);
  }
}

function firstNonFinite(chunk: TrajectoryChunkInput): number {
  const data = chunk.data;
  if (data instanceof Uint16Array) {
    for (let i = 0; i < data.length; i++) if (isFloat16NonFinite(data[i])) return i;
    return -1;
  }
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) return i;
  return -1;
}

/** Little-endian bytes of the chunk data (a view when the platform is little-endian). */
function chunkBytes(data: Float32Array | Uint16Array): Uint8Array {
  if (!LITTLE_ENDIAN) throw new Error('big-endian platforms are not supported by the trajectory store');
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * Blob key of one write attempt: seq plus a random nonce, so an attempt never overwrites the blob of
 * a committed chunk (a conflicting retry of the same seq writes its own file and is then rejected).
 */
export function trajectoryBlobKey(runId: string, seq: number, nonce: string): string {
  return `runs/${runId}/trajectory/${String(seq).padStart(8, '0')}-${nonce}.bin`;
}

interface StoredChunkMeta {
  seq: number;
  fromStep: number;
  rows: number;
  d: number;
  dtype: string;
  checksum: string;
  blobKey: string;
  byteLength: number;
}

/** What the run holds around a chunk's seq and step range, read in one statement. */
interface ChunkSlot {
  readonly twin: StoredChunkMeta | undefined;
  readonly overlap: { seq: number; fromStep: number; rows: number } | undefined;
  /** d of any stored chunk of the run (all share one d), or undefined when there are none. */
  readonly storedD: number | undefined;
}

/**
 * Reads the same-seq chunk, the first chunk overlapping the step range and the run's d in one round
 * trip. NotFoundError when the run does not exist.
 */
async function inspectSlot(tx: Tx, runId: string, chunk: TrajectoryChunkInput): Promise<ChunkSlot> {
  const to = chunk.fromStep + chunk.rows - 1;
  const rows = await tx.$queryRawUnsafe<
    {
      twinSeq: number | null;
      twinFrom: number | null;
      twinRows: number | null;
      twinD: number | null;
      twinDtype: string | null;
      twinChecksum: string | null;
      twinKey: string | null;
      twinBytes: number | null;
      overlapSeq: number | null;
      overlapFrom: number | null;
      overlapRows: number | null;
      storedD: number | null;
    }[]
  >(
    `SELECT t."seq" AS "twinSeq", t."fromStep" AS "twinFrom", t."rows" AS "twinRows", t."d" AS "twinD",
            t."dtype" AS "twinDtype", t."checksum" AS "twinChecksum", t."blobKey" AS "twinKey",
            t."byteLength" AS "twinBytes",
            o."seq" AS "overlapSeq", o."fromStep" AS "overlapFrom", o."rows" AS "overlapRows",
            a."d" AS "storedD"
     FROM "Run" r
     LEFT JOIN "TrajectoryChunk" t ON t."runId" = r."id" AND t."seq" = $2
     LEFT JOIN LATERAL (
       SELECT "seq", "fromStep", "rows" FROM "TrajectoryChunk"
       WHERE "runId" = r."id" AND "fromStep" <= $4 AND "fromStep" + "rows" > $3
       ORDER BY "fromStep" LIMIT 1) o ON true
     LEFT JOIN LATERAL (SELECT "d" FROM "TrajectoryChunk" WHERE "runId" = r."id" LIMIT 1) a ON true
     WHERE r."id" = $1::uuid`,
    runId,
    chunk.seq,
    chunk.fromStep,
    to,
  );
  if (rows.length === 0) throw new NotFoundError(`run ${runId} not found`);
  const r = rows[0];
  return {
    twin:
      r.twinSeq === null
        ? undefined
        : {
            seq: r.twinSeq,
            fromStep: r.twinFrom as number,
            rows: r.twinRows as number,
            d: r.twinD as number,
            dtype: r.twinDtype as string,
            checksum: r.twinChecksum as string,
            blobKey: r.twinKey as string,
            byteLength: r.twinBytes as number,
          },
    overlap:
      r.overlapSeq === null
        ? undefined
        : { seq: r.overlapSeq, fromStep: r.overlapFrom as number, rows: r.overlapRows as number },
    storedD: r.storedD ?? undefined,
  };
}

/**
 * Judges a chunk against what the run holds. Returns the stored twin when this is an identical retry
 * (same seq, steps, shape, dtype and checksum), undefined when the chunk is new, and throws
 * ConflictError for a different chunk under the same seq, an overlapping step range, or a d other
 * than the run's. `checksum` undefined means "not computed": any twin then counts as different.
 */
function judge(
  runId: string,
  slot: ChunkSlot,
  chunk: TrajectoryChunkInput,
  checksum: string | undefined,
): StoredChunkMeta | undefined {
  const { twin, overlap, storedD } = slot;
  if (twin) {
    const same =
      checksum !== undefined &&
      twin.fromStep === chunk.fromStep &&
      twin.rows === chunk.rows &&
      twin.d === chunk.d &&
      twin.dtype === chunk.dtype &&
      twin.checksum === checksum;
    if (same) return twin;
    throw new ConflictError(
      `trajectory chunk seq ${chunk.seq} of run ${runId} is already stored with different content (steps ${twin.fromStep}..${twin.fromStep + twin.rows - 1}, ${twin.rows}x${twin.d} ${twin.dtype})`,
    );
  }
  const to = chunk.fromStep + chunk.rows - 1;
  if (overlap) {
    throw new ConflictError(
      `trajectory chunk seq ${chunk.seq} (steps ${chunk.fromStep}..${to}) overlaps stored chunk seq ${overlap.seq} (steps ${overlap.fromStep}..${overlap.fromStep + overlap.rows - 1})`,
    );
  }
  if (storedD !== undefined && storedD !== chunk.d) {
    throw new ConflictError(
      `trajectory chunk seq ${chunk.seq} has d = ${chunk.d} but the run's chunks have d = ${storedD}`,
    );
  }
  return undefined;
}

/**
 * Stores a block of weight snapshots. Order of effects: validate (shape, dtype, no NaN/Inf in
 * weights), check against stored chunks (identical retry → no-op; conflicting seq, overlapping steps
 * or different d → ConflictError), write the blob atomically (temp + fsync + rename, SHA-256 checked),
 * then insert the index row in a transaction under the run lock (re-checking, since another writer
 * may have raced). A crash between blob and row leaves an orphan blob for gcOrphanBlobs, never a
 * visible partial chunk: readers only see chunks through committed rows, and blobs are complete.
 */
export async function writeTrajectoryChunk(
  deps: RepoDeps,
  runId: string,
  chunk: TrajectoryChunkInput,
  hooks: TrajectoryWriteHooks = {},
): Promise<TrajectoryChunkWritten> {
  assertUuid(runId, 'runId');
  validateChunk(chunk);
  const bytes = chunkBytes(chunk.data);
  // Hash up front only when the seq is already stored (a retry to compare); otherwise the blob
  // store's SHA-256, computed while writing, is the checksum: one pass over the bytes, not two.
  const before = await inspectSlot(deps.prisma, runId, chunk);
  const expected = before.twin ? sha256Hex(bytes) : undefined;
  const twin = judge(runId, before, chunk, expected);
  if (twin) {
    return {
      seq: twin.seq,
      blobKey: twin.blobKey,
      byteLength: twin.byteLength,
      checksum: twin.checksum,
      created: false,
    };
  }

  const blobKey = trajectoryBlobKey(runId, chunk.seq, randomBytes(8).toString('hex'));
  const written = await deps.blobs.put(blobKey, bytes);
  const checksum = written.checksum;
  if (written.byteLength !== bytes.byteLength) {
    await deps.blobs.delete(blobKey);
    throw new IntegrityError(`blob ${blobKey} has ${written.byteLength} bytes, expected ${bytes.byteLength}`);
  }
  await hooks.afterBlobWrite?.();
  try {
    const result = await deps.prisma.$transaction(async (tx) => {
      // Re-judged under the run lock: another writer may have committed since the first look. The
      // lock is its own statement so that the inspection's snapshot starts after the lock is held
      // (in READ COMMITTED a locking SELECT that waited would still join rows from before the wait).
      await lockRun(tx, runId);
      const raced = judge(runId, await inspectSlot(tx, runId, chunk), chunk, checksum);
      if (raced)
        return {
          seq: raced.seq,
          blobKey: raced.blobKey,
          byteLength: raced.byteLength,
          checksum,
          created: false,
        };
      await tx.trajectoryChunk.create({
        data: {
          runId,
          seq: chunk.seq,
          fromStep: chunk.fromStep,
          rows: chunk.rows,
          d: chunk.d,
          dtype: chunk.dtype,
          sketchSeed: chunk.sketch?.seed ?? null,
          sourceDim: chunk.sketch?.sourceDim ?? null,
          blobKey,
          byteLength: bytes.byteLength,
          checksum,
        },
      });
      await hooks.beforeCommit?.();
      return { seq: chunk.seq, blobKey, byteLength: bytes.byteLength, checksum, created: true };
    }, TX_OPTIONS);
    // An identical chunk committed by a concurrent writer won: this attempt's blob is unreferenced.
    if (!result.created) await deps.blobs.delete(blobKey);
    return result;
  } catch (error) {
    // A rejected (not crashed) write removes its own blob; its key is unique to this attempt.
    if (error instanceof ConflictError) await deps.blobs.delete(blobKey);
    throw error;
  }
}

/** Decodes stored chunk bytes to float32 (float16 is widened exactly). */
export function decodeTrajectoryBytes(bytes: Uint8Array, dtype: string, count: number): Float32Array {
  if (!LITTLE_ENDIAN) throw new Error('big-endian platforms are not supported by the trajectory store');
  const width = dtype === 'float16' ? 2 : dtype === 'float32' ? 4 : 0;
  if (width === 0) throw new IntegrityError(`unknown trajectory dtype "${dtype}"`);
  if (bytes.byteLength !== count * width) {
    throw new IntegrityError(
      `trajectory blob has ${bytes.byteLength} bytes, expected ${count * width} for ${count} ${dtype}`,
    );
  }
  // Typed-array views need aligned offsets; copy when the buffer slice is not.
  const aligned = bytes.byteOffset % width === 0 ? bytes : bytes.slice();
  if (dtype === 'float32') return new Float32Array(aligned.buffer, aligned.byteOffset, count);
  return float16ToFloat32(new Uint16Array(aligned.buffer, aligned.byteOffset, count));
}

/** Metadata rows fetched per database round trip while streaming. */
const STREAM_PAGE = 32;

/**
 * Streams a run's trajectory rows in step order, chunk by chunk, as float32 RowChunks (the shape
 * @sgdscope/analysis consumes), restricted to steps [fromStep, toStep] when given. Each blob is
 * checked against its recorded SHA-256 before use: a mismatch throws IntegrityError.
 */
/** Blobs read and verified ahead of the consumer (bounded: at most this many chunks are held in memory). */
const READ_AHEAD = 3;

export async function* streamTrajectory(
  deps: RepoDeps,
  runId: string,
  range: { fromStep?: number; toStep?: number } = {},
): AsyncIterable<TrajectoryRows> {
  assertUuid(runId, 'runId');
  const from = range.fromStep ?? 0;
  const to = range.toStep ?? 2 ** 31 - 1;
  assertInt(from, 'fromStep');
  assertInt(to, 'toStep');
  if (to < from) throw new ValidationError(`toStep (${to}) is before fromStep (${from})`);
  const run = await deps.prisma.run.findUnique({ where: { id: runId }, select: { id: true } });
  if (!run) throw new NotFoundError(`run ${runId} not found`);
  let after = -1;
  for (;;) {
    const page = await deps.prisma.$queryRaw<StoredChunkMeta[]>`
      SELECT "seq", "fromStep", "rows", "d", "dtype", "checksum", "blobKey", "byteLength" FROM "TrajectoryChunk"
      WHERE "runId" = ${runId}::uuid AND "fromStep" > ${after} AND "fromStep" <= ${to} AND "fromStep" + "rows" > ${from}
      ORDER BY "fromStep" LIMIT ${STREAM_PAGE}`;
    // Read and hash the next blob (both on the thread pool) while this one is consumed on the main thread.
    const fetch = (i: number) => {
      const pending = deps.blobs
        .get(page[i].blobKey)
        .then(async (bytes) => ({ bytes, actual: await sha256HexAsync(bytes) }));
      pending.catch(() => undefined); // a consumer that stops early must not leave an unhandled rejection
      return pending;
    };
    // A few blobs in flight keep every core hashing (the hash, not the disk, is the bottleneck).
    const inFlight: ReturnType<typeof fetch>[] = [];
    for (let i = 0; i < Math.min(READ_AHEAD, page.length); i++) inFlight.push(fetch(i));
    for (const [i, meta] of page.entries()) {
      const { bytes, actual } = await (inFlight.shift() as ReturnType<typeof fetch>);
      if (i + READ_AHEAD < page.length) inFlight.push(fetch(i + READ_AHEAD));
      if (actual !== meta.checksum) {
        throw new IntegrityError(
          `trajectory chunk seq ${meta.seq} of run ${runId}: blob ${meta.blobKey} has SHA-256 ${actual}, recorded ${meta.checksum}`,
        );
      }
      const all = decodeTrajectoryBytes(bytes, meta.dtype, meta.rows * meta.d);
      const lo = Math.max(from, meta.fromStep) - meta.fromStep;
      const hi = Math.min(to, meta.fromStep + meta.rows - 1) - meta.fromStep;
      const rows = hi - lo + 1;
      const data = lo === 0 && rows === meta.rows ? all : all.subarray(lo * meta.d, (hi + 1) * meta.d);
      yield { rows, d: meta.d, data, fromStep: meta.fromStep + lo, seq: meta.seq };
    }
    if (page.length < STREAM_PAGE) return;
    after = page[page.length - 1].fromStep;
  }
}

/** Index rows of a run's trajectory (no data), in step order. */
export async function listTrajectoryChunks(
  deps: RepoDeps,
  runId: string,
): Promise<{ seq: number; fromStep: number; rows: number; d: number; dtype: string; byteLength: number }[]> {
  assertUuid(runId, 'runId');
  return deps.prisma.trajectoryChunk.findMany({
    where: { runId },
    orderBy: { fromStep: 'asc' },
    select: { seq: true, fromStep: true, rows: true, d: true, dtype: true, byteLength: true },
  });
}

import { downsampleMinMax, type SeriesPoints } from '../series/downsample.js';
import {
  decodeSeriesValues,
  encodeSeriesValues,
  isSeriesDtype,
  quantizeToDtype,
  SERIES_CHUNK_STEPS,
  type SeriesDtype,
  sameSeriesValues,
} from '../series/encoding.js';
import {
  countNonFinite,
  defaultNonFinitePolicy,
  firstNonFiniteIndex,
  type NonFinitePolicy,
} from '../series/policy.js';
import {
  appendToSummary,
  coarsenSummary,
  decodeSummaryPayload,
  emptySummary,
  encodeSummaryPayload,
  type SeriesSummaryData,
  STORED_SUMMARIES,
  type SummaryBucket,
  type SummaryScheme,
} from '../series/summary.js';
import { lockRun, type RepoDeps, TX_OPTIONS, type Tx } from './context.js';
import { ConflictError, NotFoundError, ValidationError } from './errors.js';
import { assertInt, assertName, assertUuid } from './validate.js';

/** Per-step scalars, column-wise: series[name][i] belongs to step fromStep + i (the trainer's StepBatch). */
export interface StepBatchInput {
  readonly fromStep: number;
  readonly series: Readonly<Record<string, ArrayLike<number>>>;
}

export interface AppendStepsOptions {
  /** Storage dtype for new chunks; default float64 (exact). float32 halves storage. */
  readonly dtype?: SeriesDtype;
  /** Overrides the default NaN/Inf policy (see series/policy.ts) per series name. */
  readonly nonFinitePolicy?: Readonly<Record<string, NonFinitePolicy>>;
}

export interface AppendStepsResult {
  /** Series whose steps were stored by this call. */
  readonly written: readonly string[];
  /** Series whose steps were already stored with identical values (a retry): nothing written. */
  readonly unchanged: readonly string[];
  /** Run.lastStep after the call. */
  readonly lastStep: number;
  /** Non-finite values accepted under 'allow-flagged', per series (only series with any). */
  readonly nonFinite: Readonly<Record<string, number>>;
}

/** One batch may carry at most this many steps per series (a few MB per call keeps transactions short). */
export const MAX_BATCH_STEPS = 1_000_000;

/** Series per batch: bounds the bind parameters of the batched summary upsert (PostgreSQL allows 65,535). */
export const MAX_BATCH_SERIES = 1000;

interface ChunkRow {
  id: bigint;
  fromStep: number;
  count: number;
  dtype: string;
  /** Loaded only for chunks the batch overlaps (to compare a retry); appends never read old bytes. */
  data?: Uint8Array;
}

function chunkDtype(row: ChunkRow): SeriesDtype {
  if (!isSeriesDtype(row.dtype)) throw new Error(`stored chunk ${row.id} has unknown dtype ${row.dtype}`);
  return row.dtype;
}

function validateBatch(
  batch: StepBatchInput,
  options: AppendStepsOptions,
): { names: string[]; length: number } {
  if (batch === null || typeof batch !== 'object') throw new ValidationError('step batch must be an object');
  assertInt(batch.fromStep, 'fromStep');
  const names = Object.keys(batch.series ?? {});
  if (names.length === 0) throw new ValidationError('step batch has no series');
  if (names.length > MAX_BATCH_SERIES) {
    throw new ValidationError(`step batch has ${names.length} series; at most ${MAX_BATCH_SERIES} per batch`);
  }
  const length = batch.series[names[0]]?.length;
  for (const name of names) {
    assertName(name, 'series name');
    const values = batch.series[name];
    if (!values || typeof values.length !== 'number')
      throw new ValidationError(`series "${name}" is not an array`);
    if (values.length !== length) {
      throw new ValidationError(
        `series in one batch must have equal lengths: "${names[0]}" has ${length}, "${name}" has ${values.length}`,
      );
    }
    for (let i = 0; i < values.length; i++) {
      if (typeof values[i] !== 'number') throw new ValidationError(`series "${name}"[${i}] is not a number`);
    }
    const policy = options.nonFinitePolicy?.[name] ?? defaultNonFinitePolicy(name);
    const bad = policy === 'reject' ? firstNonFiniteIndex(values) : -1;
    if (bad >= 0) {
      throw new ValidationError(
        `series "${name}" has ${values[bad]} at step ${batch.fromStep + bad}; only loss-type series may hold NaN/Inf (policy 'reject')`,
      );
    }
  }
  if (length < 1 || length > MAX_BATCH_STEPS)
    throw new ValidationError(`batch length must be in [1, ${MAX_BATCH_STEPS}], got ${length}`);
  assertInt(batch.fromStep + length - 1, 'last step of the batch');
  if (options.dtype !== undefined && !isSeriesDtype(options.dtype))
    throw new ValidationError(`dtype must be float32 or float64`);
  return { names, length };
}

/**
 * Stored chunks of the named series that could overlap steps [from, to], grouped by name, in one
 * query: a chunk never spans more than SERIES_CHUNK_STEPS, so only those starting after
 * from - SERIES_CHUNK_STEPS can reach `from` (including the one ending right before it).
 */
async function chunksNear(
  tx: Tx,
  runId: string,
  names: string[],
  from: number,
  to: number,
): Promise<Map<string, ChunkRow[]>> {
  const rows: (ChunkRow & { name: string })[] = await tx.stepSeriesChunk.findMany({
    where: { runId, name: { in: names }, fromStep: { gt: from - SERIES_CHUNK_STEPS - 1, lte: to } },
    orderBy: { fromStep: 'asc' },
    select: { id: true, name: true, fromStep: true, count: true, dtype: true },
  });
  const overlapping = rows.filter((c) => c.fromStep <= to && c.fromStep + c.count - 1 >= from);
  if (overlapping.length > 0) {
    const data = await tx.stepSeriesChunk.findMany({
      where: { id: { in: overlapping.map((c) => c.id) } },
      select: { id: true, data: true },
    });
    for (const row of overlapping) row.data = data.find((d) => d.id === row.id)?.data;
  }
  const byName = new Map<string, ChunkRow[]>(names.map((name) => [name, []]));
  for (const row of rows) byName.get(row.name)?.push(row);
  return byName;
}

type SeriesDecision =
  | { kind: 'unchanged' }
  | { kind: 'write'; values: Float64Array; extend: ChunkRow | undefined; dtype: SeriesDtype };

/**
 * Decides what to do with one series of a batch: an identical retry is a no-op, any overlap with
 * different (or partially new) values is a ConflictError, new steps are written, extending the
 * previous chunk when it ends right before them and has room.
 */
function decide(
  name: string,
  from: number,
  values: ArrayLike<number>,
  near: ChunkRow[],
  dtype: SeriesDtype,
): SeriesDecision {
  const to = from + values.length - 1;
  const overlapping = near.filter((c) => c.fromStep <= to && c.fromStep + c.count - 1 >= from);
  if (overlapping.length > 0) {
    let covered = 0;
    for (const chunk of overlapping) {
      if (!chunk.data) throw new Error(`chunk ${chunk.id} overlaps the batch but its data was not loaded`);
      const stored = decodeSeriesValues(chunk.data, chunkDtype(chunk));
      const lo = Math.max(from, chunk.fromStep);
      const hi = Math.min(to, chunk.fromStep + chunk.count - 1);
      const incoming = quantizeToDtype(
        Array.prototype.slice.call(values, lo - from, hi - from + 1),
        chunkDtype(chunk),
      );
      const existing = stored.subarray(lo - chunk.fromStep, hi - chunk.fromStep + 1);
      if (!sameSeriesValues(incoming, existing)) {
        throw new ConflictError(
          `series "${name}" steps ${from}..${to} overlap stored steps ${chunk.fromStep}..${chunk.fromStep + chunk.count - 1} with different values`,
        );
      }
      covered += hi - lo + 1;
    }
    if (covered === values.length) return { kind: 'unchanged' };
    throw new ConflictError(
      `series "${name}" steps ${from}..${to} partly overlap stored steps (${covered} of ${values.length} already stored); resend exactly the stored batches or only new steps`,
    );
  }
  const previous = near.find((c) => c.fromStep + c.count === from);
  const extend =
    previous && previous.count < SERIES_CHUNK_STEPS && chunkDtype(previous) === dtype ? previous : undefined;
  return { kind: 'write', values: quantizeToDtype(values, dtype), extend, dtype };
}

/** All row changes of one batch, gathered so each kind is one SQL statement. */
interface WritePlan {
  readonly extended: { id: bigint; added: number; data: Uint8Array }[];
  readonly created: {
    runId: string;
    name: string;
    fromStep: number;
    count: number;
    dtype: SeriesDtype;
    data: Uint8Array<ArrayBuffer>;
  }[];
  readonly summaries: {
    name: string;
    scheme: SummaryScheme;
    resolution: number;
    steps: number;
    payload: Uint8Array;
  }[];
}

/** Splits new values into the extension of the previous chunk (up to SERIES_CHUNK_STEPS) and new chunks. */
function planChunks(
  plan: WritePlan,
  runId: string,
  name: string,
  from: number,
  decision: Extract<SeriesDecision, { kind: 'write' }>,
): void {
  const { values, extend, dtype } = decision;
  let offset = 0;
  if (extend) {
    const take = Math.min(SERIES_CHUNK_STEPS - extend.count, values.length);
    // Appended in SQL (bytea ||), so the stored prefix is neither read nor re-sent.
    plan.extended.push({
      id: extend.id,
      added: take,
      data: encodeSeriesValues(values.subarray(0, take), dtype),
    });
    offset = take;
  }
  for (; offset < values.length; offset += SERIES_CHUNK_STEPS) {
    const part = values.subarray(offset, offset + SERIES_CHUNK_STEPS);
    plan.created.push({
      runId,
      name,
      fromStep: from + offset,
      count: part.length,
      dtype,
      data: encodeSeriesValues(part, dtype),
    });
  }
}

/** Folds the new values into every stored summary of each written series (read in one query). */
async function planSummaries(
  tx: Tx,
  plan: WritePlan,
  runId: string,
  from: number,
  written: Map<string, Float64Array>,
): Promise<void> {
  const existing = await tx.seriesSummary.findMany({ where: { runId, name: { in: [...written.keys()] } } });
  for (const [name, values] of written) {
    for (const { scheme, resolution } of STORED_SUMMARIES) {
      const row = existing.find((r) => r.name === name && r.scheme === scheme && r.buckets === resolution);
      const before: SeriesSummaryData = row
        ? { scheme, resolution, steps: row.steps, buckets: decodeSummaryPayload(row.payload) }
        : emptySummary(scheme, resolution);
      const after = appendToSummary(before, from, values);
      plan.summaries.push({
        name,
        scheme,
        resolution,
        steps: after.steps,
        payload: encodeSummaryPayload(after.buckets),
      });
    }
  }
}

/** Applies a plan with three statements at most: update extended chunks, insert new ones, upsert summaries. */
async function applyPlan(tx: Tx, runId: string, plan: WritePlan): Promise<void> {
  if (plan.extended.length > 0) {
    const params: unknown[] = [];
    const tuples = plan.extended.map((e) => {
      params.push(e.id, e.added, e.data);
      const n = params.length;
      return `($${n - 2}::bigint, $${n - 1}::int, $${n}::bytea)`;
    });
    await tx.$executeRawUnsafe(
      `UPDATE "StepSeriesChunk" AS c SET "count" = c."count" + v.added, "data" = c."data" || v.data
       FROM (VALUES ${tuples.join(', ')}) AS v(id, added, data) WHERE c."id" = v.id`,
      ...params,
    );
  }
  if (plan.created.length > 0) await tx.stepSeriesChunk.createMany({ data: plan.created });
  if (plan.summaries.length > 0) {
    const params: unknown[] = [runId];
    const tuples = plan.summaries.map((s) => {
      params.push(s.name, s.scheme, s.resolution, s.steps, s.payload);
      const n = params.length;
      return `($1::uuid, $${n - 4}, $${n - 3}, $${n - 2}::int, $${n - 1}::int, $${n}::bytea, CURRENT_TIMESTAMP)`;
    });
    await tx.$executeRawUnsafe(
      `INSERT INTO "SeriesSummary" ("runId", "name", "scheme", "buckets", "steps", "payload", "updatedAt")
       VALUES ${tuples.join(', ')}
       ON CONFLICT ("runId", "name", "scheme", "buckets")
       DO UPDATE SET "steps" = EXCLUDED."steps", "payload" = EXCLUDED."payload", "updatedAt" = EXCLUDED."updatedAt"`,
      ...params,
    );
  }
}

/**
 * Appends a batch of per-step scalars to a run, all series in one transaction under the run's row
 * lock. Idempotent by (run, series, step range): re-sending a stored batch is a no-op (reported in
 * `unchanged`), so a recorder may retry blindly after a dropped connection; an overlapping batch with
 * different values is a ConflictError and nothing of the batch is stored. Updates Run.lastStep
 * (max of stored steps) and the linear and log summaries in the same transaction.
 */
export async function appendSteps(
  deps: RepoDeps,
  runId: string,
  batch: StepBatchInput,
  options: AppendStepsOptions = {},
): Promise<AppendStepsResult> {
  assertUuid(runId, 'runId');
  const { names, length } = validateBatch(batch, options);
  const from = batch.fromStep;
  const to = from + length - 1;
  const dtype = options.dtype ?? 'float64';
  return deps.prisma.$transaction(async (tx) => {
    const run = await lockRun(tx, runId);
    const written: string[] = [];
    const unchanged: string[] = [];
    const nonFinite: Record<string, number> = {};
    // Decide for every series before writing any, so a conflict in one leaves the batch unwritten.
    const near = await chunksNear(tx, runId, names, from, to);
    const decisions = names.map(
      (name) => [name, decide(name, from, batch.series[name], near.get(name) ?? [], dtype)] as const,
    );
    const plan: WritePlan = { extended: [], created: [], summaries: [] };
    const writtenValues = new Map<string, Float64Array>();
    for (const [name, decision] of decisions) {
      if (decision.kind === 'unchanged') {
        unchanged.push(name);
        continue;
      }
      planChunks(plan, runId, name, from, decision);
      writtenValues.set(name, decision.values);
      written.push(name);
      const flagged = countNonFinite(decision.values);
      if (flagged > 0) nonFinite[name] = flagged;
    }
    if (writtenValues.size > 0) {
      await planSummaries(tx, plan, runId, from, writtenValues);
      await applyPlan(tx, runId, plan);
    }
    let lastStep = run.lastStep;
    if (written.length > 0 && to > lastStep) {
      await tx.run.update({ where: { id: runId }, data: { lastStep: to } });
      lastStep = to;
    }
    return { written, unchanged, lastStep, nonFinite };
  }, TX_OPTIONS);
}

async function assertRunExists(deps: RepoDeps, runId: string): Promise<void> {
  assertUuid(runId, 'runId');
  const run = await deps.prisma.run.findUnique({ where: { id: runId }, select: { id: true } });
  if (!run) throw new NotFoundError(`run ${runId} not found`);
}

/** Names of a run's series with their stored step counts, sorted by name. */
export async function listSeries(deps: RepoDeps, runId: string): Promise<{ name: string; steps: number }[]> {
  await assertRunExists(deps, runId);
  const groups = await deps.prisma.stepSeriesChunk.groupBy({
    by: ['name'],
    where: { runId },
    _sum: { count: true },
    orderBy: { name: 'asc' },
  });
  return groups.map((g) => ({ name: g.name, steps: g._sum.count ?? 0 }));
}

/**
 * Raw values of one series for steps in [from, to] (inclusive; defaults: whole series), with their
 * steps (series may have gaps). NotFoundError for an unknown run or a series with no stored steps.
 */
export async function readSeries(
  deps: RepoDeps,
  runId: string,
  name: string,
  range: { from?: number; to?: number } = {},
): Promise<SeriesPoints> {
  await assertRunExists(deps, runId);
  assertName(name, 'series name');
  const from = range.from ?? 0;
  const to = range.to ?? 2 ** 31 - 1;
  assertInt(from, 'from');
  assertInt(to, 'to');
  if (to < from) throw new ValidationError(`range to (${to}) is before from (${from})`);
  const chunks = await deps.prisma.stepSeriesChunk.findMany({
    where: { runId, name, fromStep: { gt: from - SERIES_CHUNK_STEPS - 1, lte: to } },
    orderBy: { fromStep: 'asc' },
    select: { id: true, fromStep: true, count: true, dtype: true, data: true },
  });
  const parts: { fromStep: number; values: Float64Array }[] = [];
  let total = 0;
  for (const chunk of chunks) {
    const lo = Math.max(from, chunk.fromStep);
    const hi = Math.min(to, chunk.fromStep + chunk.count - 1);
    if (hi < lo) continue;
    const values = decodeSeriesValues(chunk.data, chunkDtype(chunk)).subarray(
      lo - chunk.fromStep,
      hi - chunk.fromStep + 1,
    );
    parts.push({ fromStep: lo, values });
    total += values.length;
  }
  if (total === 0) {
    const any = await deps.prisma.stepSeriesChunk.findFirst({ where: { runId, name }, select: { id: true } });
    if (!any) throw new NotFoundError(`run ${runId} has no series "${name}"`);
  }
  const steps = new Float64Array(total);
  const values = new Float64Array(total);
  let at = 0;
  for (const part of parts) {
    for (let i = 0; i < part.values.length; i++) steps[at + i] = part.fromStep + i;
    values.set(part.values, at);
    at += part.values.length;
  }
  return { steps, values };
}

/**
 * The stored summary of a series for plotting, merged down to at most `buckets` buckets
 * (scheme 'linear' for the usual view, 'log' for early-time structure on a log-step axis).
 * One row read: this is the call that keeps a 25k-step chart fast.
 */
export async function readSeriesSummary(
  deps: RepoDeps,
  runId: string,
  name: string,
  options: { scheme: SummaryScheme; buckets: number },
): Promise<SeriesSummaryData> {
  assertUuid(runId, 'runId');
  assertName(name, 'series name');
  assertInt(options.buckets, 'buckets', 1, 100_000);
  const stored = STORED_SUMMARIES.find((s) => s.scheme === options.scheme);
  if (!stored)
    throw new ValidationError(`scheme must be one of ${STORED_SUMMARIES.map((s) => s.scheme).join(', ')}`);
  const row = await deps.prisma.seriesSummary.findUnique({
    where: {
      runId_name_scheme_buckets: { runId, name, scheme: stored.scheme, buckets: stored.resolution },
    },
  });
  if (!row) {
    await assertRunExists(deps, runId);
    throw new NotFoundError(`run ${runId} has no series "${name}"`);
  }
  const full: SeriesSummaryData = {
    scheme: stored.scheme,
    resolution: stored.resolution,
    steps: row.steps,
    buckets: decodeSummaryPayload(row.payload),
  };
  return coarsenSummary(full, options.buckets);
}

/**
 * Plot data for a zoomed step range at a pixel width: raw values reduced with min/max preserved
 * (downsampleMinMax), so spikes survive. For the whole run prefer readSeriesSummary (one row read).
 */
export async function readSeriesDownsampled(
  deps: RepoDeps,
  runId: string,
  name: string,
  options: { from?: number; to?: number; width: number },
): Promise<SummaryBucket[]> {
  const points = await readSeries(deps, runId, name, { from: options.from, to: options.to });
  return downsampleMinMax(points, options.width);
}

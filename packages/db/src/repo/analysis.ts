import { lockRun, type RepoDeps, TX_OPTIONS, withPrismaErrors } from './context.js';
import { ValidationError } from './errors.js';
import { toDbJson } from './mappers.js';
import { hashParams } from './stable-json.js';
import type { JsonObject } from './types.js';
import { assertInt, assertJsonObject, assertName, assertNonEmptyString, assertUuid } from './validate.js';

export interface AnalysisScalarInput {
  readonly name: string;
  /** Window index for per-window metrics; -1 (default) for run-level ones. */
  readonly window?: number;
  readonly value: number;
  readonly stdErr?: number;
  readonly ci?: { readonly lower: number; readonly upper: number; readonly level: number };
}

export interface AnalysisCurveInput {
  readonly name: string;
  readonly window?: number;
  readonly tw?: number;
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>;
  readonly yLower?: ArrayLike<number>;
  readonly yUpper?: ArrayLike<number>;
  readonly meta?: JsonObject;
}

export interface AnalysisResultInput {
  readonly estimator: string;
  readonly estimatorVersion: string;
  readonly params: JsonObject;
  /** 'done' (default) or 'failed' (then `error` says why and scalars/curves may be empty). */
  readonly status?: 'done' | 'failed';
  readonly error?: string;
  /** Fit quality and conventions (RMSE, n, MSD convention, ...). */
  readonly details?: JsonObject;
  readonly scalars: readonly AnalysisScalarInput[];
  readonly curves: readonly AnalysisCurveInput[];
}

export interface AnalysisCurveRecord {
  readonly name: string;
  readonly window: number;
  readonly tw: number | null;
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly yLower: Float64Array | null;
  readonly yUpper: Float64Array | null;
  readonly meta: JsonObject | null;
}

export interface AnalysisScalarRecord {
  readonly name: string;
  readonly window: number;
  readonly value: number;
  readonly stdErr: number | null;
  readonly ciLower: number | null;
  readonly ciUpper: number | null;
  readonly ciLevel: number | null;
}

export interface AnalysisResultRecord {
  readonly id: string;
  readonly runId: string;
  readonly estimator: string;
  readonly estimatorVersion: string;
  readonly paramsHash: string;
  readonly params: JsonObject;
  readonly status: 'pending' | 'done' | 'failed';
  readonly error: string | null;
  readonly details: JsonObject | null;
  readonly createdAt: Date;
  readonly scalars: readonly AnalysisScalarRecord[];
  readonly curves: readonly AnalysisCurveRecord[];
}

function finite(value: number, what: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new ValidationError(`${what} must be a finite number, got ${value}`);
}

/** Packs a curve column as float64 little-endian (the schema's "packed float64 arrays"). */
function packFloat64(values: ArrayLike<number>, what: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) {
    if (typeof values[i] !== 'number') throw new ValidationError(`${what}[${i}] is not a number`);
    view.setFloat64(i * 8, values[i], true);
  }
  return bytes;
}

function unpackFloat64(bytes: Uint8Array): Float64Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float64Array(bytes.byteLength / 8);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(i * 8, true);
  return out;
}

function validateResult(input: AnalysisResultInput): void {
  assertNonEmptyString(input.estimator, 'estimator', 100);
  assertNonEmptyString(input.estimatorVersion, 'estimatorVersion', 50);
  assertJsonObject(input.params, 'analysis params');
  if (input.details !== undefined) assertJsonObject(input.details, 'analysis details');
  if (input.status !== undefined && input.status !== 'done' && input.status !== 'failed') {
    throw new ValidationError(`analysis status must be 'done' or 'failed'`);
  }
  const seen = new Set<string>();
  for (const s of input.scalars ?? []) {
    assertName(s.name, 'scalar name');
    const window = s.window ?? -1;
    assertInt(window, `scalar "${s.name}" window`, -1);
    const key = `${s.name}@${window}`;
    if (seen.has(key)) throw new ValidationError(`scalar "${s.name}" window ${window} appears twice`);
    seen.add(key);
    // Non-finite estimates are not results: the estimator should report status 'failed' instead.
    finite(s.value, `scalar "${s.name}" value`);
    if (s.stdErr !== undefined) finite(s.stdErr, `scalar "${s.name}" stdErr`);
    if (s.ci !== undefined) {
      finite(s.ci.lower, `scalar "${s.name}" ci.lower`);
      finite(s.ci.upper, `scalar "${s.name}" ci.upper`);
      if (!(s.ci.level > 0 && s.ci.level < 1))
        throw new ValidationError(`scalar "${s.name}" ci.level must be in (0, 1)`);
      if (s.ci.lower > s.ci.upper) throw new ValidationError(`scalar "${s.name}" ci.lower exceeds ci.upper`);
    }
  }
  const seenCurves = new Set<string>();
  for (const c of input.curves ?? []) {
    assertName(c.name, 'curve name');
    const window = c.window ?? -1;
    assertInt(window, `curve "${c.name}" window`, -1);
    const key = `${c.name}@${window}`;
    if (seenCurves.has(key)) throw new ValidationError(`curve "${c.name}" window ${window} appears twice`);
    seenCurves.add(key);
    if (c.tw !== undefined) assertInt(c.tw, `curve "${c.name}" tw`);
    const n = c.x?.length;
    for (const [column, values] of [
      ['y', c.y],
      ['yLower', c.yLower],
      ['yUpper', c.yUpper],
    ] as const) {
      if (values !== undefined && values.length !== n) {
        throw new ValidationError(`curve "${c.name}" ${column} has ${values.length} points but x has ${n}`);
      }
    }
    if (c.meta !== undefined) assertJsonObject(c.meta, `curve "${c.name}" meta`);
  }
}

/**
 * Saves one estimator's result for a run, keyed by (run, estimator, version, SHA-256 of the stable
 * JSON of params). Upsert semantics: saving the same key again replaces status, details, scalars and
 * curves. All or nothing: everything is written in one transaction, so a failure leaves the previous
 * result (or none) intact, never a mix.
 */
export async function saveAnalysisResult(
  deps: RepoDeps,
  runId: string,
  input: AnalysisResultInput,
): Promise<{ id: string; paramsHash: string }> {
  assertUuid(runId, 'runId');
  validateResult(input);
  const paramsHash = hashParams(input.params);
  const status = input.status === 'failed' ? 'FAILED' : 'DONE';
  const scalars = (input.scalars ?? []).map((s) => ({
    runId,
    name: s.name,
    window: s.window ?? -1,
    value: s.value,
    stdErr: s.stdErr ?? null,
    ciLower: s.ci?.lower ?? null,
    ciUpper: s.ci?.upper ?? null,
    ciLevel: s.ci?.level ?? null,
  }));
  const curves = (input.curves ?? []).map((c) => ({
    name: c.name,
    window: c.window ?? -1,
    tw: c.tw ?? null,
    x: packFloat64(c.x, `curve "${c.name}" x`),
    y: packFloat64(c.y, `curve "${c.name}" y`),
    yLower: c.yLower ? packFloat64(c.yLower, `curve "${c.name}" yLower`) : null,
    yUpper: c.yUpper ? packFloat64(c.yUpper, `curve "${c.name}" yUpper`) : null,
    ...(c.meta !== undefined && { meta: toDbJson(c.meta) }),
  }));
  return withPrismaErrors(`analysis result of run ${runId}`, () =>
    deps.prisma.$transaction(async (tx) => {
      await lockRun(tx, runId);
      const key = {
        runId_estimator_estimatorVersion_paramsHash: {
          runId,
          estimator: input.estimator,
          estimatorVersion: input.estimatorVersion,
          paramsHash,
        },
      };
      const fields = {
        params: toDbJson(input.params),
        status,
        error: input.error ?? null,
        details: input.details === undefined ? undefined : toDbJson(input.details),
      } as const;
      const result = await tx.analysisResult.upsert({
        where: key,
        create: {
          runId,
          estimator: input.estimator,
          estimatorVersion: input.estimatorVersion,
          paramsHash,
          ...fields,
        },
        update: fields,
      });
      await tx.analysisScalar.deleteMany({ where: { resultId: result.id } });
      await tx.analysisCurve.deleteMany({ where: { resultId: result.id } });
      if (scalars.length)
        await tx.analysisScalar.createMany({ data: scalars.map((s) => ({ ...s, resultId: result.id })) });
      if (curves.length)
        await tx.analysisCurve.createMany({ data: curves.map((c) => ({ ...c, resultId: result.id })) });
      return { id: result.id.toString(), paramsHash };
    }, TX_OPTIONS),
  );
}

/** All analysis results of a run (optionally one estimator), newest first, with scalars and decoded curves. */
export async function getAnalysisResults(
  deps: RepoDeps,
  runId: string,
  filter: { estimator?: string } = {},
): Promise<AnalysisResultRecord[]> {
  assertUuid(runId, 'runId');
  const rows = await deps.prisma.analysisResult.findMany({
    where: { runId, ...(filter.estimator !== undefined && { estimator: filter.estimator }) },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    include: {
      scalars: { orderBy: [{ name: 'asc' }, { window: 'asc' }] },
      curves: { orderBy: [{ name: 'asc' }, { window: 'asc' }] },
    },
  });
  return rows.map((r) => ({
    id: r.id.toString(),
    runId: r.runId,
    estimator: r.estimator,
    estimatorVersion: r.estimatorVersion,
    paramsHash: r.paramsHash,
    params: r.params as JsonObject,
    status: r.status.toLowerCase() as AnalysisResultRecord['status'],
    error: r.error,
    details: (r.details as JsonObject | null) ?? null,
    createdAt: r.createdAt,
    scalars: r.scalars.map((s) => ({
      name: s.name,
      window: s.window,
      value: s.value,
      stdErr: s.stdErr,
      ciLower: s.ciLower,
      ciUpper: s.ciUpper,
      ciLevel: s.ciLevel,
    })),
    curves: r.curves.map((c) => ({
      name: c.name,
      window: c.window,
      tw: c.tw,
      x: unpackFloat64(c.x),
      y: unpackFloat64(c.y),
      yLower: c.yLower ? unpackFloat64(c.yLower) : null,
      yUpper: c.yUpper ? unpackFloat64(c.yUpper) : null,
      meta: (c.meta as JsonObject | null) ?? null,
    })),
  }));
}

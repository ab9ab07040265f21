/**
 * Read-side queries for the API: run listing with config/metric filters, batched lookups for
 * DataLoaders, and SQL aggregation over all replicates. Filters and sorts are compiled to one
 * parameterised SQL statement; no user text is ever spliced into SQL.
 */

import type {
  AnalysisCurve,
  AnalysisResult,
  AnalysisScalar,
  PrismaClient,
} from '../generated/prisma/client.js';
import { isUuid } from './access.js';
import { toRunRecord } from './mappers.js';
import { rawRows } from './raw.js';
import type { RunRecord } from './types.js';

/** Comparison operators accepted in config and metric conditions. */
export type CompareOp = 'EQ' | 'NE' | 'GT' | 'GTE' | 'LT' | 'LTE' | 'IN';

/** A JSON scalar a config value can be compared with. */
export type ConfigScalar = string | number | boolean;

/** `config.<key> <op> value`; `key` is a dotted config path ("optimizer.momentum") or a promoted column. */
export interface ConfigCondition {
  readonly key: string;
  readonly op: CompareOp;
  readonly value: ConfigScalar | readonly ConfigScalar[];
}

/** `<metric name>[window] <op> value` over AnalysisScalar rows (any stored result of the run matches). */
export interface MetricCondition {
  readonly name: string;
  /** Window index; -1 for run-level metrics. */
  readonly window: number;
  readonly op: Exclude<CompareOp, 'IN'>;
  readonly value: number;
}

/** All conditions are ANDed. */
export interface RunFilter {
  readonly status?: readonly string[];
  /** Runs carrying every one of these tags. */
  readonly tagsAll?: readonly string[];
  /** Runs carrying at least one of these tags. */
  readonly tagsAny?: readonly string[];
  readonly sweepId?: string;
  readonly experimentId?: string;
  readonly kind?: string;
  readonly nameContains?: string;
  readonly config?: readonly ConfigCondition[];
  readonly metrics?: readonly MetricCondition[];
}

/** What a run list can be sorted on. */
export type RunSortField = 'CREATED_AT' | 'NAME' | 'STATUS' | 'CONFIG' | 'METRIC';

export interface RunOrder {
  readonly field: RunSortField;
  /** Config key for CONFIG, metric name for METRIC. */
  readonly key?: string;
  /** Metric window for METRIC (default -1). */
  readonly window?: number;
  readonly direction: 'ASC' | 'DESC';
}

/** Thrown for a filter, sort or group key the query compiler cannot accept. */
export class QueryInputError extends Error {
  override readonly name = 'ValidationError';
}

/**
 * Config keys that are also indexed columns of Run (so a filter on them uses a B-tree index).
 * Maps the config key to its column and SQL type.
 */
export const PROMOTED_CONFIG_KEYS: Readonly<
  Record<string, { column: string; type: 'text' | 'float' | 'int' | 'bool' }>
> = {
  model: { column: 'model', type: 'text' },
  dataset: { column: 'dataset', type: 'text' },
  optimizer: { column: 'optimizer', type: 'text' },
  learningRate: { column: 'learningRate', type: 'float' },
  batchSize: { column: 'batchSize', type: 'int' },
  depth: { column: 'depth', type: 'int' },
  shortcut: { column: 'shortcut', type: 'bool' },
  loss: { column: 'loss', type: 'text' },
  seed: { column: 'seed', type: 'int' },
};

const CONFIG_KEY_RE = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/;
const SQL_OP: Record<Exclude<CompareOp, 'IN'>, string> = {
  EQ: '=',
  NE: '<>',
  GT: '>',
  GTE: '>=',
  LT: '<',
  LTE: '<=',
};
const RUN_STATUSES = new Set(['QUEUED', 'RUNNING', 'FINISHED', 'FAILED', 'CANCELED']);

/** Collects positional parameters while SQL text is assembled. */
class SqlParams {
  readonly values: unknown[] = [];
  /** Adds a value; returns its placeholder with an explicit cast so Postgres never guesses types. */
  add(value: unknown, cast: string): string {
    this.values.push(value);
    return `$${this.values.length}::${cast}`;
  }
}

function checkConfigKey(key: string): string[] {
  if (!CONFIG_KEY_RE.test(key) || key.length > 200) throw new QueryInputError(`invalid config key "${key}"`);
  return key.split('.');
}

/** SQL expression for a config key: the promoted column, or the JSONB value at the dotted path. */
function configExpr(key: string, params: SqlParams): { sql: string; promoted: boolean } {
  const promoted = PROMOTED_CONFIG_KEYS[key];
  // An integer column is null where the config holds another number (a toy's fractional batchSize noise scale):
  // those runs group and sort on the JSON value, so the column is only the fast path for the values it holds.
  if (promoted && promoted.type !== 'int') return { sql: `r."${promoted.column}"`, promoted: true };
  const path = `(r."config" #> ${params.add(checkConfigKey(key), 'text[]')})`;
  if (promoted) return { sql: `COALESCE(to_jsonb(r."${promoted.column}"), ${path})`, promoted: false };
  return { sql: path, promoted: false };
}

/** How one aggregate group key is selected, grouped on and turned into its JSON value (see aggregateRuns). */
function groupKey(
  key: string,
  i: number,
  params: SqlParams,
): { select: string[]; group: string[]; json: string } {
  const promoted = PROMOTED_CONFIG_KEYS[key];
  if (promoted && promoted.type !== 'int')
    return { select: [`r."${promoted.column}" AS g${i}`], group: [`g${i}`], json: `to_jsonb(g${i})` };
  if (promoted) {
    const path = `(r."config" #> ${params.add(checkConfigKey(key), 'text[]')})`;
    return {
      select: [
        `r."${promoted.column}" AS g${i}`,
        `(CASE WHEN r."${promoted.column}" IS NULL THEN ${path} END) AS h${i}`,
      ],
      group: [`g${i}`, `h${i}`],
      json: `COALESCE(to_jsonb(g${i}), h${i})`,
    };
  }
  return { select: [`${configExpr(key, params).sql} AS g${i}`], group: [`g${i}`], json: `g${i}` };
}

function compileConfigCondition(c: ConfigCondition, params: SqlParams): string {
  const promoted = PROMOTED_CONFIG_KEYS[c.key];
  const values = Array.isArray(c.value) ? (c.value as readonly ConfigScalar[]) : [c.value as ConfigScalar];
  if (values.length === 0) throw new QueryInputError(`config condition on "${c.key}" has no value`);
  for (const v of values) {
    if (typeof v === 'number' && !Number.isFinite(v))
      throw new QueryInputError('config values must be finite');
  }
  if (c.op !== 'IN' && values.length !== 1) throw new QueryInputError(`operator ${c.op} takes one value`);
  if (promoted) {
    const col = `r."${promoted.column}"`;
    const cast = { text: 'text', float: 'float8', int: 'float8', bool: 'boolean' }[promoted.type];
    for (const v of values) {
      const ok =
        (promoted.type === 'text' && typeof v === 'string') ||
        ((promoted.type === 'float' || promoted.type === 'int') && typeof v === 'number') ||
        (promoted.type === 'bool' && typeof v === 'boolean');
      if (!ok) throw new QueryInputError(`config key "${c.key}" takes ${promoted.type} values`);
    }
    const onColumn =
      c.op === 'IN'
        ? `${col} = ANY(${params.add(values, `${cast}[]`)})`
        : `${col} ${SQL_OP[c.op]} ${params.add(values[0], cast)}`;
    if (promoted.type !== 'float' && promoted.type !== 'int' && !['EQ', 'NE', 'IN'].includes(c.op)) {
      throw new QueryInputError(`operator ${c.op} needs a numeric config key`);
    }
    if (promoted.type !== 'int') return onColumn;
    // Numbers an integer column cannot hold live only in the JSON config (see configExpr).
    const path = params.add(checkConfigKey(c.key), 'text[]');
    const json = `(CASE WHEN jsonb_typeof(r."config" #> ${path}) = 'number' THEN (r."config" #>> ${path})::float8 END)`;
    const onJson =
      c.op === 'IN'
        ? `${json} = ANY(${params.add(values, 'float8[]')})`
        : `${json} ${SQL_OP[c.op]} ${params.add(values[0], 'float8')}`;
    return `(${onColumn} OR (${col} IS NULL AND ${onJson}))`;
  }
  const path = params.add(checkConfigKey(c.key), 'text[]');
  // Equality compares JSON values (so 1 and "1" differ); ordering compares numbers only, and a
  // non-numeric JSON value simply does not match instead of failing the cast.
  if (c.op === 'IN' || c.op === 'EQ' || c.op === 'NE') {
    const json = params.add(JSON.stringify(values), 'jsonb');
    const member = `(r."config" #> ${path}) IN (SELECT jsonb_array_elements(${json}))`;
    if (c.op === 'NE') return `(r."config" #> ${path}) IS NOT NULL AND NOT ${member}`;
    return member;
  }
  if (typeof values[0] !== 'number') throw new QueryInputError(`operator ${c.op} needs a number`);
  const numeric = `(CASE WHEN jsonb_typeof(r."config" #> ${path}) = 'number' THEN (r."config" #>> ${path})::float8 END)`;
  return `${numeric} ${SQL_OP[c.op]} ${params.add(values[0], 'float8')}`;
}

function compileMetricCondition(m: MetricCondition, params: SqlParams): string {
  if (!Number.isFinite(m.value)) throw new QueryInputError('metric thresholds must be finite');
  if (!(m.op in SQL_OP)) throw new QueryInputError(`operator ${m.op} is not allowed on metrics`);
  return `EXISTS (SELECT 1 FROM "AnalysisScalar" s WHERE s."runId" = r."id" AND s."name" = ${params.add(m.name, 'text')} AND s."window" = ${params.add(m.window, 'int')} AND s."value" ${SQL_OP[m.op]} ${params.add(m.value, 'float8')})`;
}

/** WHERE clause (without the keyword) for runs of `projectIds` matching `filter`. */
export function compileRunWhere(projectIds: readonly string[], filter: RunFilter, params: SqlParams): string {
  const parts = [`r."projectId" = ANY(${params.add(projectIds, 'uuid[]')})`];
  if (filter.status && filter.status.length > 0) {
    for (const s of filter.status) if (!RUN_STATUSES.has(s)) throw new QueryInputError(`unknown status ${s}`);
    parts.push(`r."status"::text = ANY(${params.add(filter.status, 'text[]')})`);
  }
  if (filter.tagsAll && filter.tagsAll.length > 0)
    parts.push(`r."tags" @> ${params.add(filter.tagsAll, 'text[]')}`);
  if (filter.tagsAny && filter.tagsAny.length > 0)
    parts.push(`r."tags" && ${params.add(filter.tagsAny, 'text[]')}`);
  if (filter.sweepId !== undefined) {
    if (!isUuid(filter.sweepId)) return 'FALSE';
    parts.push(`r."sweepId" = ${params.add(filter.sweepId, 'uuid')}`);
  }
  if (filter.experimentId !== undefined) {
    if (!isUuid(filter.experimentId)) return 'FALSE';
    parts.push(`r."experimentId" = ${params.add(filter.experimentId, 'uuid')}`);
  }
  if (filter.kind !== undefined) parts.push(`r."kind"::text = ${params.add(filter.kind, 'text')}`);
  if (filter.nameContains) {
    const escaped = filter.nameContains.replace(/[\\%_]/g, (ch) => `\\${ch}`);
    parts.push(`r."name" ILIKE ${params.add(`%${escaped}%`, 'text')}`);
  }
  for (const c of filter.config ?? []) parts.push(compileConfigCondition(c, params));
  for (const m of filter.metrics ?? []) parts.push(compileMetricCondition(m, params));
  return parts.join(' AND ');
}

/**
 * LEFT JOIN of each run's newest value of one scalar (name, window), as alias `alias`."value": the
 * (name, window) rows that no newer row of the same run supersedes (a hash anti-join). Measured ~30%
 * cheaper than the DISTINCT ON pass it replaces, and ~10x cheaper than a correlated subquery per run,
 * over 10,000 runs.
 */
function latestScalarJoin(params: SqlParams, alias: string, name: string, window: number): string {
  return `LEFT JOIN "AnalysisScalar" ${alias} ON ${alias}."runId" = r."id"
    AND ${alias}."name" = ${params.add(name, 'text')} AND ${alias}."window" = ${params.add(window, 'int')}
    AND NOT EXISTS (SELECT 1 FROM "AnalysisScalar" ${alias}n WHERE ${alias}n."runId" = ${alias}."runId"
      AND ${alias}n."name" = ${alias}."name" AND ${alias}n."window" = ${alias}."window" AND ${alias}n."id" > ${alias}."id")`;
}

function compileOrder(order: RunOrder, params: SqlParams, joins: string[]): string {
  const dir = order.direction === 'ASC' ? 'ASC' : 'DESC';
  let expr: string;
  switch (order.field) {
    case 'CREATED_AT':
      expr = 'r."createdAt"';
      break;
    case 'NAME':
      expr = 'r."name"';
      break;
    case 'STATUS':
      expr = 'r."status"::text';
      break;
    case 'CONFIG':
      if (!order.key) throw new QueryInputError('sorting on CONFIG needs a key');
      expr = configExpr(order.key, params).sql;
      break;
    case 'METRIC':
      if (!order.key) throw new QueryInputError('sorting on METRIC needs a key (the metric name)');
      {
        // Latest stored result of the metric, so a re-analysed run sorts by its newest value.
        const alias = `m${joins.length}`;
        joins.push(latestScalarJoin(params, alias, order.key, order.window ?? -1));
        expr = `${alias}."value"`;
      }
      break;
    default:
      throw new QueryInputError(`unknown sort field ${String(order.field)}`);
  }
  // Runs without the sort key go last either way; id breaks ties so pages are stable.
  return `${expr} ${dir} NULLS LAST, r."id" ${dir}`;
}

/** One page of runs plus a lazy total. */
export interface RunPage {
  readonly runs: RunRecord[];
  readonly offset: number;
  readonly hasNextPage: boolean;
  /** Counts all matches; a separate statement, run only when the client asks for totalCount. */
  readonly totalCount: () => Promise<number>;
}

type RunRow = Parameters<typeof toRunRecord>[0];

/**
 * List runs of the given projects matching `filter`, sorted by `orderBy`, `first` from `offset`.
 * Fetches first+1 rows (whole rows, one statement) to know whether a next page exists without counting.
 * Sorting on one metric takes {@link listRunsByMetric}'s index-ordered path.
 */
export async function listRuns(
  prisma: PrismaClient,
  args: {
    projectIds: readonly string[];
    filter?: RunFilter;
    orderBy?: readonly RunOrder[];
    first: number;
    offset: number;
  },
): Promise<RunPage> {
  const orders: readonly RunOrder[] =
    args.orderBy && args.orderBy.length > 0 ? args.orderBy : [{ field: 'CREATED_AT', direction: 'DESC' }];
  let rows: RunRow[];
  if (orders.length === 1 && orders[0].field === 'METRIC' && orders[0].key) {
    rows = await listRunsByMetric(prisma, args, orders[0] as RunOrder & { key: string });
  } else {
    const params = new SqlParams();
    const where = compileRunWhere(args.projectIds, args.filter ?? {}, params);
    const joins: string[] = [];
    const orderSql = orders.map((o) => compileOrder(o, params, joins)).join(', ');
    const limit = params.add(args.first + 1, 'int');
    const offset = params.add(args.offset, 'int');
    rows = await rawRows<RunRow>(
      prisma,
      `SELECT r.* FROM "Run" r ${joins.join(' ')} WHERE ${where} ORDER BY ${orderSql} LIMIT ${limit} OFFSET ${offset}`,
      params.values,
    );
  }
  const runs = rows.slice(0, args.first).map(toRunRecord);
  const countParams = new SqlParams();
  const countWhere = compileRunWhere(args.projectIds, args.filter ?? {}, countParams);
  return {
    runs,
    offset: args.offset,
    hasNextPage: rows.length > args.first,
    totalCount: async () => {
      const [row] = await rawRows<{ n: number }>(
        prisma,
        `SELECT count(*)::int AS n FROM "Run" r WHERE ${countWhere}`,
        countParams.values,
      );
      return row?.n ?? 0;
    },
  };
}

/**
 * A page sorted on one metric (its latest stored value, NULLS LAST, id as tie-break), read in the order
 * of the (name, window, value) index: the scalars are walked from the top value down, each checked to be
 * its run's latest and the run to match the filter, until the page is full. Measured 21 -> 3 ms per page
 * over 10,000 runs (the general path sorts every matching run's latest value). Runs without the metric
 * come after, in a second statement only when the first one runs out.
 */
async function listRunsByMetric(
  prisma: PrismaClient,
  args: { projectIds: readonly string[]; filter?: RunFilter; first: number; offset: number },
  order: RunOrder & { key: string },
): Promise<RunRow[]> {
  const dir = order.direction === 'ASC' ? 'ASC' : 'DESC';
  const wanted = args.offset + args.first + 1;
  const p = new SqlParams();
  const where = compileRunWhere(args.projectIds, args.filter ?? {}, p);
  const name = p.add(order.key, 'text');
  const window = p.add(order.window ?? -1, 'int');
  const withMetric = await rawRows<RunRow>(
    prisma,
    `SELECT r.* FROM "AnalysisScalar" s JOIN "Run" r ON r."id" = s."runId"
     WHERE s."name" = ${name} AND s."window" = ${window} AND ${where}
       AND NOT EXISTS (SELECT 1 FROM "AnalysisScalar" n WHERE n."runId" = s."runId" AND n."name" = s."name"
                       AND n."window" = s."window" AND n."id" > s."id")
     ORDER BY s."value" ${dir}, r."id" ${dir} LIMIT ${p.add(wanted, 'int')}`,
    p.values,
  );
  let rows = withMetric;
  if (withMetric.length < wanted) {
    const q = new SqlParams();
    const where2 = compileRunWhere(args.projectIds, args.filter ?? {}, q);
    const without = await rawRows<RunRow>(
      prisma,
      `SELECT r.* FROM "Run" r WHERE ${where2}
         AND NOT EXISTS (SELECT 1 FROM "AnalysisScalar" s WHERE s."runId" = r."id"
                         AND s."name" = ${q.add(order.key, 'text')} AND s."window" = ${q.add(order.window ?? -1, 'int')})
       ORDER BY r."id" ${dir} LIMIT ${q.add(wanted - withMetric.length, 'int')}`,
      q.values,
    );
    rows = [...withMetric, ...without];
  }
  return rows.slice(args.offset);
}

/** Runs by id, in one statement (for a DataLoader). Unknown or malformed ids are skipped. */
export async function runsByIds(prisma: PrismaClient, ids: readonly string[]): Promise<RunRecord[]> {
  const valid = [...new Set(ids.filter(isUuid))];
  if (valid.length === 0) return [];
  const rows = await rawRows<RunRow>(prisma, 'SELECT * FROM "Run" WHERE "id" = ANY($1::uuid[])', [valid]);
  return rows.map(toRunRecord);
}

/** An analysis result with its scalars (curves load separately: they are large). */
export type AnalysisWithScalars = AnalysisResult & { scalars: AnalysisScalar[] };

/** Every analysis result of each run, newest first, with scalars; one statement per batch of runs. */
export async function analysesByRunIds(
  prisma: PrismaClient,
  runIds: readonly string[],
): Promise<AnalysisWithScalars[]> {
  const valid = [...new Set(runIds.filter(isUuid))];
  if (valid.length === 0) return [];
  // Two statements in parallel (what Prisma's include sent one after the other), stitched here.
  const [results, scalars] = await Promise.all([
    rawRows<AnalysisResult>(
      prisma,
      'SELECT * FROM "AnalysisResult" WHERE "runId" = ANY($1::uuid[]) ORDER BY "id" DESC',
      [valid],
    ),
    rawRows<AnalysisScalar>(
      prisma,
      `SELECT s.* FROM "AnalysisScalar" s JOIN "AnalysisResult" a ON a."id" = s."resultId"
       WHERE a."runId" = ANY($1::uuid[]) ORDER BY s."name", s."window"`,
      [valid],
    ),
  ]);
  const byResult = new Map<bigint, AnalysisScalar[]>(results.map((r) => [r.id, []]));
  for (const sc of scalars) byResult.get(sc.resultId)?.push(sc);
  return results.map((r) => ({ ...r, scalars: byResult.get(r.id) ?? [] }));
}

/**
 * The scalars of each run's newest DONE result per estimator (what a run's `metrics` shows), newest result
 * first and by name and window within one, in one statement: the same rows `analysesByRunIds` followed by
 * picking the newest DONE result per estimator gives, without reading every result row.
 */
export async function latestScalarsByRunIds(
  prisma: PrismaClient,
  runIds: readonly string[],
): Promise<AnalysisScalar[]> {
  const valid = [...new Set(runIds.filter(isUuid))];
  if (valid.length === 0) return [];
  return rawRows<AnalysisScalar>(
    prisma,
    `SELECT s.* FROM "AnalysisScalar" s
     JOIN (SELECT DISTINCT ON ("runId", "estimator") "id" FROM "AnalysisResult"
           WHERE "runId" = ANY($1::uuid[]) AND "status" = 'DONE' ORDER BY "runId", "estimator", "id" DESC) l
       ON l."id" = s."resultId"
     ORDER BY s."resultId" DESC, s."name", s."window"`,
    [valid],
  );
}

/** A stored curve without its packed arrays (what a cache of decoded curves needs to know which ones it holds). */
export type CurveHead = Omit<AnalysisCurve, 'x' | 'y' | 'yLower' | 'yUpper'>;

/** The curves of each analysis result without their arrays, by name and window, in one statement. */
export async function curveHeadsByResultIds(
  prisma: PrismaClient,
  resultIds: readonly bigint[],
): Promise<CurveHead[]> {
  if (resultIds.length === 0) return [];
  return rawRows<CurveHead>(
    prisma,
    `SELECT "id", "resultId", "name", "window", "tw", "meta" FROM "AnalysisCurve"
     WHERE "resultId" = ANY($1::int8[]) ORDER BY "name", "window"`,
    [[...new Set(resultIds)]],
  );
}

/** The packed arrays of curves by curve id (a curve row is never updated: a re-analysis writes new rows). */
export async function curveArraysByIds(
  prisma: PrismaClient,
  ids: readonly bigint[],
): Promise<Pick<AnalysisCurve, 'id' | 'x' | 'y' | 'yLower' | 'yUpper'>[]> {
  if (ids.length === 0) return [];
  return rawRows(
    prisma,
    'SELECT "id", "x", "y", "yLower", "yUpper" FROM "AnalysisCurve" WHERE "id" = ANY($1::int8[])',
    [[...new Set(ids)]],
  );
}

/** Projects the user belongs to, with the user's role. */
export async function projectsOfUser(
  prisma: PrismaClient,
  userId: string,
): Promise<
  { id: string; slug: string; name: string; description: string | null; createdAt: Date; role: string }[]
> {
  const rows = await prisma.membership.findMany({
    where: { userId },
    include: { project: true },
    orderBy: { project: { name: 'asc' } },
  });
  return rows.map((m) => ({ ...m.project, role: m.role }));
}

/** The metric an aggregate summarises: a stored analysis scalar, or a numeric config key. */
export type AggregateMetric =
  | { readonly source: 'SCALAR'; readonly name: string; readonly window: number }
  | { readonly source: 'CONFIG'; readonly key: string }
  | { readonly source: 'SUMMARY'; readonly key: string };

/** Per-group moments as computed in SQL. */
export interface AggregateGroupRow {
  /** Group key values in groupBy order, as JSON values (null when the run lacks the key). */
  readonly keys: unknown[];
  readonly n: number;
  readonly mean: number | null;
  readonly sd: number | null;
  readonly min: number | null;
  readonly max: number | null;
}

/**
 * Mean, sample SD, min, max and n of a metric per group of config values, over ALL matching runs
 * (every replicate), computed in one SQL statement. For SCALAR metrics each run contributes its
 * latest stored value for (name, window), so a run analysed twice is not counted twice.
 */
export async function aggregateRuns(
  prisma: PrismaClient,
  args: {
    projectIds: readonly string[];
    filter?: RunFilter;
    groupBy: readonly string[];
    metric: AggregateMetric;
  },
): Promise<AggregateGroupRow[]> {
  if (args.groupBy.length > 8) throw new QueryInputError('at most 8 group keys');
  const params = new SqlParams();
  const where = compileRunWhere(args.projectIds, args.filter ?? {}, params);
  // Promoted columns group on the column itself (hashing a float is much cheaper than hashing a jsonb:
  // measured 32 -> 23 ms over 10,000 runs) and turn into JSON only per group; JSONB paths group as JSON.
  // An integer column is null where the config holds a fraction (see configExpr): those runs group on a second,
  // JSON column that is null for every run the integer column holds, so the common case still hashes integers.
  // Either way the groups and their order are those of the JSON values (numbers numerically).
  const keyParts = args.groupBy.map((k, i) => groupKey(k, i, params));
  const keyCols = keyParts.flatMap((k) => k.select);
  // The runs' group keys (and a config or summary value) are projected first, into a narrow materialized set:
  // hashing whole run rows (config included) for the join cost more than the aggregation itself.
  let runCols: string[];
  let valueFrom: string;
  if (args.metric.source === 'SCALAR') {
    // Each run's newest value of the metric: DISTINCT ON walks the (name, window, runId, id DESC, value) index
    // without touching the table. Measured over 10,000 runs (pgbench, prepared): 13-20 ms against 24-33 ms for
    // the hash anti-join it replaces (the same groups; means differ only in summation order, ~1e-16).
    const name = params.add(args.metric.name, 'text');
    const window = params.add(args.metric.window, 'int');
    runCols = ['r."id"', ...keyCols];
    valueFrom = `, m AS (SELECT DISTINCT ON (s."runId") s."runId", s."value" FROM "AnalysisScalar" s
      WHERE s."name" = ${name} AND s."window" = ${window} ORDER BY s."runId", s."id" DESC)
    , v AS (SELECT rr.*, m."value" AS val FROM rr LEFT JOIN m ON m."runId" = rr."id")`;
  } else if (args.metric.source === 'CONFIG') {
    const { sql, promoted } = configExpr(args.metric.key, params);
    const valueExpr = promoted
      ? `(${sql})::float8`
      : `(CASE WHEN jsonb_typeof(${sql}) = 'number' THEN (${sql} #>> '{}')::float8 END)`;
    runCols = [...keyCols, `${valueExpr} AS val`];
    valueFrom = ', v AS (SELECT * FROM rr)';
  } else {
    const path = params.add(checkConfigKey(args.metric.key), 'text[]');
    runCols = [
      ...keyCols,
      `(CASE WHEN jsonb_typeof(r."summary" #> ${path}) = 'number' THEN (r."summary" #>> ${path})::float8 END) AS val`,
    ];
    valueFrom = ', v AS (SELECT * FROM rr)';
  }
  // Groups are formed and ordered on the JSON values (numbers numerically), then sent as JSON text.
  const groupCols = keyParts.flatMap((k) => k.group);
  const outCols = keyParts.map((k, i) => `(${k.json})::text AS k${i}`);
  const sql = `
    WITH rr AS MATERIALIZED (SELECT ${runCols.join(', ')} FROM "Run" r WHERE ${where})${valueFrom}
    SELECT ${[...outCols, 'count(val)::int AS n', 'avg(val) AS mean', 'stddev_samp(val) AS sd', 'min(val) AS min', 'max(val) AS max'].join(', ')}
    FROM v ${groupCols.length ? `GROUP BY ${groupCols.join(', ')} ORDER BY ${keyParts.map((k) => k.json).join(', ')}` : ''}`;
  const rows = await rawRows<Record<string, unknown>>(prisma, sql, params.values);
  return rows.map((row) => ({
    keys: keyParts.map((_, i) => (row[`k${i}`] == null ? null : JSON.parse(String(row[`k${i}`])))),
    n: Number(row.n),
    mean: row.mean == null ? null : Number(row.mean),
    sd: row.sd == null ? null : Number(row.sd),
    min: row.min == null ? null : Number(row.min),
    max: row.max == null ? null : Number(row.max),
  }));
}

/** Runs of a sweep (all replicates), oldest first; for escape fits and phase diagrams. */
export async function runsOfSweep(prisma: PrismaClient, sweepId: string): Promise<RunRecord[]> {
  if (!isUuid(sweepId)) return [];
  const rows = await prisma.run.findMany({
    where: { sweepId },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
  return rows.map(toRunRecord);
}

/** Artifacts of runs by name (e.g. "escape_times"), in one statement. Inline data only. */
export async function artifactsOfRuns(
  prisma: PrismaClient,
  runIds: readonly string[],
  name: string,
): Promise<
  {
    runId: string;
    step: number;
    shape: number[];
    dtype: string;
    data: Uint8Array | null;
    blobKey: string | null;
    meta: unknown;
  }[]
> {
  const valid = runIds.filter(isUuid);
  if (valid.length === 0) return [];
  return prisma.artifact.findMany({
    where: { runId: { in: valid }, name },
    select: { runId: true, step: true, shape: true, dtype: true, data: true, blobKey: true, meta: true },
    orderBy: [{ runId: 'asc' }, { step: 'asc' }],
  });
}

export { SqlParams };

import { type RepoDeps, TX_OPTIONS, withPrismaErrors } from './context.js';
import { ValidationError } from './errors.js';
import { fromDbEnum, toDbEnum, toDbJson, toRunRecord } from './mappers.js';
import { runCreateData } from './runs.js';
import type { JsonObject, JsonValue, RunKind, RunRecord, SweepRecord } from './types.js';
import { assertInt, assertJsonObject, assertNonEmptyString, assertUuid } from './validate.js';

/** Guard against a typo expanding into millions of rows. */
export const MAX_SWEEP_RUNS = 10_000;

/** One grid point of a sweep: its config and a readable name fragment. */
export interface SweepPoint {
  readonly config: JsonObject;
  readonly label: string;
  readonly replicate: number;
}

function setPath(target: JsonObject, dottedPath: string, value: JsonValue): void {
  const keys = dottedPath.split('.');
  let node: JsonObject = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (next === undefined || next === null || typeof next !== 'object' || Array.isArray(next))
      node[key] = {};
    node = node[key] as JsonObject;
  }
  node[keys[keys.length - 1]] = value;
}

/**
 * Expands a sweep into run configs: the Cartesian product of the grid's values (keys are dotted
 * config paths, applied to a deep copy of baseConfig), times `replicates`. Replicate r gets
 * `seed = baseSeed + r` (baseSeed = baseConfig.seed, or 0) unless the grid itself sweeps `seed`.
 * Order: grid keys in the order given, last key fastest, replicates innermost.
 */
export function expandSweep(
  baseConfig: JsonObject,
  grid: Record<string, readonly JsonValue[]>,
  replicates: number,
): SweepPoint[] {
  assertInt(replicates, 'replicates', 1, MAX_SWEEP_RUNS);
  const keys = Object.keys(grid);
  let total = replicates;
  for (const key of keys) {
    if (!/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/.test(key))
      throw new ValidationError(`grid key "${key}" is not a dotted config path`);
    const values = grid[key];
    if (!Array.isArray(values) || values.length === 0)
      throw new ValidationError(`grid key "${key}" needs a non-empty array of values`);
    total *= values.length;
  }
  if (total > MAX_SWEEP_RUNS)
    throw new ValidationError(`sweep expands to ${total} runs; the limit is ${MAX_SWEEP_RUNS}`);
  const baseSeed = typeof baseConfig.seed === 'number' ? baseConfig.seed : 0;
  const points: SweepPoint[] = [];
  const index = new Array<number>(keys.length).fill(0);
  for (let combo = 0; combo < total / replicates; combo++) {
    for (let r = 0; r < replicates; r++) {
      const config = structuredClone(baseConfig);
      for (const [k, key] of keys.entries()) setPath(config, key, grid[key][index[k]]);
      if (!keys.includes('seed') && replicates > 1) config.seed = baseSeed + r;
      const label = keys.map((key, k) => `${key}=${JSON.stringify(grid[key][index[k]])}`).join(',');
      points.push({ config, label, replicate: r });
    }
    for (let k = keys.length - 1; k >= 0; k--) {
      index[k] += 1;
      if (index[k] < grid[keys[k]].length) break;
      index[k] = 0;
    }
  }
  return points;
}

export interface CreateSweepInput {
  readonly projectId: string;
  readonly experimentId?: string;
  readonly name: string;
  readonly kind: RunKind;
  readonly baseConfig: JsonObject;
  readonly grid: Record<string, readonly JsonValue[]>;
  readonly replicates?: number;
  readonly tags?: readonly string[];
}

/**
 * Creates a sweep and its queued runs in one transaction (all or nothing). Run names are
 * `<sweep>[<key=value,...>]#<replicate>`.
 */
export async function createSweep(
  deps: RepoDeps,
  input: CreateSweepInput,
): Promise<{ sweep: SweepRecord; runs: RunRecord[] }> {
  assertUuid(input.projectId, 'projectId');
  if (input.experimentId !== undefined) assertUuid(input.experimentId, 'experimentId');
  assertNonEmptyString(input.name, 'sweep name');
  const baseConfig = assertJsonObject(input.baseConfig, 'sweep baseConfig');
  const grid = assertJsonObject(input.grid, 'sweep grid') as Record<string, JsonValue[]>;
  const replicates = input.replicates ?? 1;
  const points = expandSweep(baseConfig, grid, replicates);
  // Validate every run before opening the transaction, with a placeholder sweep id.
  const placeholder = '00000000-0000-0000-0000-000000000000';
  const runData = points.map((point) =>
    runCreateData({
      projectId: input.projectId,
      experimentId: input.experimentId,
      sweepId: placeholder,
      name: `${input.name}[${point.label}]#${point.replicate}`,
      kind: input.kind,
      config: point.config,
      tags: input.tags,
    }),
  );
  return withPrismaErrors(`sweep "${input.name}"`, () =>
    deps.prisma.$transaction(async (tx) => {
      const sweep = await tx.sweep.create({
        data: {
          projectId: input.projectId,
          experimentId: input.experimentId ?? null,
          name: input.name,
          kind: toDbEnum(input.kind),
          baseConfig: toDbJson(baseConfig),
          grid: toDbJson(grid),
          replicates,
        },
      });
      const runs = await tx.run.createManyAndReturn({
        data: runData.map((data) => ({ ...data, sweepId: sweep.id })),
      });
      const record: SweepRecord = {
        id: sweep.id,
        projectId: sweep.projectId,
        experimentId: sweep.experimentId,
        name: sweep.name,
        kind: fromDbEnum<RunKind>(sweep.kind),
        baseConfig,
        grid,
        replicates: sweep.replicates,
        createdAt: sweep.createdAt,
      };
      return { sweep: record, runs: runs.map(toRunRecord) };
    }, TX_OPTIONS),
  );
}

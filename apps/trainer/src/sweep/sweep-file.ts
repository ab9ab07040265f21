/**
 * Sweep files: a base config, a grid over any config keys (dotted paths) and replicate seeds, expanded
 * into concrete, validated run configs with deterministic names and seeds.
 *
 * ```yaml
 * name: escape-vs-batch
 * kind: escape
 * base: { eta: 0.02, repeats: 100 }
 * grid:
 *   batchSize: [0.04, 0.05, 0.06]
 * replicates: 2
 * seed: 7
 * ```
 */
import { z } from 'zod';
import { ConfigError, describeIssues, getExperiment } from '../experiments/registry.js';
import { parseStructuredText } from './config-file.js';

export const sweepFileSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'use letters, digits, _ . - only'),
    kind: z.string().min(1),
    base: z.record(z.string(), z.unknown()).default({}),
    /** Config key (dotted path for nested keys) -> the values it takes; the sweep is their Cartesian product. */
    grid: z
      .record(
        z.string().regex(/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/, 'grid keys are config keys or dotted paths'),
        z.array(z.unknown()).min(1, 'a grid key needs at least one value'),
      )
      .default({}),
    replicates: z.number().int().positive().max(10_000).default(1),
    /** Master seed: each run's seed is a hash of (seed, cell, replicate). */
    seed: z.number().int().nonnegative().default(0),
  })
  .strict();

export type SweepFile = z.infer<typeof sweepFileSchema>;

export interface SweepRun {
  /** Index in expansion order (grid keys in file order, last key fastest, then replicates). */
  readonly index: number;
  /** Human-readable, e.g. `escape-vs-batch/batchSize=0.05/r1`. */
  readonly name: string;
  /** File-system-safe form of the name. */
  readonly slug: string;
  readonly kind: string;
  readonly cell: Readonly<Record<string, unknown>>;
  readonly replicate: number;
  readonly seed: number;
  /** Validated config with defaults filled in and `seed` set. */
  readonly config: Record<string, unknown>;
}

/** Parses and validates sweep text (YAML or JSON). */
export function parseSweepFile(text: string, source: string): SweepFile {
  const parsed = sweepFileSchema.safeParse(parseStructuredText(text, source));
  if (!parsed.success) throw new ConfigError(`Invalid sweep file ${source}`, describeIssues(parsed.error));
  return parsed.data;
}

/**
 * Expands a sweep into its runs and validates every one against the kind's schema. All errors are
 * collected (each names the run and the key's path) and thrown together, before anything runs.
 */
export async function expandSweep(sweep: SweepFile): Promise<SweepRun[]> {
  const experiment = await getExperiment(sweep.kind);
  const keys = Object.keys(sweep.grid);
  if (keys.includes('seed')) {
    throw new ConfigError(`Invalid sweep ${sweep.name}`, [
      'grid.seed: seeds come from `replicates` and the sweep `seed`; do not grid over them',
    ]);
  }
  const cells = cartesian(keys.map((k) => sweep.grid[k]));
  const runs: SweepRun[] = [];
  const errors: string[] = [];
  cells.forEach((values) => {
    const cell: Record<string, unknown> = {};
    keys.forEach((k, i) => {
      cell[k] = values[i];
    });
    const cellLabel = keys.map((k) => `${k}=${formatValue(cell[k])}`).join(',') || 'base';
    for (let replicate = 0; replicate < sweep.replicates; replicate++) {
      const seed = hashSeed(`${sweep.seed}|${cellLabel}|${replicate}`);
      const raw = structuredClone(sweep.base);
      keys.forEach((k) => {
        setPath(raw, k, structuredClone(cell[k]));
      });
      raw.seed = seed;
      const name = `${sweep.name}/${cellLabel}/r${replicate}`;
      const parsed = experiment.schema.safeParse(raw);
      if (!parsed.success) {
        for (const issue of describeIssues(parsed.error)) errors.push(`${name}: ${issue}`);
        continue;
      }
      runs.push({
        index: runs.length,
        name,
        slug: name.replace(/[^A-Za-z0-9_.=-]+/g, '_'),
        kind: sweep.kind,
        cell,
        replicate,
        seed,
        config: parsed.data,
      });
    }
  });
  if (errors.length > 0) {
    const unique = [...new Set(errors)];
    throw new ConfigError(
      `Sweep ${sweep.name}: ${unique.length} invalid run config(s)`,
      unique.length > 20 ? [...unique.slice(0, 20), `... and ${unique.length - 20} more`] : unique,
    );
  }
  return runs;
}

function cartesian(lists: readonly (readonly unknown[])[]): unknown[][] {
  return lists.reduce<unknown[][]>(
    (acc, list) => acc.flatMap((prefix) => list.map((v) => [...prefix, v])),
    [[]],
  );
}

function formatValue(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Sets a dotted path inside a plain object, creating intermediate objects. */
function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]] = value;
}

/** FNV-1a 32-bit hash folded to a non-negative 31-bit integer: stable across platforms and versions. */
export function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 1;
}

/**
 * The reproduction plan: which committed run and sweep files (docs/repro/*.yaml, the same files `sgdscope train`
 * and `sgdscope sweep` take) are queued on the platform, in what order, for which section of the report.
 * A sweep file's master `seed` becomes the base config's seed; the platform gives replicate r the seed + r.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseStructuredText } from '@sgdscope/trainer/sweep/config-file';

/** docs/repro of this checkout. */
export const REPRO_DIR = fileURLToPath(new URL('../../../../docs/repro/', import.meta.url));

export type ReproKind = 'NETWORK' | 'FRACTAL_LANDSCAPE' | 'ESCAPE' | 'PHASE_DIAGRAM';

export interface PlannedRun {
  readonly mode: 'run';
  readonly file: string;
  readonly name: string;
  readonly kind: ReproKind;
  readonly config: Record<string, unknown>;
}

export interface PlannedSweep {
  readonly mode: 'sweep';
  readonly file: string;
  readonly name: string;
  readonly kind: ReproKind;
  readonly baseConfig: Record<string, unknown>;
  readonly grid: Record<string, unknown[]>;
  readonly replicates: number;
}

export type Planned = PlannedRun | PlannedSweep;

/** Files in queue order: the quick toys first, so their sections fill while the networks train. */
export const REPRO_FILES: readonly string[] = [
  'fractal-toy.yaml',
  'fractal-toy-small-eta.yaml',
  'escape-batch.yaml',
  'escape-lr.yaml',
  'escape-sharpness.yaml',
  'escape-sgld.yaml',
  'escape-sgld-sharpness.yaml',
  'valley-phase.yaml',
  'valley-critical.yaml',
  'resnet14-step-cost.yaml',
  'mnist-mlp-replicates.yaml',
  'mnist-mlp.yaml',
];

function asRecord(value: unknown, what: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new Error(`${what} must be an object`);
  return value as Record<string, unknown>;
}

function apiKind(kind: unknown, file: string): ReproKind {
  if (typeof kind !== 'string') throw new Error(`${file}: kind is missing`);
  const upper = kind.toUpperCase();
  if (upper !== 'NETWORK' && upper !== 'FRACTAL_LANDSCAPE' && upper !== 'ESCAPE' && upper !== 'PHASE_DIAGRAM')
    throw new Error(`${file}: unknown kind ${kind}`);
  return upper;
}

/** One run or sweep file as the API's createRun / createSweep input (without the project). */
export async function readPlanned(file: string, dir = REPRO_DIR): Promise<Planned> {
  const raw = asRecord(
    parseStructuredText(await readFile(new URL(file, `file://${dir}`), 'utf8'), file),
    file,
  );
  const name = typeof raw.name === 'string' ? raw.name : file.replace(/\.ya?ml$/, '');
  const kind = apiKind(raw.kind, file);
  if ('config' in raw)
    return { mode: 'run', file, name, kind, config: asRecord(raw.config, `${file}: config`) };
  const base = asRecord(raw.base ?? {}, `${file}: base`);
  const grid = asRecord(raw.grid ?? {}, `${file}: grid`) as Record<string, unknown[]>;
  const seed = typeof raw.seed === 'number' ? raw.seed : 0;
  const replicates = typeof raw.replicates === 'number' ? raw.replicates : 1;
  return { mode: 'sweep', file, name, kind, baseConfig: { ...base, seed }, grid, replicates };
}

export async function readPlan(files: readonly string[] = REPRO_FILES): Promise<Planned[]> {
  return Promise.all(files.map((f) => readPlanned(f)));
}

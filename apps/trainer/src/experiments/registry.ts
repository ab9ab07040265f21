/**
 * The experiment registry: run kind -> {zod config schema, run function}. Everything that starts a run
 * (CLI `train`, sweeps, the queue worker) goes through `validateConfig` and `getExperiment`, so a config
 * is checked once, with messages that name the bad key, before any work starts.
 *
 * Kinds load lazily: the network experiment pulls in TensorFlow.js (~1.5 s to import), which toy runs,
 * `--help` and `sgdscope analyze` should not pay for.
 */
import { z } from 'zod';
import type { RunKind, RunRecorder } from '../recording/recorder.js';
import { escapeConfigSchema, runEscapeExperiment } from './escape.js';
import { fractalConfigSchema, runFractalExperiment } from './fractal.js';
import { runValleyExperiment, valleyConfigSchema } from './valley.js';

/** Progress of a running experiment, in the experiment's own unit of work. */
export interface ExperimentProgress {
  /** Work done so far (steps, simulated iterations, grid cells x steps). */
  readonly step: number;
  readonly totalSteps: number;
  /** Latest loss or another headline scalar, for display. */
  readonly loss?: number;
  readonly message?: string;
}

/** What a run function receives besides its config and recorder. */
export interface ExperimentRunOptions {
  /** Aborting stops the run at its next check; it then flushes what it has and finishes as 'canceled'. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: ExperimentProgress) => void;
}

/**
 * Result of a run function. Run functions own the recorder's lifecycle: they call `start` first and
 * `finish('finished' | 'canceled', summary)` last; when they throw, the caller records 'failed'.
 */
export interface ExperimentOutcome {
  readonly status: 'finished' | 'canceled';
  readonly summary: Readonly<Record<string, unknown>>;
}

/** A config that failed validation; `issues` name each bad key by its dotted path. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly issues: readonly string[];
  constructor(context: string, issues: readonly string[]) {
    super(`${context}:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.issues = issues;
  }
}

/** One line per zod issue: `path.to.key: message` (the root is named `(config)`). */
export function describeIssues(error: z.ZodError, prefix = ''): string[] {
  return error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter((p) => p !== '').join('.');
    return `${path || '(config)'}: ${issue.message}`;
  });
}

export interface RegisteredExperiment {
  readonly kind: RunKind;
  readonly schema: z.ZodType<Record<string, unknown>>;
  /** Runs a config already returned by `validateConfig` (parsed again here, which is cheap and keeps types honest). */
  run(
    config: Readonly<Record<string, unknown>>,
    recorder: RunRecorder,
    options?: ExperimentRunOptions,
  ): Promise<ExperimentOutcome>;
}

function bind<S extends z.ZodType<Record<string, unknown>>>(
  kind: RunKind,
  schema: S,
  run: (
    config: z.output<S>,
    recorder: RunRecorder,
    options?: ExperimentRunOptions,
  ) => Promise<ExperimentOutcome>,
): RegisteredExperiment {
  return { kind, schema, run: (config, recorder, options) => run(schema.parse(config), recorder, options) };
}

interface RegistryEntry {
  readonly description: string;
  readonly load: () => Promise<RegisteredExperiment>;
}

const EXPERIMENTS: ReadonlyMap<string, RegistryEntry> = new Map<string, RegistryEntry>([
  [
    'network',
    {
      description:
        'SGD on a neural network (MLP/CNN/ResNet) with TensorFlow.js, logging every step (seed 000)',
      load: async () => {
        const { networkConfigSchema, runNetworkExperiment } = await import('./network.js');
        return bind('network', networkConfigSchema, runNetworkExperiment);
      },
    },
  ],
  [
    'fractal_landscape',
    {
      description: 'SGD walker on a 2-D fractal landscape or a control (seed 000, Eq. 10)',
      load: async () => bind('fractal_landscape', fractalConfigSchema, runFractalExperiment),
    },
  ],
  [
    'escape',
    {
      description: 'Escape times from a Styblinski-Tang minimum under SGD or SGLD noise (seed 001)',
      load: async () => bind('escape', escapeConfigSchema, runEscapeExperiment),
    },
  ],
  [
    'phase_diagram',
    {
      description: 'Phase diagram of SGD in a nearly degenerate valley over (eta, Delta_S) (seed 002)',
      load: async () => bind('phase_diagram', valleyConfigSchema, runValleyExperiment),
    },
  ],
]);

/** Every registered kind, for help texts and error messages. */
export function experimentKinds(): string[] {
  return [...EXPERIMENTS.keys()];
}

/** One line per kind: `kind: description`. */
export function describeExperiments(): string[] {
  return [...EXPERIMENTS].map(([kind, e]) => `${kind}: ${e.description}`);
}

/** The schema and run function of `kind` (loading its module on first use). */
export async function getExperiment(kind: string): Promise<RegisteredExperiment> {
  const entry = EXPERIMENTS.get(kind);
  if (!entry) {
    throw new ConfigError('Unknown experiment kind', [
      `kind: '${kind}' is not one of ${experimentKinds().join(', ')}`,
    ]);
  }
  return entry.load();
}

/**
 * Validates a raw config (from YAML/JSON) for `kind` and returns it with every default filled in.
 * Rejects with ConfigError naming each bad or unknown key.
 */
export async function validateConfig(
  kind: string,
  raw: unknown,
  context = `Invalid ${kind} config`,
): Promise<Record<string, unknown>> {
  const experiment = await getExperiment(kind);
  const parsed = experiment.schema.safeParse(raw ?? {});
  if (!parsed.success) throw new ConfigError(context, describeIssues(parsed.error));
  return parsed.data;
}

/**
 * Reading run and sweep files (YAML or JSON; YAML is a superset of JSON, so one parser serves both).
 * Errors name the file and the bad key's path.
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError, describeIssues, validateConfig } from '../experiments/registry.js';

/** A single run: `kind` plus its `config` (defaults fill in whatever is left out). */
export const runFileSchema = z
  .object({
    kind: z.string().min(1),
    name: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+$/, 'use letters, digits, _ . - only')
      .optional(),
    config: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

export interface RunSpec {
  readonly kind: string;
  readonly name: string;
  /** Validated config with every default filled in. */
  readonly config: Record<string, unknown>;
}

/** Parses YAML/JSON text into an object, turning syntax errors into ConfigError naming the source. */
export function parseStructuredText(text: string, source: string): unknown {
  try {
    return parseYaml(text);
  } catch (error) {
    throw new ConfigError(`Cannot parse ${source}`, [(error as Error).message.split('\n')[0]]);
  }
}

/** A run file's contents, validated against its kind's schema. */
export async function parseRunFile(text: string, source: string): Promise<RunSpec> {
  const raw = parseStructuredText(text, source);
  const parsed = runFileSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`Invalid run file ${source}`, describeIssues(parsed.error));
  const { kind, name, config } = parsed.data;
  return {
    kind,
    name: name ?? `${kind}-${new Date().toISOString().replace(/[:.]/g, '-')}`,
    config: await validateConfig(kind, config, `Invalid ${kind} config in ${source}`),
  };
}

/**
 * Validation of raw estimator parameters (from GraphQL or code). Every estimator resolves its parameters to a
 * plain object with all defaults written out, so two requests that mean the same thing hash to the same cache key.
 */
import type { JsonObject, JsonValue } from '@sgdscope/db/repo/types';
import { PipelineParamsError } from './errors.js';

/** Rejects keys the estimator does not know, so a typo is an error rather than a silently ignored option. */
export function rejectUnknownKeys(
  estimator: string,
  raw: Readonly<Record<string, unknown>>,
  known: readonly string[],
): void {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new PipelineParamsError(`${estimator}: parameters must be an object`);
  }
  for (const key of Object.keys(raw)) {
    if (!known.includes(key)) {
      throw new PipelineParamsError(
        `${estimator}: unknown parameter "${key}" (known: ${known.length ? known.join(', ') : 'none'})`,
      );
    }
  }
}

/** An integer parameter in [min, max], or the default when absent (undefined or null). */
export function intParam(
  estimator: string,
  raw: Readonly<Record<string, unknown>>,
  key: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const v = raw[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new PipelineParamsError(
      `${estimator}: ${key} must be an integer in [${min}, ${max}], got ${String(v)}`,
    );
  }
  return v;
}

/** A finite number parameter in the open-or-closed range (min, max], or the default when absent. */
export function numberParam(
  estimator: string,
  raw: Readonly<Record<string, unknown>>,
  key: string,
  fallback: number,
  check: { readonly min: number; readonly max: number; readonly minExclusive?: boolean },
): number {
  const v = raw[key];
  if (v === undefined || v === null) return fallback;
  const ok =
    typeof v === 'number' &&
    Number.isFinite(v) &&
    (check.minExclusive ? v > check.min : v >= check.min) &&
    v <= check.max;
  if (!ok) {
    throw new PipelineParamsError(
      `${estimator}: ${key} must be a number in ${check.minExclusive ? '(' : '['}${check.min}, ${check.max}], got ${String(v)}`,
    );
  }
  return v as number;
}

/** One of a fixed set of strings, or the default when absent. */
export function enumParam<T extends string>(
  estimator: string,
  raw: Readonly<Record<string, unknown>>,
  key: string,
  fallback: T,
  allowed: readonly T[],
): T {
  const v = raw[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new PipelineParamsError(
      `${estimator}: ${key} must be one of ${allowed.map((a) => `"${a}"`).join(', ')}`,
    );
  }
  return v as T;
}

/** A boolean parameter, or the default when absent. */
export function boolParam(
  estimator: string,
  raw: Readonly<Record<string, unknown>>,
  key: string,
  fallback: boolean,
): boolean {
  const v = raw[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'boolean') throw new PipelineParamsError(`${estimator}: ${key} must be true or false`);
  return v;
}

/** Drops keys whose value is undefined, so the object is valid JSON for hashing and storage. */
export function definedJson(values: Readonly<Record<string, JsonValue | undefined>>): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(values)) if (v !== undefined) out[k] = v;
  return out;
}

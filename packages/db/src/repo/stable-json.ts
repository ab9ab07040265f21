import { createHash } from 'node:crypto';
import type { JsonValue } from './types.js';

/**
 * Canonical JSON: object keys sorted by code unit, no whitespace, numbers as JSON.stringify writes
 * them. Two parameter objects that differ only in key order serialise identically, so analysis
 * results are cached by meaning, not by how a caller happened to build the object.
 */
export function stableStringify(value: JsonValue): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${stableStringify(value[key])}`).join(',')}}`;
}

/** SHA-256 (hex) of the canonical JSON: AnalysisResult.paramsHash. */
export function hashParams(params: JsonValue): string {
  return createHash('sha256').update(stableStringify(params)).digest('hex');
}

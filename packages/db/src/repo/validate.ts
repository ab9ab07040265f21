import { ValidationError } from './errors.js';
import type { JsonObject, JsonValue } from './types.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs; checking here gives a ValidationError instead of a Postgres cast error. */
export function assertUuid(value: string, what: string): void {
  if (typeof value !== 'string' || !UUID.test(value))
    throw new ValidationError(`${what} must be a UUID, got "${value}"`);
}

/** Integers that fit the schema's Int (int4) columns. */
export function assertInt(value: number, what: string, min = 0, max = 2 ** 31 - 1): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ValidationError(`${what} must be an integer in [${min}, ${max}], got ${value}`);
  }
}

export function assertNonEmptyString(value: string, what: string, maxLength = 200): void {
  if (typeof value !== 'string' || value.trim().length === 0 || value.length > maxLength) {
    throw new ValidationError(`${what} must be a non-empty string of at most ${maxLength} characters`);
  }
}

/** Series, artifact and scalar names: short, printable, no whitespace (they appear in URLs and keys). */
const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.:/-]{0,127}$/;

export function assertName(value: string, what: string): void {
  if (typeof value !== 'string' || !NAME.test(value)) {
    throw new ValidationError(`${what} "${value}" must match ${NAME}`);
  }
}

/** Checks a value is plain JSON (finite numbers, plain objects, arrays) and returns it typed. */
export function assertJsonObject(value: unknown, what: string): JsonObject {
  if (!isPlainObject(value)) throw new ValidationError(`${what} must be a JSON object`);
  assertJson(value, what);
  return value as JsonObject;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function assertJson(value: unknown, path: string): asserts value is JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw new ValidationError(`${path} is ${value}: JSON cannot hold non-finite numbers`);
    return;
  }
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) assertJson(item, `${path}[${i}]`);
    return;
  }
  if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) assertJson(item, `${path}.${key}`);
    return;
  }
  throw new ValidationError(`${path} is not JSON (got ${typeof value})`);
}

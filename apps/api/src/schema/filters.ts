/** Translate GraphQL filter/sort inputs to repository query types, rejecting bad shapes as BAD_USER_INPUT. */
import type { ConfigScalar, MetricCondition, RunFilter, RunOrder } from '@sgdscope/db/repo/queries';
import { apiError } from '../errors.js';
import type { RunFilterInput, RunOrderInput } from './inputs.js';

function isConfigScalar(v: unknown): v is ConfigScalar {
  return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}

/** Filter input to repository filter. */
export function toRunFilter(input: RunFilterInput | null | undefined): RunFilter {
  if (!input) return {};
  const config = (input.config ?? []).map((c) => {
    const value = c.value;
    if (c.op === 'IN') {
      if (
        !Array.isArray(value) ||
        value.length === 0 ||
        value.length > 1000 ||
        !value.every(isConfigScalar)
      ) {
        throw apiError(
          'BAD_USER_INPUT',
          `IN on "${c.key}" needs a non-empty list of at most 1000 finite scalars`,
        );
      }
      return { key: c.key, op: c.op, value: value as ConfigScalar[] };
    }
    if (!isConfigScalar(value)) {
      throw apiError('BAD_USER_INPUT', `config condition on "${c.key}" needs a finite JSON scalar value`);
    }
    return { key: c.key, op: c.op, value };
  });
  const metrics: MetricCondition[] = (input.metrics ?? []).map((m) => {
    if (m.op === 'IN') throw apiError('BAD_USER_INPUT', 'IN is not allowed on metric conditions');
    return { name: m.name, window: m.window, op: m.op, value: m.value };
  });
  return {
    status: input.status,
    tagsAll: input.tagsAll,
    tagsAny: input.tagsAny,
    sweepId: input.sweepId,
    experimentId: input.experimentId,
    kind: input.kind,
    nameContains: input.nameContains,
    config,
    metrics,
  };
}

/** Sort inputs to repository sort keys. */
export function toRunOrder(input: readonly RunOrderInput[] | null | undefined): RunOrder[] {
  if (input && input.length > 5) throw apiError('BAD_USER_INPUT', 'at most 5 sort keys');
  return (input ?? []).map((o) => ({ field: o.field, key: o.key, window: o.window, direction: o.direction }));
}

/** Opaque Relay cursor for a list position. */
export function encodeCursor(offset: number): string {
  return Buffer.from(`o:${offset}`).toString('base64url');
}

/** Position after a cursor, or BAD_USER_INPUT. */
export function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const m = /^o:(\d{1,9})$/.exec(text);
  if (!m) throw apiError('BAD_USER_INPUT', 'invalid cursor');
  return Number(m[1]);
}

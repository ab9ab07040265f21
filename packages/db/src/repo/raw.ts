/**
 * Raw SQL for the hot read paths (run pages, analyses, curves). Prisma's model queries cost several
 * times the CPU of the SQL they send (measured: 50 runs 6.2 ms vs 1.0 ms on the pg pool; the curves of
 * a 4-run comparison 32 ms vs 9 ms), so these reads send their own statements:
 *
 * - on the pg pool registered for the Prisma client with {@link useReadPool} (what the API server does),
 *   with type parsers that give exactly the row shapes Prisma gives (int8 as bigint, `timestamp` as a
 *   UTC Date, bytea as bytes, jsonb parsed);
 * - otherwise through `prisma.$queryRawUnsafe`, which yields the same shapes.
 */
import pg from 'pg';
import type { PrismaClient } from '../generated/prisma/client.js';

const readPools = new WeakMap<object, pg.Pool>();

/** Send this client's raw reads over `pool` (the pool under the client's adapter, from createDb). */
export function useReadPool(prisma: PrismaClient, pool: pg.Pool): void {
  readPools.set(prisma, pool);
}

const INT8 = 20;
const TIMESTAMP = 1114;

function parseUtcTimestamp(text: string): Date {
  // Prisma's DateTime columns are `timestamp(3)` holding UTC; pg's default parser would read local time.
  return new Date(`${text.replace(' ', 'T')}Z`);
}

/** Row shapes as Prisma returns them. */
const prismaShapedTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (format !== 'binary') {
      if (oid === INT8) return (v: string) => BigInt(v);
      if (oid === TIMESTAMP) return parseUtcTimestamp;
    }
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/** pg sends parameters as text; bigints (and bigint arrays) as their decimal text. */
function toPgValue(v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return v.map(toPgValue);
  return v;
}

/** Run one parameterised statement and return its rows in Prisma's shapes. */
export async function rawRows<T>(
  prisma: PrismaClient,
  sql: string,
  values: readonly unknown[],
): Promise<T[]> {
  const pool = readPools.get(prisma);
  if (!pool) return prisma.$queryRawUnsafe<T[]>(sql, ...values);
  const res = await pool.query({ text: sql, values: values.map(toPgValue), types: prismaShapedTypes });
  return res.rows as T[];
}

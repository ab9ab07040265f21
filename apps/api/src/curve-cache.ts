/**
 * A process-wide cache of decoded analysis curves, keyed by curve row id. A stored curve row is never
 * updated (a re-analysis deletes its result's curves and writes new rows with new ids), so an id always
 * names the same arrays and the cache needs no invalidation, even with several API processes.
 *
 * Why: the curves of a 4-run comparison are 3 MB of packed float64 that PostgreSQL sends as 6 MB of hex
 * text; fetching and decoding them cost about 28 ms of API CPU per request (measured on the bench's seed),
 * every time the same comparison was opened. With the cache, a request reads only the curves' heads (ids,
 * names, windows) and fetches the arrays of the curves it does not hold yet.
 */
import type { PrismaClient } from '@sgdscope/db/generated/prisma/client';
import { type CurveHead, curveArraysByIds, curveHeadsByResultIds } from '@sgdscope/db/repo/queries';
import { unpackFloat64 } from './schema/mappers.js';
import { shareFloatListText } from './schema/scalars.js';

/** A stored curve with its arrays decoded. The arrays are shared between requests: never write to them. */
export interface DecodedCurve extends CurveHead {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly yLower: Float64Array | null;
  readonly yUpper: Float64Array | null;
}

type CurveArrays = Pick<DecodedCurve, 'x' | 'y' | 'yLower' | 'yUpper'>;

/**
 * Default budget of decoded curve arrays and their JSON text kept in memory (`SGDSCOPE_API_CURVE_CACHE_MB`; 0 turns
 * it off).
 */
export const DEFAULT_CURVE_CACHE_MB = 64;

export class CurveCache {
  /** Insertion order is recency order: a hit is moved to the end, eviction takes from the front. */
  private readonly entries = new Map<string, CurveArrays>();
  private bytes = 0;

  constructor(readonly maxBytes: number) {}

  /** Cache budget from the environment (`SGDSCOPE_API_CURVE_CACHE_MB`), else the default. */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): CurveCache {
    const raw = env.SGDSCOPE_API_CURVE_CACHE_MB;
    const mb = raw === undefined || raw === '' ? DEFAULT_CURVE_CACHE_MB : Number(raw);
    if (!Number.isFinite(mb) || mb < 0) {
      throw new Error(`SGDSCOPE_API_CURVE_CACHE_MB must be a number of MB >= 0, got "${raw}"`);
    }
    return new CurveCache(Math.floor(mb * 1024 * 1024));
  }

  /** Decoded arrays held now (for tests and diagnostics). */
  get size(): { readonly curves: number; readonly bytes: number } {
    return { curves: this.entries.size, bytes: this.bytes };
  }

  /** The curves of these results, by name and window: heads in one statement, missing arrays in one more. */
  async curvesOfResults(prisma: PrismaClient, resultIds: readonly bigint[]): Promise<DecodedCurve[]> {
    const heads = await curveHeadsByResultIds(prisma, resultIds);
    // Hits are taken before anything is fetched: storing the misses may evict them.
    const arraysOf = new Map<string, CurveArrays>();
    const missing: bigint[] = [];
    for (const head of heads) {
      const hit = this.touch(head.id.toString());
      if (hit) arraysOf.set(head.id.toString(), hit);
      else missing.push(head.id);
    }
    for (const row of await curveArraysByIds(prisma, missing)) {
      const arrays: CurveArrays = {
        x: unpackFloat64(row.x),
        y: unpackFloat64(row.y),
        yLower: row.yLower ? unpackFloat64(row.yLower) : null,
        yUpper: row.yUpper ? unpackFloat64(row.yUpper) : null,
      };
      arraysOf.set(row.id.toString(), arrays);
      this.put(row.id.toString(), arrays);
    }
    const out: DecodedCurve[] = [];
    for (const head of heads) {
      const arrays = arraysOf.get(head.id.toString());
      // Absent only when deleted between the two statements (a concurrent re-analysis wrote newer rows).
      if (arrays) out.push({ ...head, ...arrays });
    }
    return out;
  }

  private touch(key: string): CurveArrays | undefined {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  private put(key: string, arrays: CurveArrays): void {
    const size = sizeOf(arrays);
    if (size > this.maxBytes) return;
    for (const array of [arrays.x, arrays.y, arrays.yLower, arrays.yUpper])
      if (array) shareFloatListText(array);
    this.entries.set(key, arrays);
    this.bytes += size;
    for (const [oldest, value] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= sizeOf(value);
    }
  }
}

/**
 * Bytes an entry holds: its arrays plus the JSON text the FloatList scalar memoizes for each array it sends
 * (about 19 one-byte characters per float64, i.e. 2.4x the array: counted as 2.5x).
 */
function sizeOf(a: CurveArrays): number {
  const arrays = a.x.byteLength + a.y.byteLength + (a.yLower?.byteLength ?? 0) + (a.yUpper?.byteLength ?? 0);
  return Math.ceil(arrays * (1 + JSON_TEXT_PER_BYTE));
}

const JSON_TEXT_PER_BYTE = 2.5;

/**
 * Decoded curve arrays (x, y and the band) by curve id, per database client, least recently used first out.
 * Curve rows are immutable: re-saving an analysis deletes its curves and inserts new rows with new ids, so an id
 * always names the same bytes and a cached body can never be stale. Reading a comparison's curves otherwise
 * re-fetches and hex-decodes megabytes of bytea on every request (about 40 ms for 4 runs x 48 curves x 999 points).
 */
import type { PrismaClient } from '../generated/prisma/client.js';

export interface CurveBody {
  readonly x: Uint8Array;
  readonly y: Uint8Array;
  readonly yLower: Uint8Array | null;
  readonly yUpper: Uint8Array | null;
}

/** Default budget: SGDSCOPE_CURVE_CACHE_MB (0 disables), else 64 MiB per database client. */
function defaultBudgetBytes(): number {
  const raw = process.env.SGDSCOPE_CURVE_CACHE_MB;
  const mb = raw === undefined || raw === '' ? 64 : Number(raw);
  return Number.isFinite(mb) && mb >= 0 ? mb * 1024 * 1024 : 64 * 1024 * 1024;
}

function sizeOf(body: CurveBody): number {
  return (
    body.x.byteLength + body.y.byteLength + (body.yLower?.byteLength ?? 0) + (body.yUpper?.byteLength ?? 0)
  );
}

export class CurveBodyCache {
  private readonly entries = new Map<string, CurveBody>();
  private bytes = 0;

  constructor(readonly budgetBytes: number = defaultBudgetBytes()) {}

  get size(): number {
    return this.entries.size;
  }

  get usedBytes(): number {
    return this.bytes;
  }

  get(id: bigint): CurveBody | undefined {
    const key = id.toString();
    const body = this.entries.get(key);
    if (body) {
      // Map iteration order is insertion order: re-inserting marks it most recently used.
      this.entries.delete(key);
      this.entries.set(key, body);
    }
    return body;
  }

  set(id: bigint, body: CurveBody): void {
    const size = sizeOf(body);
    if (size > this.budgetBytes) return;
    const key = id.toString();
    const old = this.entries.get(key);
    if (old) {
      this.entries.delete(key);
      this.bytes -= sizeOf(old);
    }
    this.entries.set(key, body);
    this.bytes += size;
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.budgetBytes) break;
      this.entries.delete(k);
      this.bytes -= sizeOf(v);
    }
  }
}

const caches = new WeakMap<object, CurveBodyCache>();

/** The cache of one database client (curve ids are only unique within a database). */
export function curveBodyCache(prisma: PrismaClient): CurveBodyCache {
  let cache = caches.get(prisma);
  if (!cache) {
    cache = new CurveBodyCache();
    caches.set(prisma, cache);
  }
  return cache;
}

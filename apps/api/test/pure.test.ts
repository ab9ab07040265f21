/** Unit tests of the API's pure pieces: config diff, t-based CIs, cursors, filter translation. */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PrismaClient } from '@sgdscope/db/generated/prisma/client';
import { CurveCache, DEFAULT_CURVE_CACHE_MB } from '../src/curve-cache.js';
import { configDiff, flattenConfig, meanConfidence } from '../src/schema/compare-resolver.js';
import { CompareOpEnum } from '../src/schema/enums.js';
import { decodeCursor, encodeCursor, toRunFilter } from '../src/schema/filters.js';
import type { RunFilterInput } from '../src/schema/inputs.js';
import { thinCurve, thinIndices } from '../src/schema/mappers.js';
import { FloatListScalar, shareFloatListText, stringifyResponse } from '../src/schema/scalars.js';

describe('config diff', () => {
  it('flattens nested objects to dotted keys and keeps arrays as leaves', () => {
    const flat = flattenConfig({ a: 1, b: { c: 'x', d: { e: true } }, f: [1, 2] });
    assert.deepEqual(
      [...flat.entries()],
      [
        ['a', 1],
        ['b.c', 'x'],
        ['b.d.e', true],
        ['f', [1, 2]],
      ],
    );
  });

  it('reports only keys whose values differ, absent as null', () => {
    const diff = configDiff([
      { lr: 0.1, batchSize: 32, opt: { momentum: 0 } },
      { lr: 0.1, batchSize: 64, opt: { momentum: 0 }, extra: 'y' },
    ]);
    assert.deepEqual(diff, [
      { key: 'batchSize', values: [32, 64] },
      { key: 'extra', values: [null, 'y'] },
    ]);
  });
});

describe('meanConfidence', () => {
  it('uses Student t with n-1 degrees of freedom (t_{0.975,9} = 2.2622)', () => {
    const ci = meanConfidence(10, 5, 2);
    const se = 2 / Math.sqrt(10);
    assert.ok(Math.abs((ci.stdErr ?? 0) - se) < 1e-12);
    // Tabulated t quantile to 4 decimals, so the bound is exact to 1e-4 * se.
    assert.ok(Math.abs((ci.ciUpper ?? 0) - (5 + 2.2622 * se)) < 1e-4 * se);
    assert.ok(Math.abs((ci.ciLower ?? 0) - (5 - 2.2622 * se)) < 1e-4 * se);
  });

  it('gives no interval for a single replicate', () => {
    assert.deepEqual(meanConfidence(1, 5, null), { stdErr: null, ciLower: null, ciUpper: null });
  });
});

describe('cursors', () => {
  it('round-trip offsets', () => {
    for (const o of [0, 1, 499, 123456]) assert.equal(decodeCursor(encodeCursor(o)), o);
  });

  it('reject tampered cursors with BAD_USER_INPUT', () => {
    for (const bad of [
      '',
      'abc',
      Buffer.from('o:-1').toString('base64url'),
      Buffer.from('x:1').toString('base64url'),
    ]) {
      assert.throws(
        () => decodeCursor(bad),
        (e: Error & { extensions?: { code?: string } }) => {
          return e.extensions?.code === 'BAD_USER_INPUT';
        },
      );
    }
  });
});

describe('toRunFilter', () => {
  const filter = (config: RunFilterInput['config']): RunFilterInput => ({ config }) as RunFilterInput;

  it('accepts scalars and lists for IN', () => {
    const f = toRunFilter(
      filter([
        { key: 'batchSize', op: CompareOpEnum.IN, value: [32, 64] },
        { key: 'optimizer.momentum', op: CompareOpEnum.GT, value: 0.5 },
      ]),
    );
    assert.equal(f.config?.length, 2);
  });

  it('rejects objects, empty lists and non-list IN values', () => {
    const bad: unknown[] = [{ a: 1 }, null, [], [{ a: 1 }]];
    for (const value of bad) {
      assert.throws(() => toRunFilter(filter([{ key: 'k', op: CompareOpEnum.IN, value }])), /IN on "k"/);
    }
    assert.throws(
      () => toRunFilter(filter([{ key: 'k', op: CompareOpEnum.EQ, value: { a: 1 } }])),
      /finite JSON scalar/,
    );
  });
});

describe('curve thinning (compareRuns maxPoints)', () => {
  it('keeps short curves whole and both ends of long ones, at most maxPoints', () => {
    assert.deepEqual(thinIndices([1, 2, 3], 5), [0, 1, 2]);
    const lags = Array.from({ length: 999 }, (_, i) => i + 1);
    for (const m of [2, 3, 50, 200, 998]) {
      const keep = thinIndices(lags, m);
      assert.ok(keep.length <= m && keep.length >= 2, `${m}: ${keep.length}`);
      assert.equal(keep[0], 0);
      assert.equal(keep[keep.length - 1], 998);
      assert.ok(
        keep.every((k, i) => i === 0 || k > keep[i - 1]),
        'strictly increasing',
      );
    }
  });

  it('spaces positive increasing x evenly in log x, anything else evenly in index', () => {
    const lags = Array.from({ length: 1000 }, (_, i) => i + 1);
    const keep = thinIndices(lags, 4).map((i) => lags[i]);
    // Targets 1, 10, 100, 1000 on a log axis.
    assert.deepEqual(keep, [1, 10, 100, 1000]);
    const signed = Array.from({ length: 11 }, (_, i) => i - 5);
    assert.deepEqual(thinIndices(signed, 3), [0, 5, 10]);
  });

  it('thins x, y and bands with the same indices', () => {
    const x = Array.from({ length: 100 }, (_, i) => i + 1);
    const c = thinCurve(
      {
        name: 'msd',
        window: 0,
        tw: 0,
        x,
        y: x.map((v) => 2 * v),
        yLower: x.map((v) => v),
        yUpper: null,
        meta: null,
      },
      10,
    );
    assert.ok(c.x.length <= 10);
    assert.deepEqual(
      Array.from(c.y),
      Array.from(c.x).map((v) => 2 * (v as number)),
    );
    assert.deepEqual(Array.from(c.yLower ?? []), Array.from(c.x));
    assert.equal(c.yUpper, null);
  });
});

describe('curve cache', () => {
  /** A stand-in client answering the cache's two statements (heads by result id, arrays by curve id). */
  function fakeDb(curves: { id: bigint; resultId: bigint; n: number }[]) {
    const calls: string[] = [];
    const pack = (values: number[]) => new Uint8Array(new Float64Array(values).buffer);
    const prisma = {
      async $queryRawUnsafe(sql: string, ids: bigint[]) {
        const wanted = new Set(ids.map(String));
        if (sql.includes('"meta"')) {
          calls.push('heads');
          return curves
            .filter((c) => wanted.has(String(c.resultId)))
            .map((c) => ({
              id: c.id,
              resultId: c.resultId,
              name: 'msd',
              window: Number(c.id),
              tw: null,
              meta: null,
            }));
        }
        calls.push(`arrays:${ids.length}`);
        return curves
          .filter((c) => wanted.has(String(c.id)))
          .map((c) => ({
            id: c.id,
            x: pack(Array.from({ length: c.n }, (_, i) => i + 1)),
            y: pack(Array(c.n).fill(Number(c.id))),
            yLower: null,
            yUpper: null,
          }));
      },
    } as unknown as PrismaClient;
    return { prisma, calls };
  }

  it('fetches only the arrays it does not hold, within its byte budget, and never drops a curve of an answer', async () => {
    // Three 100-point curves of 1600 bytes each (x and y), counted with their JSON text as 5600, in a
    // 12,250-byte cache: room for two.
    const { prisma, calls } = fakeDb([1n, 2n, 3n].map((id) => ({ id, resultId: id, n: 100 })));
    const cache = new CurveCache(12_250);
    const a = await cache.curvesOfResults(prisma, [1n, 2n]);
    assert.deepEqual(
      a.map((c) => c.y[0]),
      [1, 2],
    );
    assert.deepEqual(calls, ['heads', 'arrays:2']);
    await cache.curvesOfResults(prisma, [1n, 2n]);
    assert.deepEqual(calls.slice(2), ['heads'], 'both held: no array statement');
    // Curve 3 evicts the least recently used one (1, read before 2 each time).
    const b = await cache.curvesOfResults(prisma, [3n]);
    assert.deepEqual(
      b.map((c) => c.y[0]),
      [3],
    );
    assert.ok(cache.size.bytes <= 12_250 && cache.size.curves === 2, JSON.stringify(cache.size));
    calls.length = 0;
    const c = await cache.curvesOfResults(prisma, [1n, 2n, 3n]);
    assert.deepEqual(calls, ['heads', 'arrays:1'], 'only the evicted curve is fetched again');
    // An answer larger than the budget still comes back whole.
    assert.deepEqual(
      c.map((x) => x.y[0]),
      [1, 2, 3],
    );
    assert.ok(cache.size.bytes <= 12_250);
  });

  it('reads its budget from SGDSCOPE_API_CURVE_CACHE_MB and refuses nonsense', () => {
    assert.equal(CurveCache.fromEnv({}).maxBytes, DEFAULT_CURVE_CACHE_MB * 1024 * 1024);
    assert.equal(CurveCache.fromEnv({ SGDSCOPE_API_CURVE_CACHE_MB: '0' }).maxBytes, 0);
    assert.throws(() => CurveCache.fromEnv({ SGDSCOPE_API_CURVE_CACHE_MB: 'lots' }), /must be a number/);
    assert.throws(() => CurveCache.fromEnv({ SGDSCOPE_API_CURVE_CACHE_MB: '-1' }), /must be a number/);
  });
});

describe('FloatList responses', () => {
  const serialize = (v: unknown) => FloatListScalar.serialize(v);

  it('splice the memoized JSON text in: byte for byte what JSON.stringify of the plain arrays gives', () => {
    const shared = Float64Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 10 ** (i % 7));
    shareFloatListText(shared);
    const withGaps = [1.5, Number.NaN, Number.POSITIVE_INFINITY, -0.25];
    const response = {
      data: {
        a: { x: serialize(shared), y: serialize(withGaps), note: 'a user string "@@floatlist-0-0@@"' },
        b: [{ x: serialize(shared) }, { x: serialize([]) }],
      },
    };
    const plain = {
      data: {
        a: { x: Array.from(shared), y: [1.5, null, null, -0.25], note: 'a user string "@@floatlist-0-0@@"' },
        b: [{ x: Array.from(shared) }, { x: [] }],
      },
    };
    const expected = `${JSON.stringify(plain)}\n`;
    assert.equal(stringifyResponse(response), expected);
    // Twice: the second response reuses the memoized text of `shared` and is still identical.
    assert.equal(stringifyResponse(response), expected);
  });

  it('serialize as plain arrays anywhere else (subscriptions, in-process execution)', () => {
    assert.equal(JSON.stringify({ y: serialize([1, Number.NaN]) }), '{"y":[1,null]}');
    assert.throws(() => serialize('1,2'), /FloatList expects an array/);
  });
});

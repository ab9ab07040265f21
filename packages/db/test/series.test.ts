import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  appendToSummary,
  coarsenSummary,
  decodeSeriesValues,
  decodeSummaryPayload,
  downsampleMinMax,
  emptySummary,
  encodeSeriesValues,
  encodeSummaryPayload,
  float16ToFloat32,
  float32ToFloat16,
  float32ToFloat16Bits,
  logCellOf,
  type SummaryBucket,
  type SummaryScheme,
  summarizeSeries,
} from '../src/series/index.js';

/** Deterministic LCG so failures reproduce; quality is irrelevant here. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('series encoding', () => {
  it('round-trips float64 exactly, NaN and Inf included', () => {
    const values = [
      0,
      -0,
      1.5,
      Math.PI,
      -1e300,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
    ];
    const bytes = encodeSeriesValues(values, 'float64');
    assert.equal(bytes.byteLength, values.length * 8);
    const back = decodeSeriesValues(bytes, 'float64');
    for (const [i, v] of values.entries()) assert.ok(Object.is(back[i], v), `index ${i}`);
  });

  it('stores float32 as the nearest float32 and little-endian', () => {
    const values = [Math.PI, 1 / 3, 1e-40, Number.NaN];
    const back = decodeSeriesValues(encodeSeriesValues(values, 'float32'), 'float32');
    assert.equal(back[0], Math.fround(Math.PI));
    assert.equal(back[1], Math.fround(1 / 3));
    assert.equal(back[2], Math.fround(1e-40));
    assert.ok(Number.isNaN(back[3]));
    // 1.0f is 0x3f800000: little-endian puts 0x00 0x00 0x80 0x3f.
    assert.deepEqual([...encodeSeriesValues([1], 'float32')], [0x00, 0x00, 0x80, 0x3f]);
  });

  it('rejects a payload that is not a whole number of values', () => {
    assert.throws(() => decodeSeriesValues(new Uint8Array(7), 'float64'), /not a multiple of 8/);
  });
});

describe('float16', () => {
  it('encodes reference values with round-to-nearest-even', () => {
    assert.equal(float32ToFloat16Bits(1), 0x3c00);
    assert.equal(float32ToFloat16Bits(-2), 0xc000);
    assert.equal(float32ToFloat16Bits(65504), 0x7bff);
    assert.equal(float32ToFloat16Bits(65520), 0x7c00); // rounds past max: Inf
    assert.equal(float32ToFloat16Bits(2 ** -24), 0x0001); // smallest subnormal
    assert.equal(float32ToFloat16Bits(2 ** -26), 0x0000); // below half of it: zero
    assert.equal(float32ToFloat16Bits(1 + 2 ** -11), 0x3c00); // tie, even mantissa stays
    assert.equal(float32ToFloat16Bits(1 + 3 * 2 ** -11), 0x3c02); // tie, odd mantissa rounds up
    assert.equal(float32ToFloat16Bits(Number.NaN) & 0x7c00, 0x7c00);
  });

  it('decode then encode is the identity on all 63,488 finite bit patterns', () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const decoded = float16ToFloat32(all);
    let checked = 0;
    for (let h = 0; h < 65536; h++) {
      if ((h & 0x7c00) === 0x7c00) continue;
      assert.equal(float32ToFloat16Bits(decoded[h]), h, `pattern ${h.toString(16)}`);
      checked += 1;
    }
    assert.equal(checked, 63488);
  });

  it('keeps relative error within half an ulp (2^-11) for normal values', () => {
    const next = rng(7);
    const values = Array.from({ length: 5000 }, () => (next() - 0.5) * 2 ** (Math.floor(next() * 20) - 10));
    const back = float16ToFloat32(float32ToFloat16(values));
    values.forEach((v, i) => {
      if (Math.abs(v) < 2 ** -14) return; // subnormal range has absolute, not relative, error
      assert.ok(Math.abs(back[i] - v) <= Math.abs(v) * 2 ** -11, `value ${v} decoded as ${back[i]}`);
    });
  });
});

/**
 * Independent reference: assign every step to its cell by brute force (linear: smallest power-of-two
 * width covering the extent in ≤ B cells; log: linear scan of edges) and compute each cell's
 * statistics directly from the raw values.
 */
function bruteForce(
  scheme: SummaryScheme,
  resolution: number,
  steps: number[],
  values: number[],
): SummaryBucket[] {
  const first = Math.min(...steps);
  const last = Math.max(...steps);
  let width = 1;
  while (Math.floor(last / width) - Math.floor(first / width) + 1 > resolution) width *= 2;
  const cell = (s: number) => {
    if (scheme === 'linear') return Math.floor(s / width);
    let k = 0;
    while (Math.floor(10 ** ((k + 1) / resolution)) <= s + 1) k++;
    return k;
  };
  const groups = new Map<number, { step: number; value: number }[]>();
  steps.forEach((s, i) => {
    const list = groups.get(cell(s)) ?? [];
    list.push({ step: s, value: values[i] });
    groups.set(cell(s), list);
  });
  return [...groups.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([, pts]) => {
      pts.sort((a, b) => a.step - b.step);
      const finite = pts.map((p) => p.value).filter(Number.isFinite);
      return {
        stepStart: pts[0].step,
        stepEnd: pts[pts.length - 1].step,
        min: finite.length ? Math.min(...finite) : Number.NaN,
        max: finite.length ? Math.max(...finite) : Number.NaN,
        mean: finite.length ? finite.reduce((a, b) => a + b, 0) / finite.length : Number.NaN,
        last: pts[pts.length - 1].value,
        count: finite.length,
        nonFinite: pts.length - finite.length,
      };
    });
}

/**
 * Means are merged in a different order than the reference sums them; values are O(1) and ≤ 25k per
 * cell, so rounding differences stay below 25k · 2^-52 ≈ 6e-12: 1e-9 absolute is a wide, safe bound.
 */
function assertSameBuckets(actual: readonly SummaryBucket[], expected: readonly SummaryBucket[]): void {
  assert.equal(actual.length, expected.length, 'bucket count');
  actual.forEach((a, i) => {
    const e = expected[i];
    for (const key of ['stepStart', 'stepEnd', 'min', 'max', 'last', 'count', 'nonFinite'] as const) {
      assert.ok(Object.is(a[key], e[key]), `bucket ${i} ${key}: ${a[key]} vs ${e[key]}`);
    }
    if (Number.isNaN(e.mean)) assert.ok(Number.isNaN(a.mean));
    else assert.ok(Math.abs(a.mean - e.mean) <= 1e-9, `bucket ${i} mean ${a.mean} vs ${e.mean}`);
  });
}

function noisyLoss(n: number, seed: number): number[] {
  const next = rng(seed);
  return Array.from({ length: n }, (_, i) => {
    if (i % 997 === 500) return 50; // spike
    if (i % 1511 === 3) return Number.NaN; // flagged non-finite
    return 2 / Math.sqrt(1 + i) + 0.1 * next();
  });
}

describe('series summary', () => {
  for (const [scheme, resolution] of [
    ['linear', 1024],
    ['linear', 7],
    ['log', 32],
    ['log', 5],
  ] as const) {
    it(`incremental ${scheme}/${resolution} in random batches matches brute force`, () => {
      const n = 25_000;
      const values = noisyLoss(n, resolution);
      const next = rng(11);
      let summary = emptySummary(scheme, resolution);
      let at = 0;
      while (at < n) {
        const size = Math.min(n - at, 1 + Math.floor(next() * 700));
        summary = appendToSummary(summary, at, values.slice(at, at + size));
        at += size;
      }
      assert.equal(summary.steps, n);
      const steps = values.map((_, i) => i);
      assertSameBuckets(summary.buckets, bruteForce(scheme, resolution, steps, values));
    });
  }

  it('handles out-of-order batches and gaps (series logged every 10 steps)', () => {
    const steps = Array.from({ length: 300 }, (_, i) => 5 + i * 10);
    const values = steps.map((s) => Math.sin(s / 100));
    let summary = emptySummary('linear', 16);
    // Append single points in a shuffled order: merges must not depend on arrival order.
    const order = steps.map((_, i) => i).sort((a, b) => ((a * 7919) % 300) - ((b * 7919) % 300));
    for (const i of order) summary = appendToSummary(summary, steps[i], [values[i]]);
    assertSameBuckets(summary.buckets, bruteForce('linear', 16, steps, values));
  });

  it('log buckets keep single early steps and group late ones', () => {
    const summary = summarizeSeries('log', 32, 0, new Float64Array(10_000).fill(1));
    assert.deepEqual(
      summary.buckets.slice(0, 5).map((b) => [b.stepStart, b.stepEnd]),
      [
        [0, 0],
        [1, 1],
        [2, 2],
        [3, 3],
        [4, 4],
      ],
    );
    // Step 9999 (= 10^4 - 1) opens a new decade alone; the cell before it holds step+1 in [floor(10^(127/32)), 10^4) = [9305, 10000).
    const late = summary.buckets[summary.buckets.length - 2];
    assert.deepEqual([late.stepStart, late.stepEnd], [9304, 9998]);
    assert.equal(logCellOf(999, 32), 96); // step+1 = 1000 = 10^3 exactly: first cell of the 4th decade
  });

  it('coarsening keeps spikes, counts and equals a summary built at the coarse resolution', () => {
    const values = noisyLoss(25_000, 3);
    for (const scheme of ['linear', 'log'] as const) {
      const fine = summarizeSeries(scheme, scheme === 'linear' ? 1024 : 32, 0, values);
      const coarse = coarsenSummary(fine, 60);
      assert.ok(
        coarse.buckets.length <= 60 && coarse.buckets.length > 10,
        `${scheme}: ${coarse.buckets.length}`,
      );
      assert.equal(
        Math.max(...coarse.buckets.map((b) => b.max).filter(Number.isFinite)),
        50,
        'spike survives',
      );
      assert.equal(
        coarse.buckets.reduce((a, b) => a + b.count + b.nonFinite, 0),
        25_000,
      );
      if (scheme === 'linear') {
        const direct = summarizeSeries('linear', coarse.resolution, 0, values);
        assertSameBuckets(coarse.buckets, direct.buckets);
      }
    }
  });

  it('payload round-trips all eight columns', () => {
    const summary = summarizeSeries('linear', 64, 3, noisyLoss(5000, 1));
    const bytes = encodeSummaryPayload(summary.buckets);
    assert.equal(bytes.byteLength, summary.buckets.length * 64);
    assertSameBuckets(decodeSummaryPayload(bytes), summary.buckets);
  });
});

describe('downsampleMinMax', () => {
  it('keeps a one-step spike and every point at any width', () => {
    const n = 25_000;
    const steps = Float64Array.from({ length: n }, (_, i) => i);
    const values = Float64Array.from({ length: n }, (_, i) => (i === 12_345 ? 1000 : Math.cos(i)));
    const buckets = downsampleMinMax({ steps, values }, 800);
    assert.equal(buckets.length, 800);
    assert.equal(Math.max(...buckets.map((b) => b.max)), 1000);
    assert.equal(
      buckets.reduce((a, b) => a + b.count, 0),
      n,
    );
    assert.equal(buckets[buckets.length - 1].last, values[n - 1]);
  });

  it('returns one bucket per point when there are fewer points than pixels', () => {
    const buckets = downsampleMinMax(
      { steps: Float64Array.of(10, 20, 30), values: Float64Array.of(1, Number.NaN, 3) },
      100,
    );
    assert.equal(buckets.length, 3);
    assert.equal(buckets[1].nonFinite, 1);
    assert.ok(Number.isNaN(buckets[1].mean));
  });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../src/random.js';
import { jlDimension, jlEpsilon, RandomProjection } from '../src/sketch/index.js';
import type { RowChunk } from '../src/types.js';

function gaussianRows(n: number, d: number, seed: number): RowChunk {
  const rng = createRng(seed);
  const data = new Float64Array(n * d);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  return { rows: n, d, data };
}

/** Ratios ||P u - P v||^2 / ||u - v||^2 over all pairs of rows. */
function distortions(full: RowChunk, sketched: RowChunk): number[] {
  const out: number[] = [];
  for (let i = 0; i < full.rows; i++) {
    for (let j = i + 1; j < full.rows; j++) {
      let a = 0;
      let b = 0;
      for (let c = 0; c < full.d; c++) a += (full.data[i * full.d + c] - full.data[j * full.d + c]) ** 2;
      for (let c = 0; c < sketched.d; c++) {
        b += (sketched.data[i * sketched.d + c] - sketched.data[j * sketched.d + c]) ** 2;
      }
      out.push(b / a);
    }
  }
  return out;
}

for (const kind of ['achlioptas', 'gaussian'] as const) {
  test(`${kind} projection keeps every pairwise distance within the JL bound (delta = 0.01)`, () => {
    const n = 60;
    const d = 2000;
    const k = 400;
    const pairs = (n * (n - 1)) / 2;
    const eps = jlEpsilon(k, pairs, 0.01);
    assert.ok(eps > 0.3 && eps < 0.6, `bound eps = ${eps}`);
    const full = gaussianRows(n, d, 3);
    const p = new RandomProjection({ inputDim: d, outputDim: k, seed: 9, kind });
    const ratios = distortions(full, p.projectChunk(full));
    const worst = Math.max(...ratios.map((r) => Math.abs(r - 1)));
    assert.ok(worst <= eps, `worst distortion ${worst} exceeds the bound ${eps}`);
    // The bound is loose; the typical distortion must match the projection's own spread, sqrt(2/k) for
    // dense inputs, or the sketch is not a JL map at all. Tolerance 25%: 1770 correlated pairs.
    const mean = ratios.reduce((a, b) => a + b, 0) / ratios.length;
    const sd = Math.sqrt(ratios.reduce((a, b) => a + (b - mean) ** 2, 0) / (ratios.length - 1));
    assert.ok(Math.abs(mean - 1) < 3 * Math.sqrt(2 / k), `mean ratio ${mean}`);
    assert.ok(
      Math.abs(sd / Math.sqrt(2 / k) - 1) < 0.25,
      `ratio sd ${sd} vs sqrt(2/k) = ${Math.sqrt(2 / k)}`,
    );
  });
}

test('jlEpsilon and jlDimension are inverse, and a too-small k has no guarantee', () => {
  const k = jlDimension(0.2, 499_500, 0.05);
  assert.ok(jlEpsilon(k, 499_500, 0.05) <= 0.2);
  assert.ok(jlEpsilon(k - 5, 499_500, 0.05) > 0.2);
  assert.equal(jlEpsilon(10, 499_500, 0.05), Number.POSITIVE_INFINITY);
});

test('streaming projection equals chunk projection and is reproducible by seed', async () => {
  const full = gaussianRows(10, 50, 1);
  const p = new RandomProjection({ inputDim: 50, outputDim: 8, seed: 4 });
  const q = new RandomProjection({ inputDim: 50, outputDim: 8, seed: 4 });
  const whole = p.projectChunk(full);
  const parts: RowChunk[] = [
    { rows: 4, d: 50, data: full.data.subarray(0, 200) },
    { rows: 6, d: 50, data: full.data.subarray(200) },
  ];
  const streamed: number[] = [];
  for await (const c of q.projectStream(parts)) streamed.push(...c.data);
  assert.deepEqual(streamed, Array.from(whole.data));
  assert.throws(() => p.projectChunk({ rows: 1, d: 49, data: new Float64Array(49) }), /d=49/);
});

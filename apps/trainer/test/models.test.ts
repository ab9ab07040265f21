import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '@sgdscope/analysis';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/backend/index.js';
import {
  buildModel,
  conv2dSame,
  crossEntropy,
  klDivergence,
  readFlatWeights,
  SEED000_DENSE_STD,
} from '../src/models/index.js';

function randomArray(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.normal());
}

/** Gradients of Σ y·r (r fixed random) w.r.t. input and filter, with the custom op or the native conv2d. */
function convGrads(
  xData: Float32Array,
  fData: Float32Array,
  xShape: [number, number, number, number],
  fShape: [number, number, number, number],
  stride: number,
  custom: boolean,
): { dx: Float32Array; df: Float32Array } {
  return tf.tidy(() => {
    const x = tf.tensor4d(xData, xShape);
    const f = tf.tensor4d(fData, fShape);
    const conv = (a: tf.Tensor4D, b: tf.Tensor4D) =>
      custom ? conv2dSame(a, b, stride) : tf.conv2d(a, b, stride, 'same');
    const outShape = conv(x, f).shape;
    const r = tf.tensor(
      randomArray(
        outShape.reduce((a, b) => a * b, 1),
        99,
      ),
      outShape,
    );
    const [dx, df] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(conv(a as tf.Tensor4D, b as tf.Tensor4D), r)),
    )([x, f]);
    return { dx: dx.dataSync() as Float32Array, df: df.dataSync() as Float32Array };
  });
}

function maxRelativeError(a: Float32Array, b: Float32Array): number {
  let maxDiff = 0;
  let maxAbs = 0;
  for (let i = 0; i < a.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
    maxAbs = Math.max(maxAbs, Math.abs(b[i]));
  }
  return maxDiff / maxAbs;
}

for (const [stride, size, kernel] of [
  [1, 7, 3],
  [2, 8, 3],
  [2, 7, 1],
  [2, 8, 1], // the strided forward never reads the last row/column: its input gradient must be zero-filled
] as const) {
  test(`custom conv2d gradient on wasm equals native cpu gradient (stride ${stride}, ${size}×${size}, k=${kernel})`, async () => {
    const xShape: [number, number, number, number] = [2, size, size, 3];
    const fShape: [number, number, number, number] = [kernel, kernel, 3, 4];
    const xData = randomArray(
      xShape.reduce((a, b) => a * b, 1),
      1,
    );
    const fData = randomArray(
      fShape.reduce((a, b) => a * b, 1),
      2,
    );
    await selectBackend('cpu');
    const native = convGrads(xData, fData, xShape, fShape, stride, false);
    await selectBackend('wasm');
    const custom = convGrads(xData, fData, xShape, fShape, stride, true);
    // float32 sums of ≤ 2·8·8 terms of O(1): relative error ~1e-6; 1e-4 leaves a wide margin yet catches any
    // misplaced tap or padding offset (those give O(1) errors).
    assert.ok(maxRelativeError(custom.dx, native.dx) < 1e-4, 'input gradient');
    assert.ok(maxRelativeError(custom.df, native.df) < 1e-4, 'filter gradient');
  });
}

test('custom conv2d filter gradient matches central finite differences', async () => {
  await selectBackend('cpu');
  const xShape: [number, number, number, number] = [1, 5, 5, 2];
  const fShape: [number, number, number, number] = [3, 3, 2, 2];
  const xData = randomArray(50, 3);
  const fData = randomArray(36, 4);
  const { df } = convGrads(xData, fData, xShape, fShape, 2, true);
  const lossAt = (filter: Float32Array) =>
    tf.tidy(() => {
      const y = conv2dSame(tf.tensor4d(xData, xShape), tf.tensor4d(filter, fShape), 2);
      return tf.sum(tf.mul(y, tf.tensor(randomArray(y.size, 99), y.shape))).dataSync()[0];
    });
  const h = 1e-2; // the loss is linear in the filter, so central differences are exact up to float32 rounding
  for (let i = 0; i < fData.length; i++) {
    const plus = Float32Array.from(fData);
    const minus = Float32Array.from(fData);
    plus[i] += h;
    minus[i] -= h;
    const fd = (lossAt(plus) - lossAt(minus)) / (2 * h);
    assert.ok(Math.abs(fd - df[i]) < 2e-3 * (1 + Math.abs(df[i])), `component ${i}: fd ${fd} vs ${df[i]}`);
  }
});

test('seed-000 initialisation statistics: Kaiming fan_in convs, BN 1/0, Linear N(0, 1e-3²), zero biases', async () => {
  await selectBackend('cpu');
  const model = buildModel(
    { type: 'resnet', depth: 14, shortcut: true, widthMultiplier: 1 },
    [32, 32, 3],
    10,
    7,
  );
  for (const p of model.params) {
    const v = p.variable.dataSync();
    const n = v.length;
    let mean = 0;
    for (const x of v) mean += x;
    mean /= n;
    let variance = 0;
    for (const x of v) variance += (x - mean) ** 2;
    variance /= n;
    if (p.kind === 'conv') {
      const [kh, kw, cin] = p.variable.shape;
      const expected = 2 / (kh * kw * cin);
      // sample variance of n normals has relative SD sqrt(2/n); allow 5 SD
      assert.ok(Math.abs(variance / expected - 1) < 5 * Math.sqrt(2 / n), `${p.name} variance ${variance}`);
      assert.ok(Math.abs(mean) < 5 * Math.sqrt(expected / n), `${p.name} mean`);
    } else if (p.kind === 'dense') {
      const expected = SEED000_DENSE_STD ** 2;
      assert.ok(Math.abs(variance / expected - 1) < 5 * Math.sqrt(2 / n), `${p.name} variance ${variance}`);
    } else if (p.kind === 'bn_gamma') {
      assert.ok(
        v.every((x) => x === 1),
        p.name,
      );
    } else {
      assert.ok(
        v.every((x) => x === 0),
        p.name,
      );
    }
  }
  // ResNet-14 at width 1: the paper's CIFAR net (stem, 3 stages × 2 blocks, 2 projections, linear).
  assert.equal(model.parameterCount, 175_258);
  const again = buildModel(
    { type: 'resnet', depth: 14, shortcut: true, widthMultiplier: 1 },
    [32, 32, 3],
    10,
    7,
  );
  assert.deepEqual(readFlatWeights(again), readFlatWeights(model), 'same seed, same weights');
  model.dispose();
  again.dispose();
});

test('every architecture runs forward to [batch, classes] logits', async () => {
  await selectBackend('wasm');
  const specs = [
    { spec: { type: 'mlp', hidden: [100], activation: 'relu' } as const, shape: [784], count: 79_510 },
    { spec: { type: 'cnn', channels: [16, 32] } as const, shape: [28, 28, 1], count: 20_490 },
    {
      spec: { type: 'resnet', depth: 20, shortcut: false, widthMultiplier: 0.25 } as const,
      shape: [8, 8, 3],
      count: 0,
    },
  ];
  for (const { spec, shape, count } of specs) {
    const model = buildModel(spec, shape, 10, 1);
    if (count > 0) assert.equal(model.parameterCount, count, model.name);
    const logits = model.apply(tf.zeros([3, ...shape]));
    assert.deepEqual(logits.shape, [3, 10]);
    assert.ok(Array.from(logits.dataSync()).every(Number.isFinite));
    logits.dispose();
    model.dispose();
  }
});

test('KL equals cross-entropy minus target entropy, and equals it for one-hot targets', async () => {
  await selectBackend('cpu');
  const logits = tf.tensor2d([
    [1, 2, 0.5],
    [0, -1, 3],
  ]);
  const oneHot = tf.tensor2d([
    [0, 1, 0],
    [0, 0, 1],
  ]);
  const soft = tf.tensor2d([
    [0.1, 0.8, 0.1],
    [0.2, 0.2, 0.6],
  ]);
  const ce = crossEntropy(logits, oneHot).dataSync()[0];
  const manual =
    -(
      Math.log(Math.exp(2) / (Math.exp(1) + Math.exp(2) + Math.exp(0.5))) +
      Math.log(Math.exp(3) / (1 + Math.exp(-1) + Math.exp(3)))
    ) / 2;
  assert.ok(Math.abs(ce - manual) < 1e-5);
  assert.ok(Math.abs(klDivergence(logits, oneHot).dataSync()[0] - ce) < 1e-6);
  const entropy =
    -(0.1 * Math.log(0.1) * 2 + 0.8 * Math.log(0.8) + 0.2 * Math.log(0.2) * 2 + 0.6 * Math.log(0.6)) / 2;
  const diff = crossEntropy(logits, soft).dataSync()[0] - klDivergence(logits, soft).dataSync()[0];
  assert.ok(Math.abs(diff - entropy) < 1e-5);
});

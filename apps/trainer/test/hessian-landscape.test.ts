import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '@sgdscope/analysis';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/backend/index.js';
import { filterNormalizedDirection, lossSurfaceArtifact } from '../src/landscape2d/index.js';
import { buildModel, readFlatWeights } from '../src/models/index.js';
import { evaluateLoss } from '../src/train/index.js';

test('filter-normalised direction: each filter has its weight filter norm, biases and BN are zero', async () => {
  await selectBackend('wasm');
  const model = buildModel(
    { type: 'resnet', depth: 8, shortcut: true, widthMultiplier: 0.25 },
    [8, 8, 3],
    10,
    3,
  );
  const weights = readFlatWeights(model);
  const direction = filterNormalizedDirection(model, weights, createRng(1));
  let offset = 0;
  for (const p of model.params) {
    const size = p.variable.size;
    if (p.kind === 'conv' || p.kind === 'dense') {
      const filters = p.variable.shape[p.variable.shape.length - 1];
      for (let f = 0; f < filters; f++) {
        let d = 0;
        let w = 0;
        for (let i = f; i < size; i += filters) {
          d += direction[offset + i] ** 2;
          w += weights[offset + i] ** 2;
        }
        assert.ok(Math.abs(Math.sqrt(d) - Math.sqrt(w)) <= 1e-5 * Math.sqrt(w), `${p.name} filter ${f}`);
      }
    } else {
      assert.ok(
        direction.subarray(offset, offset + size).every((v) => v === 0),
        `${p.name} must be zeroed`,
      );
    }
    offset += size;
  }
  model.dispose();
});

test('2-D loss surface: grid shape, centre equals the loss at w, weights restored', async () => {
  await selectBackend('wasm');
  const model = buildModel({ type: 'mlp', hidden: [8], activation: 'relu' }, [4], 3, 5, 'kaiming');
  const rng = createRng(2);
  const x = tf.tensor2d(
    Float32Array.from({ length: 40 }, () => rng.normal()),
    [10, 4],
  );
  const targets = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1, 2, 0], 'int32'), 3).toFloat() as tf.Tensor2D;
  const before = readFlatWeights(model);
  const centre = evaluateLoss(model, x, targets, 'cross_entropy');
  const artifact = lossSurfaceArtifact(model, x, targets, 'cross_entropy', 7, {
    resolution: 5,
    range: 1,
    seed: 3,
  });
  assert.equal(artifact.name, 'landscape2d');
  assert.deepEqual(artifact.shape, [5, 5]);
  assert.equal(artifact.step, 7);
  assert.ok(Math.abs(artifact.data[2 * 5 + 2] - centre) < 1e-6, 'centre of the grid is w itself');
  assert.ok(artifact.data.every(Number.isFinite));
  assert.ok(new Set(artifact.data).size > 20, 'the loss varies over the plane');
  assert.deepEqual(readFlatWeights(model), before);
  model.dispose();
});

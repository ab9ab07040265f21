import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/backend/index.js';

test('auto selection falls back past the uninstallable native backends and activates what it reports', async () => {
  const name = await selectBackend('auto');
  assert.ok(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'].includes(name));
  assert.equal(tf.getBackend(), name === 'tensorflow-gpu' ? 'tensorflow' : name);
});

test('wasm loads its binaries in Node and computes', async () => {
  assert.equal(await selectBackend('wasm'), 'wasm');
  assert.equal(tf.getBackend(), 'wasm');
  const y = tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]]));
  assert.equal(y.dataSync()[0], 11);
});

test('an explicitly requested backend that is missing is an error, not a silent fallback', async () => {
  let nativeAvailable = true;
  try {
    await import(['@tensorflow', 'tfjs-node'].join('/'));
  } catch {
    nativeAvailable = false;
  }
  if (nativeAvailable) assert.equal(await selectBackend('tensorflow'), 'tensorflow');
  else await assert.rejects(selectBackend('tensorflow'), /not available/);
  assert.equal(await selectBackend('cpu'), 'cpu');
});

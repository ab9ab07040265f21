import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '@sgdscope/analysis';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/backend/index.js';
import {
  finiteDifferenceHvp,
  hessianEigenArtifact,
  lanczosTopEigenvalues,
  symmetricEigen,
} from '../src/hessian/index.js';
import { buildModel, readFlatWeights } from '../src/models/index.js';

function randomSymmetric(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const v = rng.normal();
      a[i * n + j] = v;
      a[j * n + i] = v;
    }
  }
  return a;
}

test('Jacobi eigen-solver: A v = λ v for every pair, eigenvalues sum to the trace', () => {
  const n = 12;
  const a = randomSymmetric(n, 1);
  const { values, vectors } = symmetricEigen(a, n);
  let trace = 0;
  for (let i = 0; i < n; i++) trace += a[i * n + i];
  assert.ok(Math.abs(values.reduce((s, v) => s + v, 0) - trace) < 1e-10);
  values.forEach((lambda, j) => {
    for (let i = 0; i < n; i++) {
      let av = 0;
      for (let k = 0; k < n; k++) av += a[i * n + k] * vectors[j][k];
      assert.ok(Math.abs(av - lambda * vectors[j][i]) < 1e-9);
    }
  });
});

test('Lanczos with full reorthogonalisation finds the top eigenvalues of a known spectrum without ghosts', () => {
  // Lanczos is basis-independent, so a diagonal operator with a clustered top (10, 9.9, 9, ...) and a bulk
  // of repeated small eigenvalues (which breed ghost copies without reorthogonalisation) is a fair test.
  const d = 300;
  const spectrum = Float64Array.from({ length: d }, (_, i) =>
    i < 6 ? [10, 9.9, 9, 8, 7, 6][i] : (i % 17) / 20,
  );
  const apply = (v: Float64Array) => v.map((x, i) => spectrum[i] * x);
  const result = lanczosTopEigenvalues(apply, d, { k: 6, steps: 60, seed: 3 });
  assert.deepEqual(
    Array.from(result.values, (v) => Number(v.toFixed(6))),
    [10, 9.9, 9, 8, 7, 6],
  );
  assert.ok(result.residuals.every((r) => r < 1e-6));
});

test('finite-difference HVP + Lanczos reproduce the analytic Hessian of logistic regression', async () => {
  await selectBackend('wasm');
  // Softmax regression has a closed-form Hessian: H = (1/B) Σ_n (diag(p) − ppᵀ) ⊗ x̃x̃ᵀ with x̃ = [x, 1].
  const model = buildModel({ type: 'mlp', hidden: [], activation: 'relu' }, [3], 3, 2, 'kaiming');
  const rng = createRng(9);
  const batch = 16;
  const xs = Array.from({ length: batch }, () => [rng.normal(), rng.normal(), rng.normal()]);
  const labels = Array.from({ length: batch }, (_, i) => i % 3);
  const x = tf.tensor2d(xs);
  const targets = tf.oneHot(tf.tensor1d(labels, 'int32'), 3).toFloat() as tf.Tensor2D;
  const w = readFlatWeights(model); // W [3 in, 3 out] row-major (index in*3 + out), then b [3]
  const d = 12;
  const index = (input: number, out: number) => (input < 3 ? input * 3 + out : 9 + out);
  const exact = new Float64Array(d * d);
  for (const row of xs) {
    const z = [0, 1, 2].map((o) => row[0] * w[o] + row[1] * w[3 + o] + row[2] * w[6 + o] + w[9 + o]);
    const m = Math.max(...z);
    const e = z.map((v) => Math.exp(v - m));
    const p = e.map((v) => v / (e[0] + e[1] + e[2]));
    const xt = [...row, 1];
    for (let a = 0; a < 4; a++) {
      for (let o = 0; o < 3; o++) {
        for (let b = 0; b < 4; b++) {
          for (let q = 0; q < 3; q++) {
            const s = (o === q ? p[o] : 0) - p[o] * p[q];
            exact[index(a, o) * d + index(b, q)] += (s * xt[a] * xt[b]) / batch;
          }
        }
      }
    }
  }
  // column-by-column check of the HVP against the exact Hessian
  const hvp = finiteDifferenceHvp(model, x, targets, 'cross_entropy');
  let maxEntry = 0;
  let maxError = 0;
  for (let c = 0; c < d; c++) {
    const column = hvp(Float64Array.from({ length: d }, (_, i) => (i === c ? 1 : 0)));
    for (let r = 0; r < d; r++) {
      maxEntry = Math.max(maxEntry, Math.abs(exact[r * d + c]));
      maxError = Math.max(maxError, Math.abs(column[r] - exact[r * d + c]));
    }
  }
  // float32 gradients of size ~0.3 differenced over 2ε = 2e-3: rounding ~ 6e-8·0.3/2e-3 ≈ 1e-5, truncation
  // O(ε²) ≈ 1e-6; the bound 1e-3 of the largest entry is ~50× that yet far below any wrong-Hessian error.
  assert.ok(maxError < 1e-3 * maxEntry + 1e-4, `max HVP error ${maxError} (largest entry ${maxEntry})`);
  const exactTop = symmetricEigen(exact, d).values.slice(0, 4);
  const artifact = hessianEigenArtifact(model, x, targets, 'cross_entropy', 0, { k: 4, lanczosSteps: 12 });
  assert.equal(artifact.name, 'hessian_top_eigenvalues');
  artifact.data.forEach((v, i) => {
    assert.ok(Math.abs(v - exactTop[i]) < 2e-3 * exactTop[0], `λ${i} ${v} vs ${exactTop[i]}`);
  });
  assert.deepEqual(readFlatWeights(model), w, 'weights restored after the HVPs');
  model.dispose();
});

test('finite-difference HVP through tanh matches the Hessian assembled from gradient differences (tiny MLP)', async () => {
  await selectBackend('cpu');
  const model = buildModel({ type: 'mlp', hidden: [4], activation: 'tanh' }, [2], 2, 4, 'kaiming');
  const rng = createRng(12);
  const x = tf.tensor2d(
    Float32Array.from({ length: 20 }, () => rng.normal()),
    [10, 2],
  );
  const targets = tf.oneHot(tf.tensor1d([0, 1, 0, 1, 1, 0, 0, 1, 1, 0], 'int32'), 2).toFloat() as tf.Tensor2D;
  const d = model.parameterCount; // 2·4 + 4 + 4·2 + 2 = 22
  const hvp = finiteDifferenceHvp(model, x, targets, 'cross_entropy');
  const full = new Float64Array(d * d);
  for (let c = 0; c < d; c++) {
    const column = hvp(Float64Array.from({ length: d }, (_, i) => (i === c ? 1 : 0)));
    for (let r = 0; r < d; r++) full[r * d + c] = column[r];
  }
  // symmetry of the assembled matrix is an independent check of the HVP's accuracy
  let asym = 0;
  let big = 0;
  for (let r = 0; r < d; r++) {
    for (let c = 0; c < d; c++) {
      asym = Math.max(asym, Math.abs(full[r * d + c] - full[c * d + r]));
      big = Math.max(big, Math.abs(full[r * d + c]));
    }
  }
  assert.ok(asym < 1e-3 * big, `asymmetry ${asym} vs ${big}`);
  for (let r = 0; r < d; r++) {
    for (let c = r + 1; c < d; c++) {
      const s = (full[r * d + c] + full[c * d + r]) / 2;
      full[r * d + c] = s;
      full[c * d + r] = s;
    }
  }
  const exactTop = symmetricEigen(full, d).values.slice(0, 3);
  const lanczos = lanczosTopEigenvalues(hvp, d, { k: 3, steps: d, seed: 1 });
  lanczos.values.forEach((v, i) => {
    assert.ok(Math.abs(v - exactTop[i]) < 2e-3 * Math.abs(exactTop[0]), `λ${i} ${v} vs ${exactTop[i]}`);
  });
  model.dispose();
});

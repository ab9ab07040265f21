import { join } from 'node:path';
import { DataFormatError, type Dataset } from './dataset.js';
import { readDataFile } from './read-file.js';

const SIDE = 32;
const PLANE = SIDE * SIDE;
/** One CIFAR-10 binary record: a label byte, then the R, G and B planes, each 32×32 row-major. */
const RECORD_BYTES = 1 + 3 * PLANE;

/** Parses CIFAR-10 binary batch files (the "binary version": data_batch_1..5.bin, test_batch.bin) into HWC [0, 1]. */
export function parseCifar10Batches(files: readonly { path: string; bytes: Buffer }[]): Dataset {
  let count = 0;
  for (const { path, bytes } of files) {
    if (bytes.length === 0 || bytes.length % RECORD_BYTES !== 0) {
      throw new DataFormatError(
        path,
        `size ${bytes.length} is not a multiple of the ${RECORD_BYTES}-byte CIFAR-10 record`,
      );
    }
    count += bytes.length / RECORD_BYTES;
  }
  const features = new Float32Array(count * 3 * PLANE);
  const labels = new Int32Array(count);
  let example = 0;
  for (const { path, bytes } of files) {
    for (let offset = 0; offset < bytes.length; offset += RECORD_BYTES, example++) {
      const label = bytes[offset];
      if (label > 9)
        throw new DataFormatError(path, `label ${label} at record ${offset / RECORD_BYTES} is not 0..9`);
      labels[example] = label;
      const base = example * 3 * PLANE;
      // planar CHW on disk → interleaved HWC in memory (tfjs convs are NHWC)
      for (let p = 0; p < PLANE; p++) {
        for (let c = 0; c < 3; c++) features[base + 3 * p + c] = bytes[offset + 1 + c * PLANE + p] / 255;
      }
    }
  }
  return { name: 'cifar10', features, labels, count, featureShape: [SIDE, SIDE, 3], numClasses: 10 };
}

/** CIFAR-10 from the directory of the binary distribution (`cifar-10-batches-bin`). */
export function loadCifar10(directory: string, split: 'train' | 'test' = 'train'): Dataset {
  const names = split === 'train' ? [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`) : ['test_batch.bin'];
  const files = names.map((name) => {
    const path = join(directory, name);
    return { path, bytes: readDataFile(path) };
  });
  return { ...parseCifar10Batches(files), name: `cifar10-${split}` };
}

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DataFormatError, type Dataset } from './dataset.js';
import { readDataFile } from './read-file.js';

/** IDX magic numbers (LeCun's MNIST format): two zero bytes, type 0x08 = unsigned byte, number of dimensions. */
const IDX_UBYTE = 0x08;

/** Parses an unsigned-byte IDX file into its dimensions and raw bytes, checking magic and length. */
export function parseIdx(
  bytes: Buffer,
  path: string,
  expectedDims: number,
): { dims: number[]; data: Uint8Array } {
  if (bytes.length < 4) throw new DataFormatError(path, 'too short for an IDX header');
  if (bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== IDX_UBYTE) {
    throw new DataFormatError(path, 'bad IDX magic number (expected 0x0000 08 xx, unsigned bytes)');
  }
  const nDims = bytes[3];
  if (nDims !== expectedDims)
    throw new DataFormatError(path, `IDX file has ${nDims} dimensions, expected ${expectedDims}`);
  const headerSize = 4 + 4 * nDims;
  if (bytes.length < headerSize) throw new DataFormatError(path, 'truncated IDX header');
  const dims = Array.from({ length: nDims }, (_, i) => bytes.readUInt32BE(4 + 4 * i));
  const expected = dims.reduce((a, b) => a * b, 1);
  if (bytes.length - headerSize !== expected) {
    throw new DataFormatError(
      path,
      `IDX body has ${bytes.length - headerSize} bytes, header promises ${expected}`,
    );
  }
  return { dims, data: new Uint8Array(bytes.buffer, bytes.byteOffset + headerSize, expected) };
}

/**
 * Full MNIST from its four standard IDX files in `directory` (`train-images-idx3-ubyte` etc., optionally .gz).
 * Pixels are scaled to [0, 1] like the embedded digits; shape [28, 28, 1].
 */
export function loadMnistIdx(directory: string, split: 'train' | 'test' = 'train'): Dataset {
  const prefix = split === 'train' ? 'train' : 't10k';
  const find = (stem: string) => {
    const plain = join(directory, stem);
    return existsSync(plain) || !existsSync(`${plain}.gz`) ? plain : `${plain}.gz`;
  };
  const imagePath = find(`${prefix}-images-idx3-ubyte`);
  const labelPath = find(`${prefix}-labels-idx1-ubyte`);
  const images = parseIdx(readDataFile(imagePath), imagePath, 3);
  const labels = parseIdx(readDataFile(labelPath), labelPath, 1);
  const [count, rows, cols] = images.dims;
  if (labels.dims[0] !== count) {
    throw new DataFormatError(labelPath, `${labels.dims[0]} labels for ${count} images in ${imagePath}`);
  }
  const features = new Float32Array(images.data.length);
  for (let i = 0; i < features.length; i++) features[i] = images.data[i] / 255;
  const labelArray = Int32Array.from(labels.data);
  if (labelArray.some((l) => l > 9)) throw new DataFormatError(labelPath, 'MNIST labels must be 0..9');
  return {
    name: `mnist-${split}`,
    features,
    labels: labelArray,
    count,
    featureShape: [rows, cols, 1],
    numClasses: 10,
  };
}

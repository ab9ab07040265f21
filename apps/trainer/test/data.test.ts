import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import {
  DataFormatError,
  loadCifar10,
  loadCsv,
  loadEmbeddedMnist,
  loadMnistIdx,
  standardizeChannels,
} from '../src/data/index.js';

const dir = mkdtempSync(join(tmpdir(), 'sgdscope-data-'));

function idxFile(type: number, dims: number[], body: Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = type;
  header[3] = dims.length;
  dims.forEach((d, i) => {
    header.writeUInt32BE(d, 4 + 4 * i);
  });
  return Buffer.concat([header, Buffer.from(body)]);
}

test('embedded MNIST: 10,000 digits, pixels in [0, 1], class-balanced prefix', () => {
  const all = loadEmbeddedMnist();
  assert.equal(all.count, 10_000);
  assert.deepEqual(all.featureShape, [28, 28, 1]);
  assert.equal(all.features.length, 10_000 * 784);
  assert.ok(all.features.every((v) => v >= 0 && v <= 1));
  const first = loadEmbeddedMnist(256);
  assert.equal(first.count, 256);
  const perClass = new Array(10).fill(0);
  for (const l of first.labels) perClass[l] += 1;
  assert.ok(
    perClass.every((n) => n === 25 || n === 26),
    `prefix class counts ${perClass}`,
  );
  assert.deepEqual(first.features.subarray(0, 784), all.features.subarray(0, 784));
});

test('IDX reader: MNIST-format images and labels (plain and gzipped), scaled to [0, 1]', () => {
  const sub = mkdtempSync(join(dir, 'idx-'));
  const pixels = Uint8Array.from({ length: 3 * 2 * 2 }, (_, i) => i * 20);
  writeFileSync(join(sub, 'train-images-idx3-ubyte'), idxFile(8, [3, 2, 2], pixels));
  writeFileSync(
    join(sub, 'train-labels-idx1-ubyte.gz'),
    gzipSync(idxFile(8, [3], Uint8Array.from([7, 0, 9]))),
  );
  const ds = loadMnistIdx(sub);
  assert.equal(ds.count, 3);
  assert.deepEqual(ds.featureShape, [2, 2, 1]);
  assert.deepEqual(Array.from(ds.labels), [7, 0, 9]);
  assert.ok(Math.abs(ds.features[5] - 100 / 255) < 1e-7);
});

test('IDX reader: clear errors for missing, bad-magic, truncated and mismatched files', () => {
  const sub = mkdtempSync(join(dir, 'idx-bad-'));
  assert.throws(
    () => loadMnistIdx(sub),
    (e: unknown) => e instanceof DataFormatError && /file not found/.test(e.message),
  );
  writeFileSync(join(sub, 'train-images-idx3-ubyte'), Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]));
  writeFileSync(join(sub, 'train-labels-idx1-ubyte'), idxFile(8, [2], Uint8Array.from([1, 2])));
  assert.throws(() => loadMnistIdx(sub), /bad IDX magic/);
  writeFileSync(join(sub, 'train-images-idx3-ubyte'), idxFile(8, [3, 2, 2], new Uint8Array(5)));
  assert.throws(() => loadMnistIdx(sub), /header promises 12/);
  writeFileSync(join(sub, 'train-images-idx3-ubyte'), idxFile(8, [3, 2, 2], new Uint8Array(12)));
  assert.throws(() => loadMnistIdx(sub), /2 labels for 3 images/);
});

test('CIFAR-10 binary reader: planar CHW records become HWC, labels kept', () => {
  const sub = mkdtempSync(join(dir, 'cifar-'));
  const record = (label: number, r: number, g: number, b: number) =>
    Buffer.concat([
      Buffer.from([label]),
      Buffer.alloc(1024, r),
      Buffer.alloc(1024, g),
      Buffer.alloc(1024, b),
    ]);
  const batch = Buffer.concat([record(3, 255, 0, 51), record(9, 0, 102, 0)]);
  writeFileSync(join(sub, 'test_batch.bin'), batch);
  const ds = loadCifar10(sub, 'test');
  assert.equal(ds.count, 2);
  assert.deepEqual(ds.featureShape, [32, 32, 3]);
  assert.deepEqual(Array.from(ds.labels), [3, 9]);
  assert.deepEqual(Array.from(ds.features.subarray(0, 3)), [1, 0, Math.fround(0.2)]);
  assert.ok(Math.abs(ds.features[3072 + 3 * 500 + 1] - 0.4) < 1e-7);
  writeFileSync(join(sub, 'test_batch.bin'), batch.subarray(0, 3000));
  assert.throws(() => loadCifar10(sub, 'test'), /not a multiple of the 3073-byte/);
  assert.throws(() => loadCifar10(sub, 'train'), /data_batch_1\.bin: file not found/);
});

test('CSV reader: header, named label column, string classes, standardisation', () => {
  const path = join(dir, 'uci.csv');
  writeFileSync(path, 'a,b,class,c\n1,10,B,0\n2,20,A,0\n3,30,B,0\n4,40,C,0\n');
  const ds = loadCsv(path, { labelColumn: 'class' });
  assert.equal(ds.count, 4);
  assert.deepEqual(ds.featureShape, [3]);
  assert.equal(ds.numClasses, 3);
  assert.deepEqual(Array.from(ds.labels), [1, 0, 1, 2]);
  const z = standardizeChannels(ds);
  // column a = 1..4: mean 2.5, population SD sqrt(1.25)
  assert.ok(Math.abs(z.features[0] - (1 - 2.5) / Math.sqrt(1.25)) < 1e-6);
  assert.equal(z.features[2], 0, 'a constant column maps to 0');
});

test('CSV reader: headerless numeric labels (last column by default), whitespace delimiter', () => {
  const path = join(dir, 'banknote.txt');
  writeFileSync(path, '3.6 8.6 0\n4.5 8.1 1\n-1.2 0.5 1\n');
  const ds = loadCsv(path);
  assert.equal(ds.count, 3);
  assert.deepEqual(Array.from(ds.labels), [0, 1, 1]);
  assert.ok(Math.abs(ds.features[5] - 0.5) < 1e-7);
});

test('CSV reader: errors name the file, row and column', () => {
  const ragged = join(dir, 'ragged.csv');
  writeFileSync(ragged, '1,2,0\n1,2\n');
  assert.throws(() => loadCsv(ragged), /ragged\.csv: row 2 has 2 fields, expected 3/);
  const text = join(dir, 'text.csv');
  writeFileSync(text, '1,2,0\n1,x,1\n');
  assert.throws(() => loadCsv(text), /row 2, column 2: 'x' is not a number/);
  assert.throws(() => loadCsv(join(dir, 'absent.csv')), /absent\.csv: file not found/);
  assert.throws(() => loadCsv(text, { labelColumn: 'y' }), /no column named 'y'/);
});

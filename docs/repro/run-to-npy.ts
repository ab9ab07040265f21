/**
 * Turns a FileRecorder run directory into the flat .npy inputs of `sgdscope analyze trajectory`: the trajectory
 * chunks (trajectory/chunk-*.npy, float16 or float32, rows x d) concatenated into one [steps, d] file, and the
 * per-step minibatch losses (steps/*.json series `loss`) as a float64 [steps] file cut to the trajectory's length.
 * Streams chunk by chunk, so a 0.8 GB trajectory never sits in memory at once.
 *
 * Run: npx tsx docs/repro/run-to-npy.ts <runDir> <outDir>   (writes <outDir>/W.npy and <outDir>/L.npy)
 */
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { encodeNpy, parseNpyHeader } from '@sgdscope/analysis';

const [runDir, outDir] = process.argv.slice(2);
mkdirSync(outDir, { recursive: true });

/** A version 1.0 .npy header for a C-order array, padded so the data starts on a 64-byte boundary (numpy's rule). */
function npyHeader(descr: string, shape: readonly number[]): Uint8Array {
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const unpadded = 10 + dict.length + 1;
  const padded = Math.ceil(unpadded / 64) * 64;
  const text = `${dict}${' '.repeat(padded - unpadded)}\n`;
  const out = new Uint8Array(10 + text.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, text.length, true);
  for (let i = 0; i < text.length; i++) out[10 + i] = text.charCodeAt(i);
  return out;
}

const chunkFiles = readdirSync(join(runDir, 'trajectory'))
  .filter((f) => f.endsWith('.npy'))
  .sort();
// Shapes come from each chunk's own header; one chunk (about 32 MiB) is read at a time.
let rows = 0;
let d = 0;
let descr = '';
const out = openSync(join(outDir, 'W.npy'), 'w');
// Reserve a header wide enough for any shape, then rewrite it once the row count is known.
const reserved = 128;
writeSync(out, new Uint8Array(reserved));
for (const f of chunkFiles) {
  const bytes = readFileSync(join(runDir, 'trajectory', f));
  const header = parseNpyHeader(bytes);
  d = header.shape[1];
  rows += header.shape[0];
  descr = header.itemSize === 2 ? '<f2' : header.itemSize === 4 ? '<f4' : '<f8';
  writeSync(out, bytes.subarray(header.dataOffset));
}
const header = npyHeader(descr, [rows, d]);
if (header.length !== reserved) throw new Error(`npy header is ${header.length} bytes, expected ${reserved}`);
writeSync(out, header, 0, header.length, 0);
closeSync(out);

const loss: number[] = [];
const stepFiles = readdirSync(join(runDir, 'steps'))
  .filter((f) => f.endsWith('.json'))
  .sort();
for (const f of stepFiles) {
  const batch = JSON.parse(readFileSync(join(runDir, 'steps', f), 'utf8')) as {
    fromStep: number;
    series: { loss?: number[] };
  };
  batch.series.loss?.forEach((value, i) => {
    loss[batch.fromStep + i] = value;
  });
}
const lossRows = Math.min(rows, loss.length);
writeSync(
  openSync(join(outDir, 'L.npy'), 'w'),
  encodeNpy([lossRows], Float64Array.from(loss.slice(0, lossRows))),
);
console.log(`W.npy: ${rows} x ${d} ${descr}; L.npy: ${lossRows} losses`);

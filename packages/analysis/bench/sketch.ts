/**
 * Johnson-Lindenstrauss sketch benchmark (run through bench/index.ts; `--quick` for a smaller run).
 *
 * 1. Distance error vs d and k: squared pairwise distances of a random-walk trajectory before and after
 *    projection, RMS and worst relative error, against the bound eps(k, pairs, delta = 0.05) of jlEpsilon.
 * 2. Speed-up: the all-lag MSD (FFT, diffusion module) and the all-pairs window geometry behind Df/MSL on
 *    full rows (the baseline, measured in this run) versus projection + the same work on k = 256 columns,
 *    with the accuracy cost (MSD relative error over lags, change in Df).
 */
import { MsdCalculator } from '../src/diffusion/index.js';
import { fractalDimension, WindowGeometry } from '../src/geometry/index.js';
import { createRng } from '../src/random.js';
import { jlEpsilon, RandomProjection } from '../src/sketch/index.js';
import type { RowChunk } from '../src/types.js';

const quick = process.argv.includes('--quick');

function randomWalk(rows: number, d: number, seed: number): RowChunk {
  const rng = createRng(seed);
  const data = new Float32Array(rows * d);
  for (let c = 0; c < d; c++) data[c] = rng.normal();
  for (let r = 1; r < rows; r++)
    for (let c = 0; c < d; c++) data[r * d + c] = data[(r - 1) * d + c] + rng.normal();
  return { rows, d, data };
}

function sqDistances(x: RowChunk): Float64Array {
  const out: number[] = [];
  for (let i = 0; i < x.rows; i++) {
    for (let j = i + 1; j < x.rows; j++) {
      let s = 0;
      for (let c = 0; c < x.d; c++) s += (x.data[j * x.d + c] - x.data[i * x.d + c]) ** 2;
      out.push(s);
    }
  }
  return Float64Array.from(out);
}

function time<T>(f: () => T): { value: T; ms: number } {
  const t = performance.now();
  const value = f();
  return { value, ms: performance.now() - t };
}

console.log(`\n## JL sketch${quick ? ' (quick)' : ''}`);
console.log('\n### Squared-distance error of a 40-row random walk (780 pairs), Achlioptas projection');
console.log('     d      k   RMS rel err   max rel err   bound eps (delta=0.05)   max/bound');
for (const d of quick ? [1000, 10_000] : [1000, 10_000, 50_000]) {
  const x = randomWalk(40, d, 1);
  const exact = sqDistances(x);
  for (const k of [32, 128, 512]) {
    const p = new RandomProjection({ inputDim: d, outputDim: k, seed: 2 });
    const approx = sqDistances(p.projectChunk(x));
    let ss = 0;
    let worst = 0;
    for (let i = 0; i < exact.length; i++) {
      const e = approx[i] / exact[i] - 1;
      ss += e * e;
      worst = Math.max(worst, Math.abs(e));
    }
    const bound = jlEpsilon(k, exact.length, 0.05);
    console.log(
      `${String(d).padStart(6)} ${String(k).padStart(6)} ${Math.sqrt(ss / exact.length)
        .toFixed(4)
        .padStart(
          13,
        )} ${worst.toFixed(4).padStart(13)} ${bound.toFixed(4).padStart(24)} ${(Number.isFinite(bound) ? (worst / bound).toFixed(2) : 'n/a').padStart(11)}`,
    );
  }
}

const n = quick ? 400 : 1000;
const d = quick ? 4000 : 20_000;
const k = 256;
console.log(`\n### Speed-up on one window of ${n} rows x d = ${d} (float32), sketch k = ${k}`);
const w = randomWalk(n, d, 3);
const proj = time(() => new RandomProjection({ inputDim: d, outputDim: k, seed: 4 }));
const sketch = time(() => proj.value.projectChunk(w));
const msdFull = time(() => new MsdCalculator(n).compute(w));
const msdSketch = time(() => new MsdCalculator(n).compute(sketch.value));
let msdErr = 0;
for (let t = 0; t < msdFull.value.value.length; t++) {
  msdErr = Math.max(msdErr, Math.abs(msdSketch.value.value[t] / msdFull.value.value[t] - 1));
}
const geoFull = time(() => new WindowGeometry(w));
const geoSketch = time(() => new WindowGeometry(sketch.value));
const dfFull = fractalDimension(geoFull.value).Df;
const dfSketch = fractalDimension(geoSketch.value).Df;
const ms = (v: number): string => `${v.toFixed(0)} ms`;
console.log(`matrix build ${ms(proj.ms)}, projecting the window ${ms(sketch.ms)}`);
console.log(
  `MSD (FFT):          full ${ms(msdFull.ms)}  sketched ${ms(msdSketch.ms)}  (+ projection: ${ms(msdSketch.ms + sketch.ms)})` +
    `  speed-up ${(msdFull.ms / msdSketch.ms).toFixed(1)}x, ${(msdFull.ms / (msdSketch.ms + sketch.ms)).toFixed(2)}x with projection;` +
    ` max rel MSD error over lags ${msdErr.toFixed(4)}`,
);
console.log(
  `pair geometry (Df): full ${ms(geoFull.ms)}  sketched ${ms(geoSketch.ms)}  (+ projection: ${ms(geoSketch.ms + sketch.ms)})` +
    `  speed-up ${(geoFull.ms / geoSketch.ms).toFixed(1)}x, ${(geoFull.ms / (geoSketch.ms + sketch.ms)).toFixed(2)}x with projection;` +
    ` Df ${dfFull.toFixed(3)} -> ${dfSketch.toFixed(3)}`,
);

/**
 * MSD benchmark (run through bench/index.ts): the FFT time-averaged MSD of a float32 random-walk
 * trajectory generated chunk by chunk (never materialised), windows of T = 1000.
 * Full size: 25000 x 20000 stream, 24 windows analysed. `--quick`: 6000 x 2000, 5 windows.
 *
 * Prints, all measured in this run: generation / windowing / MSD / fit times, peak RSS, a NumPy
 * baseline of the same MSD on the same data size (if python3 has numpy) with the ratio, and a
 * memory-bandwidth floor (one streamed pass summing as many bytes as the analysed rows) with ratio.
 * Wall times swing with machine load (other processes on a shared machine), so CPU times of the
 * timed sections are printed too and ratios are given for both.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  coordinateJackknife,
  fitMsdPowerLaw,
  logDerivative,
  MsdCalculator,
  scanCrossover,
  streamedRandomWalk,
  streamWindows,
} from '../src/diffusion/index.js';
import { createRng } from '../src/random.js';

const quick = process.argv.includes('--quick');
const T = 1000;
const streamRows = quick ? 6000 : 25_000;
const d = quick ? 2000 : 20_000;
const windows = quick ? 5 : 24;
const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(0);

console.log(
  `\n## MSD: [${streamRows} x ${d}] float32 random walk, ${windows} windows of T=${T}${quick ? ' (quick)' : ''}`,
);

const rssBefore = process.memoryUsage().rss;

/** Counts time spent producing rows, so generation can be reported apart from analysis. */
function* timedStream<T>(source: Iterable<T>, clock: { ms: number }): Generator<T> {
  const it = source[Symbol.iterator]();
  for (;;) {
    const t = performance.now();
    const next = it.next();
    clock.ms += performance.now() - t;
    if (next.done) return;
    yield next.value;
  }
}

const generation = { ms: 0 };
let msdMs = 0;
let msdCpuMs = 0;
let fitMs = 0;
/** CPU time (user + system, all threads of this process) in ms. */
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
let peakRss = rssBefore;
const calculator = new MsdCalculator(T, 'tamsd');
const wall = performance.now();
let checksum = 0;
for await (const window of streamWindows(
  timedStream(streamedRandomWalk(createRng(1), streamRows, d, 250), generation),
  {
    span: T,
    maxWindows: windows,
  },
)) {
  let t = performance.now();
  const cpu = cpuMs();
  const curve = calculator.compute(window);
  msdMs += performance.now() - t;
  msdCpuMs += cpuMs() - cpu;
  t = performance.now();
  fitMsdPowerLaw(curve.tau, curve.value, 1, curve.tau.length);
  scanCrossover(curve.tau, curve.value);
  logDerivative(curve.tau, curve.value);
  fitMs += performance.now() - t;
  checksum += curve.value[0];
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}
const wallMs = performance.now() - wall;
const maxRss = process.resourceUsage().maxRSS * 1024;
const windowBytes = T * d * 4;
console.log(
  `total wall ${(wallMs / 1000).toFixed(2)} s = generation ${(generation.ms / 1000).toFixed(2)} s + MSD ${(msdMs / 1000).toFixed(2)} s + fits ${(fitMs / 1000).toFixed(2)} s + windowing/validation ${((wallMs - generation.ms - msdMs - fitMs) / 1000).toFixed(2)} s`,
);
console.log(
  `MSD per window ${(msdMs / windows).toFixed(0)} ms wall, ${(msdCpuMs / windows).toFixed(0)} ms CPU; mean MSD(1)/d = ${(checksum / windows / d).toFixed(5)} (uniform steps: expect 1/12 = 0.08333)`,
);
console.log(
  `peak RSS ${mb(maxRss)} MB (sampled ${mb(peakRss)} MB; ${mb(rssBefore)} MB before); budget 2 windows (${mb(2 * windowBytes)} MB) + 200 MB + start = ${mb(2 * windowBytes + 200 * 2 ** 20 + rssBefore)} MB`,
);

// NumPy baseline on the same sizes, timing only the MSD.
const numpyOk = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
if (numpyOk) {
  const script = fileURLToPath(new URL('./msd_numpy.py', import.meta.url));
  const run = spawnSync('python3', [script, String(T), String(d), String(windows)], { encoding: 'utf8' });
  if (run.status === 0) {
    const result = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as {
      msd_seconds: number;
      msd_cpu_seconds: number;
      peak_rss_mb: number;
      msd1_mean: number;
    };
    console.log(
      `NumPy MSD ${result.msd_seconds.toFixed(2)} s wall, ${result.msd_cpu_seconds.toFixed(2)} s CPU (peak RSS ${result.peak_rss_mb.toFixed(0)} MB, MSD(1)/d ${(result.msd1_mean / d).toFixed(5)}); ratio sgdscope/numpy = ${(msdMs / 1000 / result.msd_seconds).toFixed(2)} wall, ${(msdCpuMs / 1000 / result.msd_cpu_seconds).toFixed(2)} CPU`,
    );
  } else {
    console.log(`NumPy baseline failed: ${run.stderr}`);
  }
} else {
  console.log('NumPy baseline skipped: python3 -c "import numpy" failed');
}

// Memory-bandwidth floor: stream as many float32 bytes as the analysed rows hold, from a buffer
// much larger than cache (re-read to avoid allocating the whole size).
const floorBytes = windows * windowBytes;
const buffer = new Float32Array(Math.min(floorBytes, 256 * 2 ** 20) / 4);
for (let i = 0; i < buffer.length; i++) buffer[i] = i & 1023;
let sink = 0;
const passes = Math.round(floorBytes / (buffer.length * 4));
const floorStart = performance.now();
const floorCpu = cpuMs();
for (let p = 0; p < passes; p++) {
  // Four independent accumulators so the loop is bound by memory, not by add latency.
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let i = 0; i < buffer.length; i += 4) {
    s0 += buffer[i];
    s1 += buffer[i + 1];
    s2 += buffer[i + 2];
    s3 += buffer[i + 3];
  }
  sink += s0 + s1 + s2 + s3;
}
const floorMs = performance.now() - floorStart;
const floorCpuMs = cpuMs() - floorCpu;
console.log(
  `bandwidth floor: summing ${(floorBytes / 2 ** 30).toFixed(2)} GiB of float32 took ${(floorMs / 1000).toFixed(2)} s wall, ${(floorCpuMs / 1000).toFixed(2)} s CPU (${((passes * buffer.length * 4) / floorMs / 1e6).toFixed(1)} GB/s wall, sink ${sink > 0}); ratio MSD/floor = ${(msdMs / floorMs).toFixed(1)} wall, ${(msdCpuMs / floorCpuMs).toFixed(1)} CPU`,
);

// Cost of the coordinate-jackknife errors: the same window through a grouped (16) and an ungrouped calculator,
// interleaved so machine load hits both alike, plus the 16 leave-one-out refits of the full-range fit.
{
  const sample = streamedRandomWalk(createRng(2), T, d, T).next().value;
  if (sample) {
    const grouped = new MsdCalculator(T, 'tamsd', { jackknifeGroups: 16 });
    const plain = new MsdCalculator(T, 'tamsd', { jackknifeGroups: 0 });
    let groupedMs = 0;
    let plainMs = 0;
    let refitMs = 0;
    const rounds = quick ? 6 : 10;
    for (let r = 0; r < rounds; r++) {
      // Alternate which calculator goes first, so warm-up and cache state favour neither.
      for (const which of r % 2 === 0 ? ['grouped', 'plain'] : ['plain', 'grouped']) {
        const t = performance.now();
        if (which === 'plain') {
          plain.compute(sample);
          plainMs += performance.now() - t;
          continue;
        }
        const curve = grouped.compute(sample);
        groupedMs += performance.now() - t;
        const r0 = performance.now();
        coordinateJackknife(curve, fitMsdPowerLaw(curve.tau, curve.value, 1, curve.tau.length));
        refitMs += performance.now() - r0;
      }
    }
    console.log(
      `jackknife: MSD with 16 coordinate groups ${(groupedMs / rounds).toFixed(0)} ms vs ${(plainMs / rounds).toFixed(0)} ms ungrouped per window (ratio ${(groupedMs / plainMs).toFixed(2)}); 16 leave-one-out refits ${(refitMs / rounds).toFixed(1)} ms`,
    );
  }
}

/**
 * Storage benchmark: step-series and trajectory throughput on PGlite and PostgreSQL, each as a ratio
 * to raw file I/O of the same bytes measured in the same run, plus the latency of reading a 25k-step
 * series summary for plotting. Run: `npm run bench -w @sgdscope/db` (SGDSCOPE_BENCH_SCALE=0.2 for a
 * quick pass). Raw writes fsync like the stores do (per batch / per chunk), so ratios compare equal
 * durability.
 */
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { LocalBlobStore } from '../src/blob/index.js';
import { createDb } from '../src/client.js';
import { createRepository, type Repository } from '../src/repo/index.js';
import { testDatabases } from '../src/testing.js';

const SCALE = Number(process.env.SGDSCOPE_BENCH_SCALE ?? 1);
const STEPS = 25_000;
const SERIES = 10;
const BATCH = 500;
const TRAJ_D = 10_000;
const TRAJ_ROWS = 250; // 10 MB per float32 chunk
const TRAJ_CHUNKS = Math.max(2, Math.round(8 * SCALE));
const SUMMARY_READS = 30;
/** Reads are repeated and the fastest kept, for store and raw alike: both then read from the page cache. */
const READ_REPEATS = 3;

async function bestOf(repeats: number, fn: () => Promise<unknown>): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

interface Row {
  target: string;
  metric: string;
  value: string;
  raw: string;
  ratio: string;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function rawAppend(file: string, parts: Uint8Array[]): Promise<number> {
  const t0 = performance.now();
  const handle = await open(file, 'w');
  for (const part of parts) {
    await handle.write(part);
    await handle.sync();
  }
  await handle.close();
  return performance.now() - t0;
}

async function rawWriteFiles(dir: string, parts: Uint8Array[]): Promise<number> {
  const t0 = performance.now();
  for (const [i, part] of parts.entries()) {
    const handle = await open(path.join(dir, `raw-${i}.bin`), 'w');
    await handle.write(part);
    await handle.sync();
    await handle.close();
  }
  return performance.now() - t0;
}

async function rawReadFiles(dir: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await readFile(path.join(dir, `raw-${i}.bin`));
}

async function benchTarget(name: string, repo: Repository, scratch: string): Promise<Row[]> {
  const out: Row[] = [];
  const project = await repo.createProject({ slug: `bench-${Date.now()}`, name: 'bench' });
  const run = await repo.createRun({ projectId: project.id, name: 'bench', kind: 'network', config: {} });
  const steps = Math.round(STEPS * Math.max(SCALE, 0.2));
  const series: Record<string, Float64Array> = {};
  for (let k = 0; k < SERIES; k++)
    series[`s${k}`] = Float64Array.from(
      { length: steps },
      (_, i) => Math.sin(i * (k + 1) * 1e-3) + 1 / (1 + i),
    );

  // Step series write, batches of BATCH steps x SERIES series (one transaction each).
  const rawParts: Uint8Array[] = [];
  let t0 = performance.now();
  for (let from = 0; from < steps; from += BATCH) {
    const batch: Record<string, Float64Array> = {};
    for (const [key, values] of Object.entries(series)) batch[key] = values.subarray(from, from + BATCH);
    await repo.appendSteps(run.id, { fromStep: from, series: batch });
  }
  const writeMs = performance.now() - t0;
  for (let from = 0; from < steps; from += BATCH) {
    for (const values of Object.values(series))
      rawParts.push(new Uint8Array(values.slice(from, from + BATCH).buffer));
  }
  // Raw: the same bytes, one fsync per batch (as one commit per batch).
  const perBatch: Uint8Array[] = [];
  for (let b = 0; b < rawParts.length; b += SERIES) {
    const parts = rawParts.slice(b, b + SERIES);
    const joined = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
    let at = 0;
    for (const p of parts) {
      joined.set(p, at);
      at += p.byteLength;
    }
    perBatch.push(joined);
  }
  const rawSeriesFile = path.join(scratch, 'series.bin');
  const rawWriteMs = await rawAppend(rawSeriesFile, perBatch);
  const values = steps * SERIES;
  const vps = (ms: number) => values / (ms / 1000);
  out.push({
    target: name,
    metric: `series write (${steps} steps x ${SERIES}, batch ${BATCH})`,
    value: `${(vps(writeMs) / 1e6).toFixed(3)} M values/s`,
    raw: `${(vps(rawWriteMs) / 1e6).toFixed(3)} M values/s`,
    ratio: (rawWriteMs / writeMs).toFixed(3),
  });

  const readMs = await bestOf(READ_REPEATS, async () => {
    for (const key of Object.keys(series)) await repo.readSeries(run.id, key);
  });
  const rawReadMs = await bestOf(READ_REPEATS, () => readFile(rawSeriesFile));
  out.push({
    target: name,
    metric: 'series read (whole series, all)',
    value: `${(vps(readMs) / 1e6).toFixed(2)} M values/s`,
    raw: `${(vps(rawReadMs) / 1e6).toFixed(2)} M values/s`,
    ratio: (rawReadMs / readMs).toFixed(3),
  });

  const summaryMs: number[] = [];
  for (let i = 0; i < SUMMARY_READS; i++) {
    t0 = performance.now();
    await repo.readSeriesSummary(run.id, 's0', { scheme: i % 2 ? 'log' : 'linear', buckets: 800 });
    summaryMs.push(performance.now() - t0);
  }
  out.push({
    target: name,
    metric: `series summary read (${steps} steps, 800 px), median of ${SUMMARY_READS}`,
    value: `${median(summaryMs).toFixed(2)} ms (max ${Math.max(...summaryMs).toFixed(2)})`,
    raw: 'target < 20 ms',
    ratio: median(summaryMs) < 20 ? 'ok' : 'MISSED',
  });

  // Trajectory chunks: TRAJ_CHUNKS x (TRAJ_ROWS x TRAJ_D float32).
  const chunks = Array.from({ length: TRAJ_CHUNKS }, (_, c) =>
    Float32Array.from({ length: TRAJ_ROWS * TRAJ_D }, (_, i) => Math.sin(c * 7 + i * 1e-4)),
  );
  const bytes = chunks.reduce((n, c) => n + c.byteLength, 0);
  const mbps = (ms: number) => bytes / 2 ** 20 / (ms / 1000);
  t0 = performance.now();
  for (const [seq, data] of chunks.entries()) {
    await repo.writeTrajectoryChunk(run.id, {
      seq,
      fromStep: seq * TRAJ_ROWS,
      rows: TRAJ_ROWS,
      d: TRAJ_D,
      dtype: 'float32',
      data,
    });
  }
  const trajWriteMs = performance.now() - t0;
  const rawDir = await mkdtemp(path.join(scratch, 'raw-'));
  const rawTrajWriteMs = await rawWriteFiles(
    rawDir,
    chunks.map((c) => new Uint8Array(c.buffer)),
  );
  out.push({
    target: name,
    metric: `trajectory write (${TRAJ_CHUNKS} x ${(chunks[0].byteLength / 2 ** 20).toFixed(1)} MiB)`,
    value: `${mbps(trajWriteMs).toFixed(1)} MiB/s`,
    raw: `${mbps(rawTrajWriteMs).toFixed(1)} MiB/s`,
    ratio: (rawTrajWriteMs / trajWriteMs).toFixed(3),
  });
  const trajReadMs = await bestOf(READ_REPEATS, async () => {
    let rowsRead = 0;
    for await (const chunk of repo.streamTrajectory(run.id)) rowsRead += chunk.rows;
    if (rowsRead !== TRAJ_CHUNKS * TRAJ_ROWS) throw new Error(`read ${rowsRead} rows`);
  });
  const rawTrajReadMs = await bestOf(READ_REPEATS, () => rawReadFiles(rawDir, TRAJ_CHUNKS));
  out.push({
    target: name,
    metric: 'trajectory read (stream, SHA-256 verified)',
    value: `${mbps(trajReadMs).toFixed(1)} MiB/s`,
    raw: `${mbps(rawTrajReadMs).toFixed(1)} MiB/s`,
    ratio: (rawTrajReadMs / trajReadMs).toFixed(3),
  });
  return out;
}

const targets = await testDatabases();
const rows: Row[] = [];
try {
  for (const target of targets) {
    if (!target.url) {
      console.warn(`skipped ${target.name}: ${target.skip}`);
      continue;
    }
    const db = await createDb({ url: target.url, migrate: false });
    db.pool.on('error', () => undefined);
    const scratch = await mkdtemp(path.join(tmpdir(), 'sgdscope-bench-'));
    try {
      const repo = createRepository({
        prisma: db.prisma,
        blobs: new LocalBlobStore(path.join(scratch, 'blobs')),
      });
      rows.push(...(await benchTarget(target.kind, repo, scratch)));
    } finally {
      await db.close();
      await rm(scratch, { recursive: true, force: true });
    }
  }
} finally {
  await Promise.all(targets.map((t) => t.dispose()));
}

const headers: (keyof Row)[] = ['target', 'metric', 'value', 'raw', 'ratio'];
const widths = headers.map((h) => Math.max(h.length, ...rows.map((r) => r[h].length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join(' | ');
console.log(
  line(headers.map((h) => (h === 'raw' ? 'raw file I/O (same bytes)' : h === 'ratio' ? 'store/raw' : h))),
);
console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
for (const r of rows) console.log(line(headers.map((h) => r[h])));
console.log(
  `\nload average at the end: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} on ${cpus().length} cores (timings are shared-machine timings)`,
);
console.log(
  '\nstore/raw = store throughput / raw throughput (1.0 = as fast as plain files). Targets: summary < 20 ms; trajectory chunk store >= 0.5x raw.',
);

/**
 * API benchmark (`npm run bench -w @sgdscope/api`): autocannon on loopback against a real server over
 * a fresh PostgreSQL-server database (SGDSCOPE_BENCH_DB=pglite for the embedded one), seeded in bulk:
 * 10,000 runs (one sweep insert) with an alpha scalar each, plus 4 runs carrying full curve sets.
 * The server runs in a child process (bench/server-main.ts, its own event loop), so autocannon's CPU
 * is not counted as server latency. Each scenario is loaded at concurrency 1 and at 8 connections and
 * reports p50/p95 latency and throughput next to a trivial `{ __typename }` query measured in the same
 * run, and the ratio to it. Targets (issue): runs page p95 < 50 ms, compareRuns(4, all curves)
 * p95 < 150 ms, aggregate(10k, 2 keys) p95 < 100 ms.
 *
 * Environment: SGDSCOPE_BENCH_DB=pglite (embedded database, served from this process),
 * SGDSCOPE_BENCH_SECONDS (per scenario and concurrency, default 5), SGDSCOPE_BENCH_CONCURRENCY
 * (comma list, default "1,8"), SGDSCOPE_BENCH_SCENARIOS (comma list of baseline,runs,compare,compare200,aggregate;
 * default all), SGDSCOPE_BENCH_CPU_PROF=<dir> (the server child runs with `node --cpu-prof` into <dir>);
 * the server child inherits the environment (e.g. SGDSCOPE_API_CURVE_CACHE_MB=0 for the cold path).
 */
import 'reflect-metadata';
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalBlobStore } from '@sgdscope/db/blob/local';
import { createDb } from '@sgdscope/db/client';
import { saveAnalysisResult } from '@sgdscope/db/repo/analysis';
import { createApiKey } from '@sgdscope/db/repo/api-keys';
import type { RepoDeps } from '@sgdscope/db/repo/context';
import { addMember, createProject, createUser } from '@sgdscope/db/repo/projects';
import { createSweep } from '@sgdscope/db/repo/sweeps';
import { testDatabases } from '@sgdscope/db/testing';
import autocannon from 'autocannon';

const DURATION_S = Number(process.env.SGDSCOPE_BENCH_SECONDS ?? 5);
const CONCURRENCY = (process.env.SGDSCOPE_BENCH_CONCURRENCY ?? '1,8').split(',').map(Number);
const ONLY = process.env.SGDSCOPE_BENCH_SCENARIOS?.split(',');
/**
 * Servers to load, as `label=path/to/server-main.ts` entries (default: this tree's). Several are measured
 * interleaved (scenario by scenario) in one run, so a before/after comparison sees the same machine load.
 */
const SERVERS = (
  process.env.SGDSCOPE_BENCH_SERVERS ??
  `current=${fileURLToPath(new URL('./server-main.ts', import.meta.url))}`
)
  .split(',')
  .map((entry) => {
    const [label, file] = entry.split('=');
    return { label, file: path.resolve(file) };
  });

interface Measured {
  readonly name: string;
  /** Requests answered (all of them, for the CPU-per-request figure). */
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly rps: number;
  readonly errors: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/** Load one GraphQL operation for DURATION_S seconds; latencies from every response, exact percentiles. */
async function load(
  url: string,
  key: string,
  name: string,
  query: string,
  variables: object,
  connections: number,
): Promise<Measured> {
  const times: number[] = [];
  let non2xx = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${url}/graphql`,
        method: 'POST',
        connections,
        duration: DURATION_S,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query, variables }),
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
      times.push(ms);
      if (status !== 200) non2xx++;
    });
  });
  times.sort((a, b) => a - b);
  return {
    name,
    p50: percentile(times, 0.5),
    p95: percentile(times, 0.95),
    count: times.length,
    rps: result.requests.average,
    errors: non2xx + result.errors,
  };
}

/** One request, checked for GraphQL errors, so the bench never times error responses. */
async function check(url: string, key: string, query: string, variables: object): Promise<void> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { errors?: unknown };
  if (body.errors) throw new Error(`bench query failed: ${JSON.stringify(body.errors)}`);
}

async function main(): Promise<void> {
  const kind = process.env.SGDSCOPE_BENCH_DB === 'pglite' ? 'pglite' : 'postgres';
  const [target] = await testDatabases({ kinds: [kind] });
  if (!target.url) throw new Error(`no ${kind} database: ${target.skip}`);
  const db = await createDb({ url: target.url, maxConnections: 10 });
  // Dropping the bench database terminates idle connections; that is expected, not a crash.
  db.pool.on('error', () => undefined);
  const blobDir = await mkdtemp(path.join(tmpdir(), 'sgdscope-api-bench-'));
  const repo: RepoDeps = { prisma: db.prisma, blobs: new LocalBlobStore(blobDir) };
  try {
    const t0 = performance.now();
    const user = await createUser(repo, { email: 'bench@a.test', name: 'Bench' });
    const project = await createProject(repo, { slug: 'bench', name: 'Bench' });
    await addMember(repo, { projectId: project.id, userId: user.id, role: 'viewer' });
    const key = (await createApiKey(repo, { userId: user.id, name: 'bench' })).secret;
    // 10 x 10 grid x 100 replicates = 10,000 runs in one bulk insert.
    const { sweep } = await createSweep(repo, {
      projectId: project.id,
      name: 'bench',
      kind: 'network',
      baseConfig: { model: 'mlp', optimizer: { name: 'sgd', momentum: 0 } },
      grid: {
        batchSize: [8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096],
        learningRate: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1],
      },
      replicates: 100,
    });
    // Bulk scalars: one result and one alpha per run, written set-wise (10,000 repository calls
    // would dominate the bench's run time). Same tables and columns saveAnalysisResult writes.
    await db.pool.query(
      `INSERT INTO "AnalysisResult" ("runId", "estimator", "estimatorVersion", "paramsHash", "params", "status", "createdAt")
       SELECT r."id", 'diffusion', 'bench', 'h', '{}'::jsonb, 'DONE', now() FROM "Run" r WHERE r."sweepId" = $1`,
      [sweep.id],
    );
    await db.pool.query(
      `INSERT INTO "AnalysisScalar" ("resultId", "runId", "name", "window", "value", "stdErr")
       SELECT a."id", a."runId", 'alpha', 0, 0.8 + random() * 0.6, 0.02 FROM "AnalysisResult" a
       JOIN "Run" r ON r."id" = a."runId" WHERE r."sweepId" = $1`,
      [sweep.id],
    );
    // VACUUM as well: a bulk insert leaves the visibility map unset until autovacuum comes by (within about a
    // minute on a live server), and index-only scans fall back to heap fetches until then.
    await db.pool.query('VACUUM ANALYZE');
    // Four runs with a full curve set: 24 windows x (MSD + beta) of 999 lags each.
    const { rows: four } = await db.pool.query<{ id: string }>(
      'SELECT "id" FROM "Run" WHERE "sweepId" = $1 ORDER BY "id" LIMIT 4',
      [sweep.id],
    );
    const tau = Array.from({ length: 999 }, (_, i) => i + 1);
    for (const { id } of four) {
      await saveAnalysisResult(repo, id, {
        estimator: 'diffusion',
        estimatorVersion: 'bench-curves',
        params: { windowSize: 1000 },
        scalars: Array.from({ length: 24 }, (_, w) => ({
          name: 'alpha',
          window: w,
          value: 1 + w / 100,
          stdErr: 0.01,
        })),
        curves: Array.from({ length: 24 }, (_, w) => [
          { name: 'msd', window: w, tw: w * 1000, x: tau, y: tau.map((t) => t ** 1.2) },
          { name: 'beta', window: w, tw: w * 1000, x: tau, y: tau.map(() => 1.2) },
        ]).flat(),
      });
    }
    const seedS = (performance.now() - t0) / 1000;

    // The parent's pool is done once seeded; the server child opens its own.
    await db.close();
    const servers: { label: string; url: string; cpuMs(): Promise<number>; close(): Promise<void> }[] = [];
    try {
      for (const s of SERVERS) {
        servers.push({ label: s.label, ...(await startServerChild(s.file, target.url, blobDir)) });
      }
      const scenarios: [string, string, string, object, number][] = [
        ['baseline', '{ __typename } (baseline)', '{ __typename }', {}, Number.NaN],
        [
          'runs',
          'runs: 50 of 10k, filter batchSize>=64, sort alpha[0] desc',
          `query($p: ID!) { runs(projectId: $p, first: 50, filter: { config: [{ key: "batchSize", op: GTE, value: 64 }] },
            orderBy: [{ field: METRIC, key: "alpha", window: 0, direction: DESC }]) {
            totalCount edges { cursor node { id name batchSize learningRate status metrics { name window value } } } } }`,
          { p: project.id },
          50,
        ],
        [
          'compare',
          'compareRuns: 4 runs, all curves (24 windows x msd+beta x 999 pts)',
          `query($ids: [ID!]!) { compareRuns(ids: $ids) { runs { id } metrics { name window values { value } }
            curves { name window curves { x y } } configDiff { key values } } }`,
          { ids: four.map((r) => r.id) },
          150,
        ],
        [
          'compare200',
          'compareRuns, maxPoints: 200 (opt-in thinning; not the issue scenario)',
          `query($ids: [ID!]!) { compareRuns(ids: $ids, maxPoints: 200) { runs { id } metrics { name window values { value } }
            curves { name window curves { x y } } configDiff { key values } } }`,
          { ids: four.map((r) => r.id) },
          150,
        ],
        [
          'aggregate',
          'aggregate: 10k runs, groupBy batchSize x learningRate',
          `query($p: ID!) { aggregate(projectId: $p, groupBy: ["batchSize", "learningRate"], metric: { name: "alpha", window: 0 }) {
            keys n mean stdErr ciLower ciUpper } }`,
          { p: project.id },
          100,
        ],
      ];
      const results: (Measured & { target: number; connections: number; server: string; cpuMs: number })[] =
        [];
      const load0 = loadavg();
      for (const [id, name, query, variables, target] of scenarios) {
        if (ONLY && !ONLY.includes(id)) continue;
        for (const server of servers) {
          // Warm-up (and a check that the query answers without errors, so errors are never timed).
          for (let i = 0; i < 3; i++) await check(server.url, key, query, variables);
        }
        for (const c of CONCURRENCY) {
          for (const server of servers) {
            const cpu0 = await server.cpuMs();
            const measured = await load(server.url, key, name, query, variables, c);
            const cpuMs = (await server.cpuMs()) - cpu0;
            results.push({ ...measured, target, connections: c, server: server.label, cpuMs });
          }
        }
      }
      const load1 = loadavg();
      console.log(
        `sgdscope API bench on ${target.name}; seeded 10,000 runs in ${seedS.toFixed(1)} s; server in a child process; ${DURATION_S} s per scenario and concurrency`,
      );
      console.log(
        `load average before ${load0.map((l) => l.toFixed(2)).join(' ')}, after ${load1.map((l) => l.toFixed(2)).join(' ')}`,
      );
      console.log(
        'server | scenario | conns | p50 ms | p95 ms | req/s | p95 / baseline p95 | target p95 | server CPU ms/req | errors',
      );
      for (const r of results) {
        const base = results.find(
          (b) => b.connections === r.connections && b.server === r.server && Number.isNaN(b.target),
        );
        const verdict = Number.isNaN(r.target)
          ? '-'
          : `${r.target} ms ${r.p95 < r.target ? 'met' : 'MISSED'}`;
        const ratio = base ? `${(r.p95 / base.p95).toFixed(1)}x` : '-';
        console.log(
          `${r.server} | ${r.name} | ${r.connections} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.rps.toFixed(0)} | ${ratio} | ${verdict} | ${(r.cpuMs / Math.max(1, r.count)).toFixed(1)} | ${r.errors}`,
        );
      }
    } finally {
      // autocannon stops mid-request; let those requests finish before the server closes.
      await new Promise((r) => setTimeout(r, 1000));
      await Promise.all(servers.map((s) => s.close()));
    }
  } finally {
    await db.close();
    await target.dispose();
    await rm(blobDir, { recursive: true, force: true });
  }
}

/** Fork a server-main.ts under tsx (optionally with --cpu-prof) and wait until it listens. */
async function startServerChild(
  file: string,
  databaseUrl: string,
  blobDir: string,
): Promise<{ url: string; cpuMs(): Promise<number>; close(): Promise<void> }> {
  const profDir = process.env.SGDSCOPE_BENCH_CPU_PROF;
  const child: ChildProcess = fork(file, {
    cwd: path.dirname(file),
    execArgv: [
      '--import',
      'tsx',
      ...(profDir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(profDir)}`] : []),
    ],
    env: { ...process.env, DATABASE_URL: databaseUrl, SGDSCOPE_BENCH_BLOB_DIR: blobDir, PORT: '0' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code} before listening`)));
    child.on('message', (m) => {
      const msg = m as { type?: string; url?: string };
      if (msg.type === 'listening' && msg.url) resolve(msg.url);
    });
  });
  return {
    url,
    /** The server process's user + system CPU time so far, in ms. */
    cpuMs: () =>
      new Promise<number>((resolve) => {
        const onMessage = (m: unknown) => {
          const msg = m as { type?: string; usage?: NodeJS.CpuUsage };
          if (msg.type !== 'cpu' || !msg.usage) return;
          child.off('message', onMessage);
          resolve((msg.usage.user + msg.usage.system) / 1000);
        };
        child.on('message', onMessage);
        child.send({ type: 'cpu' });
      }),
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        child.send({ type: 'stop' });
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

await main();

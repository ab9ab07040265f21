/**
 * Database-foundation benchmark: embedded start-up, `migrate deploy`, and simple-insert throughput on
 * PGlite (via pglite-socket) against the PostgreSQL server measured in the same run (the baseline for
 * every ratio). Run: `npx tsx bench/foundation.ts` in packages/db (SGDSCOPE_BENCH_SCALE=0.2 for a quick pass).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { createDb } from '../src/client.js';
import { startEmbeddedPostgres } from '../src/embedded/server.js';
import { freshClusterTarball } from '../src/embedded/template.js';
import { migrateDeploy } from '../src/migrate/commands.js';
import { parseDatabaseUrl } from '../src/migrate/connection.js';
import { loadSchemaEngine } from '../src/migrate/engine.js';
import { type TestDatabase, testDatabases } from '../src/testing.js';

const SCALE = Number(process.env.SGDSCOPE_BENCH_SCALE ?? 1);
const INSERTS = Math.max(200, Math.round(3000 * SCALE));

const ms = (t0: number) => performance.now() - t0;
const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));

async function timeStartup(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'sgdscope-bench-'));
  try {
    let t0 = performance.now();
    const cold = await PGlite.create();
    await cold.close();
    const initdbMs = ms(t0);
    await freshClusterTarball();
    const dir = join(root, 'pgdata');
    const fresh = await startEmbeddedPostgres({ dataDir: dir });
    await fresh.stop();
    const reopened = await startEmbeddedPostgres({ dataDir: dir });
    await reopened.stop();
    const memory = await startEmbeddedPostgres({ dataDir: 'memory://' });
    await memory.stop();
    t0 = performance.now();
    const db = await createDb({ config: { kind: 'embedded', dataDir: root, pgDataDir: dir, port: 0 } });
    await db.prisma.project.count();
    const createDbMs = ms(t0);
    await db.close();
    console.log('\n## Embedded start-up (ms; ratio vs reopening an existing data directory)');
    const base = reopened.startupMs;
    for (const [label, value] of [
      ['PGlite initdb in memory (no cached cluster)', initdbMs],
      ['new data directory (cached empty cluster unpacked)', fresh.startupMs],
      ['new in-memory instance (shadow DB)', memory.startupMs],
      ['reopen existing data directory (baseline)', base],
      ['createDb() on existing dir: start + migrate deploy (no-op) + first query', createDbMs],
    ] as const) {
      console.log(`${label.padEnd(76)} ${fmt(value).padStart(8)}  x${(value / base).toFixed(2)}`);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function sequentialInserts(url: string, n: number): Promise<number> {
  const pool = new pg.Pool({ ...parseDatabaseUrl(url), max: 1 });
  await pool.query(
    'CREATE TABLE IF NOT EXISTS bench_seq (id serial PRIMARY KEY, step int, value double precision)',
  );
  const t0 = performance.now();
  for (let i = 0; i < n; i++)
    await pool.query('INSERT INTO bench_seq (step, value) VALUES ($1, $2)', [i, i * 0.5]);
  const rate = n / (ms(t0) / 1000);
  await pool.end();
  return rate;
}

async function concurrentInserts(url: string, n: number, connections: number): Promise<number> {
  const pool = new pg.Pool({ ...parseDatabaseUrl(url), max: connections });
  await pool.query(
    'CREATE TABLE IF NOT EXISTS bench_par (id serial PRIMARY KEY, step int, value double precision)',
  );
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < n) {
        const i = next++;
        await pool.query('INSERT INTO bench_par (step, value) VALUES ($1, $2)', [i, i * 0.5]);
      }
    }),
  );
  const rate = n / (ms(t0) / 1000);
  await pool.end();
  return rate;
}

async function batchedInserts(url: string, n: number, batch: number): Promise<number> {
  const pool = new pg.Pool({ ...parseDatabaseUrl(url), max: 1 });
  await pool.query(
    'CREATE TABLE IF NOT EXISTS bench_batch (id serial PRIMARY KEY, step int, value double precision)',
  );
  const t0 = performance.now();
  for (let start = 0; start < n; start += batch) {
    const steps = Array.from({ length: Math.min(batch, n - start) }, (_, k) => start + k);
    await pool.query('INSERT INTO bench_batch (step, value) SELECT s, s * 0.5 FROM unnest($1::int[]) AS s', [
      steps,
    ]);
  }
  const rate = n / (ms(t0) / 1000);
  await pool.end();
  return rate;
}

async function prismaCreates(url: string, n: number): Promise<number> {
  const db = await createDb({ url });
  const project = await db.prisma.project.create({ data: { slug: `bench-${Date.now()}`, name: 'bench' } });
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    await db.prisma.run.create({
      data: { projectId: project.id, name: `r${i}`, kind: 'NETWORK', config: { i } },
    });
  }
  const rate = n / (ms(t0) / 1000);
  await db.close();
  return rate;
}

async function main(): Promise<void> {
  let t0 = performance.now();
  await loadSchemaEngine();
  const engineLoadMs = ms(t0);
  console.log(`schema engine wasm load (compile + start, once per process): ${fmt(engineLoadMs)} ms`);

  await timeStartup();

  const targets: TestDatabase[] = await testDatabases({ migrate: false });
  try {
    const server = targets.find((t) => t.kind === 'postgres');
    if (!server?.url) throw new Error(`PostgreSQL baseline unavailable: ${server?.skip}`);
    const pglite = targets.find((t) => t.kind === 'pglite')!;
    const results = new Map<string, { pglite: number; server: number }>();
    const measure = async (metric: string, run: (url: string) => Promise<number>) => {
      const s = await run(server.url!);
      const p = await run(pglite.url!);
      results.set(metric, { pglite: p, server: s });
    };
    await measure('migrate deploy, fresh database (ms)', async (url) => {
      t0 = performance.now();
      await migrateDeploy(url);
      return ms(t0);
    });
    await measure('migrate deploy, up to date (ms)', async (url) => {
      t0 = performance.now();
      await migrateDeploy(url);
      return ms(t0);
    });
    await measure(`single-row INSERT, 1 connection, autocommit (rows/s, n=${INSERTS})`, (url) =>
      sequentialInserts(url, INSERTS),
    );
    await measure(`single-row INSERT, 5 connections, autocommit (rows/s, n=${INSERTS})`, (url) =>
      concurrentInserts(url, INSERTS, 5),
    );
    await measure(`INSERT ... unnest, 500 rows/statement (rows/s, n=${INSERTS * 20})`, (url) =>
      batchedInserts(url, INSERTS * 20, 500),
    );
    const prismaN = Math.max(100, Math.round(INSERTS / 3));
    await measure(`Prisma run.create, 1 at a time (rows/s, n=${prismaN})`, (url) =>
      prismaCreates(url, prismaN),
    );

    console.log('\n## PGlite (pglite-socket) vs PostgreSQL 15 server (baseline), same run');
    console.log(`${'metric'.padEnd(66)} ${'pglite'.padStart(9)} ${'server'.padStart(9)}  pglite/server`);
    for (const [metric, { pglite: p, server: s }] of results) {
      console.log(`${metric.padEnd(66)} ${fmt(p).padStart(9)} ${fmt(s).padStart(9)}  x${(p / s).toFixed(2)}`);
    }
  } finally {
    await Promise.all(targets.map((t) => t.dispose()));
  }
}

await main();
// The schema engine leaves pg pools it opened itself; exit explicitly (stack-notes trap 6).
process.exit(0);

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { DataDirLockedError, lockPathFor } from '../src/embedded/lock.js';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../src/embedded/server.js';
import { parseDatabaseUrl } from '../src/migrate/connection.js';
import { testDatabases } from '../src/testing.js';

const root = mkdtempSync(join(tmpdir(), 'sgdscope-embedded-test-'));
after(() => rmSync(root, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('embedded PGlite server', () => {
  test('serves over the wire protocol and keeps data across a restart of the server', async () => {
    const dataDir = join(root, 'persist');
    const first = await startEmbeddedPostgres({ dataDir });
    assert.match(first.url, /^postgresql:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
    const pool1 = new pg.Pool(parseDatabaseUrl(first.url));
    await pool1.query('CREATE TABLE kept (id int PRIMARY KEY, label text)');
    await pool1.query("INSERT INTO kept VALUES (1, 'alpha'), (2, 'beta')");
    await pool1.end();
    await first.stop();
    assert.equal(existsSync(lockPathFor(dataDir)), false, 'stop() releases the data-directory lock');

    const second = await startEmbeddedPostgres({ dataDir });
    try {
      const pool2 = new pg.Pool(parseDatabaseUrl(second.url));
      const { rows } = await pool2.query<{ label: string }>('SELECT label FROM kept ORDER BY id');
      await pool2.end();
      assert.deepEqual(
        rows.map((r) => r.label),
        ['alpha', 'beta'],
      );
    } finally {
      await second.stop();
    }
  });

  test('a second open of the same data directory in this process fails with a clear error', async () => {
    const dataDir = join(root, 'locked-here');
    const server = await startEmbeddedPostgres({ dataDir });
    try {
      await assert.rejects(startEmbeddedPostgres({ dataDir }), (error: unknown) => {
        assert.ok(error instanceof DataDirLockedError);
        assert.equal(error.holder.pid, process.pid);
        assert.equal(error.holder.url, server.url);
        assert.match(error.message, /already in use by process \d+/);
        assert.match(error.message, /DATABASE_URL=postgresql:/);
        return true;
      });
    } finally {
      await server.stop();
    }
  });

  test('a second process opening the same data directory exits with a clear error', async () => {
    const dataDir = join(root, 'locked-other');
    const server = await startEmbeddedPostgres({ dataDir });
    try {
      const serverModule = fileURLToPath(new URL('../src/embedded/server.ts', import.meta.url));
      const script = `import { startEmbeddedPostgres } from ${JSON.stringify(serverModule)};
        try { await startEmbeddedPostgres({ dataDir: ${JSON.stringify(dataDir)} }); process.exit(0); }
        catch (e) { console.error(e.name + ': ' + e.message); process.exit(3); }`;
      // spawnSync blocks this event loop, so the child must not need our server: it fails on the lock first.
      const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      assert.equal(child.status, 3, child.stderr);
      assert.match(
        child.stderr,
        new RegExp(`DataDirLockedError: PGlite data directory .* in use by process ${process.pid}`),
      );
      assert.match(child.stderr, new RegExp(server.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    } finally {
      await server.stop();
    }
  });

  test('a lock left by a dead process is taken over', async () => {
    const dataDir = join(root, 'stale');
    const dead = spawnSync(process.execPath, ['-e', '']);
    assert.ok(dead.pid);
    const stale = { pid: dead.pid, hostname: hostname(), startedAt: new Date(0).toISOString() };
    writeFileSync(lockPathFor(dataDir), JSON.stringify(stale));
    const server = await startEmbeddedPostgres({ dataDir });
    try {
      const holder = JSON.parse(readFileSync(lockPathFor(dataDir), 'utf8')) as { pid: number };
      assert.equal(holder.pid, process.pid);
    } finally {
      await server.stop();
    }
  });
});

describe('crash behaviour', () => {
  test('rows committed before the serving process is SIGKILLed are there after a restart', async () => {
    const dataDir = join(root, 'killed');
    const modules = ['../src/embedded/server.ts', '../src/migrate/connection.ts'].map((m) =>
      JSON.stringify(fileURLToPath(new URL(m, import.meta.url))),
    );
    const script = `import { startEmbeddedPostgres } from ${modules[0]};
      import { parseDatabaseUrl } from ${modules[1]};
      import pg from 'pg';
      const server = await startEmbeddedPostgres({ dataDir: ${JSON.stringify(dataDir)} });
      const client = new pg.Client(parseDatabaseUrl(server.url));
      await client.connect();
      await client.query('CREATE TABLE durable (id int PRIMARY KEY)');
      for (let i = 0; i < 50; i++) await client.query('INSERT INTO durable VALUES ($1)', [i]);
      console.log('committed');
      setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        if (d.toString().includes('committed')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`child exited early (${code}): ${stderr}`)));
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    // The dead process's lock is stale and is taken over; PGlite recovers from its WAL.
    const server = await startEmbeddedPostgres({ dataDir });
    try {
      const pool = new pg.Pool(parseDatabaseUrl(server.url));
      const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM durable');
      await pool.end();
      assert.equal(Number(rows[0]!.n), 50);
    } finally {
      await server.stop();
    }
  });
});

/**
 * How pglite-socket handles several connections (stack-notes risk): one PGlite instance runs one message
 * at a time, and while a transaction is open it only takes messages from the connection that opened it.
 * Other connections' statements — including their BEGIN — wait in the queue until COMMIT/ROLLBACK.
 */
describe('a pg Pool of 5 connections against pglite-socket', () => {
  let server: EmbeddedPostgres;
  let pool: pg.Pool;
  const ready = (async () => {
    server = await startEmbeddedPostgres({ dataDir: join(root, 'concurrency') });
    pool = new pg.Pool({ ...parseDatabaseUrl(server.url), max: 5 });
    await pool.query(
      'CREATE TABLE counter (id int PRIMARY KEY, n int NOT NULL); INSERT INTO counter VALUES (1, 0)',
    );
  })();
  after(async () => {
    await ready;
    await pool.end();
    await server.stop();
  });

  test('concurrent read-modify-write transactions are serialised: no overlap, no lost update', async () => {
    await ready;
    await pool.query('UPDATE counter SET n = 0');
    const spans = await Promise.all(
      Array.from({ length: 5 }, async () => {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          const began = performance.now();
          const { rows } = await client.query<{ n: number }>('SELECT n FROM counter WHERE id = 1');
          await sleep(40); // a window in which a real server would interleave the other transactions
          await client.query('UPDATE counter SET n = $1 WHERE id = 1', [rows[0]!.n + 1]);
          await client.query('COMMIT');
          return { began, ended: performance.now() };
        } finally {
          client.release();
        }
      }),
    );
    const { rows } = await pool.query<{ n: number }>('SELECT n FROM counter WHERE id = 1');
    // READ COMMITTED on a server would lose updates here (every transaction reads 0); serialised, none is lost.
    assert.equal(rows[0]!.n, 5);
    spans.sort((a, b) => a.began - b.began);
    for (let i = 1; i < spans.length; i++) {
      assert.ok(spans[i]!.began >= spans[i - 1]!.ended, `transaction ${i} began before ${i - 1} committed`);
    }
  });

  test('a statement on another connection waits for an open transaction (so awaiting it inside one deadlocks)', async () => {
    await ready;
    const a = await pool.connect();
    const b = await pool.connect();
    try {
      await a.query('BEGIN');
      await a.query('UPDATE counter SET n = 100 WHERE id = 1');
      let bDone = false;
      const bRead = b.query<{ n: number }>('SELECT n FROM counter WHERE id = 1').then((r) => {
        bDone = true;
        return r.rows[0]!.n;
      });
      await sleep(300);
      assert.equal(bDone, false, 'connection B ran while A held a transaction');
      await a.query('COMMIT');
      // B was queued, not interleaved: it sees A's committed value, never the old one.
      assert.equal(await bRead, 100);
    } finally {
      a.release();
      b.release();
    }
  });

  test('a client that disconnects inside a transaction is rolled back and frees the others', async () => {
    await ready;
    const quitter = new pg.Client(parseDatabaseUrl(server.url));
    await quitter.connect();
    await quitter.query('BEGIN');
    await quitter.query('UPDATE counter SET n = -1 WHERE id = 1');
    await quitter.end();
    const { rows } = await pool.query<{ n: number }>('SELECT n FROM counter WHERE id = 1');
    assert.notEqual(rows[0]!.n, -1);
  });
});

describe('the same 5-connection workload on a PostgreSQL server, for contrast', async () => {
  const [target] = await testDatabases({ kinds: ['postgres'], migrate: false });
  after(() => target!.dispose());

  test('transactions really overlap there, so the naive read-modify-write loses updates', {
    skip: target!.skip,
  }, async () => {
    const pool = new pg.Pool({ ...parseDatabaseUrl(target!.url!), max: 5 });
    pool.on('error', () => undefined); // the database is dropped WITH (FORCE) after the test
    try {
      await pool.query(
        'CREATE TABLE counter (id int PRIMARY KEY, n int NOT NULL); INSERT INTO counter VALUES (1, 0)',
      );
      let arrived = 0;
      let release!: () => void;
      const barrier = new Promise<void>((resolve) => {
        release = resolve;
      });
      await Promise.all(
        Array.from({ length: 5 }, async () => {
          const client = await pool.connect();
          try {
            await client.query('BEGIN');
            const { rows } = await client.query<{ n: number }>('SELECT n FROM counter WHERE id = 1');
            // All five hold an open transaction at once — on pglite-socket this barrier would never open.
            if (++arrived === 5) release();
            await barrier;
            await client.query('UPDATE counter SET n = $1 WHERE id = 1', [rows[0]!.n + 1]);
            await client.query('COMMIT');
          } finally {
            client.release();
          }
        }),
      );
      const { rows } = await pool.query<{ n: number }>('SELECT n FROM counter WHERE id = 1');
      assert.equal(rows[0]!.n, 1);
    } finally {
      await pool.end();
    }
  });
});

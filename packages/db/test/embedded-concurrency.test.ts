/**
 * Many pooled connections to the embedded server at once, each running extended-protocol (parameterised) queries.
 * PGlite is one backend session behind the socket: if one connection's Parse/Bind/Execute/Sync were interleaved
 * with another's, the unnamed prepared statement would be swapped and a query would get another's parameters or
 * results. Every answer here must be the one its own query asked for.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/embedded/index.js';

test('concurrent parameterised queries on 10 pooled connections never see each other', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'sgdscope-embedded-concurrency-'));
  const server = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pgdata') });
  const pool = new pg.Pool({ connectionString: server.url, max: 20 });
  try {
    const jobs = Array.from({ length: 1500 }, async (_, i) => {
      // Alternate statements with different parameter counts and result shapes.
      if (i % 3 === 2) {
        // Large parameters split one query's messages over several socket reads.
        const blob = Buffer.alloc(200_000 + i, i % 251);
        const r = await pool.query('SELECT length($1::bytea) AS n, $2::int AS i', [blob, i]);
        assert.deepEqual(r.rows, [{ n: blob.length, i }]);
      } else if (i % 2 === 0) {
        const r = await pool.query('SELECT $1::int + $2::int AS sum, $3::text AS tag', [i, 1, `t${i}`]);
        assert.deepEqual(r.rows, [{ sum: i + 1, tag: `t${i}` }]);
      } else {
        const r = await pool.query('SELECT $1::int * 2 AS twice', [i]);
        assert.deepEqual(r.rows, [{ twice: 2 * i }]);
      }
    });
    await Promise.all(jobs);
  } finally {
    await pool.end();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

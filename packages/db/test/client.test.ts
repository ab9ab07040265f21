import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createDb } from '../src/client.js';
import { resolveDatabaseConfig } from '../src/config.js';
import { DataDirLockedError, lockPathFor } from '../src/embedded/lock.js';
import { type TestDatabase, testDatabases } from '../src/testing.js';

const targets = await testDatabases();
after(() => Promise.all(targets.map((t) => t.dispose())));

for (const target of targets) {
  describe(`client smoke test on ${target.name}`, { skip: target.skip }, () => {
    let db: Awaited<ReturnType<typeof createDb>>;
    before(async () => {
      db = await createDb({ url: (target as TestDatabase).url });
    });
    after(() => db?.close());

    test('creates a project and runs, filters on JSONB config and on tags', async () => {
      const project = await db.prisma.project.create({ data: { slug: 'p1', name: 'Project 1' } });
      const common = { projectId: project.id, kind: 'NETWORK' as const };
      await db.prisma.run.createMany({
        data: [
          {
            ...common,
            name: 'a',
            config: { optimizer: { name: 'sgd', lr: 0.1 }, batch: 32 },
            tags: ['mnist', 'mlp'],
          },
          {
            ...common,
            name: 'b',
            config: { optimizer: { name: 'adam', lr: 0.001 }, batch: 32 },
            tags: ['mnist'],
          },
          {
            ...common,
            name: 'c',
            config: { optimizer: { name: 'sgd', lr: 0.01 }, batch: 128 },
            tags: ['cifar'],
          },
        ],
      });
      const sgd = await db.prisma.run.findMany({
        where: { projectId: project.id, config: { path: ['optimizer', 'name'], equals: 'sgd' } },
        orderBy: { name: 'asc' },
      });
      assert.deepEqual(
        sgd.map((r) => r.name),
        ['a', 'c'],
      );
      const mnist = await db.prisma.run.findMany({
        where: { tags: { has: 'mnist' } },
        orderBy: { name: 'asc' },
      });
      assert.deepEqual(
        mnist.map((r) => r.name),
        ['a', 'b'],
      );
      const both = await db.prisma.run.findMany({ where: { tags: { hasEvery: ['mnist', 'mlp'] } } });
      assert.deepEqual(
        both.map((r) => r.name),
        ['a'],
      );
      // JSONB containment (`@>`) is the operator the jsonb_path_ops GIN index serves.
      const contained = await db.pool.query<{ name: string }>(
        `SELECT name FROM "Run" WHERE config @> '{"batch": 32}'::jsonb ORDER BY name`,
      );
      assert.deepEqual(
        contained.rows.map((r) => r.name),
        ['a', 'b'],
      );
      const fresh = await db.prisma.run.findFirstOrThrow({ where: { name: 'a' } });
      assert.equal(fresh.status, 'QUEUED');
      assert.equal(fresh.lastStep, -1);
    });

    test('five concurrent interactive Prisma transactions all complete', async () => {
      const project = await db.prisma.project.create({
        data: { slug: 'tx', name: 'counter', description: '0' },
      });
      await Promise.all(
        Array.from({ length: 5 }, () =>
          db.prisma.$transaction(async (tx) => {
            const current = await tx.project.findUniqueOrThrow({ where: { id: project.id } });
            await new Promise((r) => setTimeout(r, 20));
            await tx.project.update({
              where: { id: project.id },
              data: { description: String(Number(current.description) + 1) },
            });
          }),
        ),
      );
      const final = Number(
        (await db.prisma.project.findUniqueOrThrow({ where: { id: project.id } })).description,
      );
      if (target.kind === 'pglite') {
        // pglite-socket serialises whole transactions, so this naive read-modify-write loses nothing.
        assert.equal(final, 5);
      } else {
        // A server interleaves them under READ COMMITTED: anywhere from all-but-one lost to none lost.
        assert.ok(final >= 1 && final <= 5, `counter ${final}`);
      }
    });
  });
}

describe('configuration', () => {
  test('DATABASE_URL selects a server', () => {
    assert.deepEqual(resolveDatabaseConfig({ DATABASE_URL: 'postgresql://u@h:1/d' }), {
      kind: 'server',
      url: 'postgresql://u@h:1/d',
    });
  });

  test('without DATABASE_URL: embedded PGlite in <SGDSCOPE_DATA_DIR>/pgdata, default ./.sgdscope/', () => {
    const byDefault = resolveDatabaseConfig({ INIT_CWD: '/work/x' });
    assert.deepEqual(byDefault, {
      kind: 'embedded',
      dataDir: '/work/x/.sgdscope',
      pgDataDir: '/work/x/.sgdscope/pgdata',
      port: 0,
    });
    const custom = resolveDatabaseConfig({
      DATABASE_URL: ' ',
      SGDSCOPE_DATA_DIR: 'data',
      SGDSCOPE_PG_PORT: '6000',
    });
    assert.equal(custom.kind, 'embedded');
    if (custom.kind === 'embedded') {
      assert.equal(custom.pgDataDir, resolve('data', 'pgdata'));
      assert.equal(custom.port, 6000);
    }
    assert.throws(() => resolveDatabaseConfig({ SGDSCOPE_PG_PORT: 'x' }), /SGDSCOPE_PG_PORT/);
  });

  test('createDb without a URL starts the embedded database, migrates it, and stops it on close', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sgdscope-createdb-'));
    try {
      const config = resolveDatabaseConfig({ SGDSCOPE_DATA_DIR: dataDir });
      const db = await createDb({ config });
      try {
        assert.ok(db.embedded);
        assert.equal(await db.prisma.project.count(), 0);
        // The data directory is now locked against a second opener.
        await assert.rejects(createDb({ config }), DataDirLockedError);
      } finally {
        await db.close();
      }
      assert.equal(existsSync(lockPathFor(join(dataDir, 'pgdata'))), false);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createDb } from '../src/client.js';
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
  });
}

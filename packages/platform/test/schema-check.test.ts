/**
 * Team mode refuses an unmigrated server with the command that fixes it (no implicit migration), and
 * accepts it once `migrate deploy` ran. Uses a fresh database on the PostgreSQL server; skips visibly
 * when none answers.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createDb } from '@sgdscope/db/client';
import { migrateDeploy } from '@sgdscope/db/migrate/commands';
import { readMigrationList, resolveMigrationPaths } from '@sgdscope/db/migrate/files';
import { testDatabases } from '@sgdscope/db/testing';
import { assertSchemaCurrent, pendingMigrations, SchemaNotMigratedError } from '../src/schema-check.js';

const [server] = await testDatabases({ kinds: ['postgres'], migrate: false });
after(() => server.dispose());

describe('schema check (team mode)', { skip: server.skip }, () => {
  it('names every local migration as pending on a fresh server, none after migrate deploy', async () => {
    const url = server.url as string;
    const local = readMigrationList(resolveMigrationPaths().migrationsDir).migrationDirectories.map(
      (d) => d.path,
    );
    assert.ok(local.length > 0);
    const db = await createDb({ url, migrate: false, maxConnections: 2 });
    try {
      assert.deepEqual(await pendingMigrations(db.prisma), local);
      await assert.rejects(assertSchemaCurrent(db.prisma), (e: unknown) => {
        assert.ok(e instanceof SchemaNotMigratedError);
        assert.match(e.message, /npm run db -- migrate deploy/);
        assert.match(e.message, /SGDSCOPE_MIGRATE=1/);
        return true;
      });
      await migrateDeploy(url);
      assert.deepEqual(await pendingMigrations(db.prisma), []);
      await assertSchemaCurrent(db.prisma);
    } finally {
      await db.close();
    }
  });
});

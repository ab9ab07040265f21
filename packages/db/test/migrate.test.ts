import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { formatDatabaseUrl, parseDatabaseUrl, quoteIdent, redactUrl } from '../src/migrate/connection.js';
import { migrationTimestamp, writeMigration } from '../src/migrate/files.js';
import {
  DEFAULT_MIGRATIONS_DIR,
  DEFAULT_SCHEMA_PATH,
  diffMigrationsToSchema,
  isEmptyMigrationScript,
  migrateDeploy,
  migrateDev,
  migrateStatus,
  readMigrationList,
} from '../src/migrate/index.js';
import { testDatabases } from '../src/testing.js';

// Unmigrated targets: these tests drive the whole history themselves.
const targets = await testDatabases({ migrate: false });
after(() => Promise.all(targets.map((t) => t.dispose())));

const committedMigrations = readMigrationList(DEFAULT_MIGRATIONS_DIR).migrationDirectories.map((d) => d.path);

/** A scratch copy of prisma/ so `migrate dev` never writes into the repository. */
function scratchPrismaDir(): { schemaPath: string; migrationsDir: string; root: string } {
  const root = mkdtempSync(join(tmpdir(), 'sgdscope-migrate-test-'));
  const schemaPath = join(root, 'schema.prisma');
  const migrationsDir = join(root, 'migrations');
  cpSync(DEFAULT_SCHEMA_PATH, schemaPath);
  cpSync(DEFAULT_MIGRATIONS_DIR, migrationsDir, { recursive: true });
  return { schemaPath, migrationsDir, root };
}

async function count(url: string, sql: string): Promise<number> {
  const pool = new pg.Pool({ ...parseDatabaseUrl(url), max: 1 });
  try {
    const { rows } = await pool.query<{ n: string }>(sql);
    return Number(rows[0]?.n);
  } finally {
    await pool.end();
  }
}

const shadowDatabasesSql =
  "SELECT count(*) AS n FROM pg_database WHERE datname LIKE 'prisma_migrate_shadow_db_%'";

test('the repository has a migration history with a Prisma lock file', () => {
  assert.ok(committedMigrations.length >= 1);
  assert.match(committedMigrations[0]!, /^\d{14}_init$/);
  const lock = readFileSync(join(DEFAULT_MIGRATIONS_DIR, 'migration_lock.toml'), 'utf8');
  assert.match(lock, /provider = "postgresql"/);
});

test('connection URLs split into discrete fields and back; passwords never printed', () => {
  const fields = parseDatabaseUrl('postgresql://al%40ice:s%3Acret@db.example:6543/my%20db');
  assert.deepEqual(fields, {
    host: 'db.example',
    port: 6543,
    user: 'al@ice',
    password: 's:cret',
    database: 'my db',
  });
  assert.deepEqual(parseDatabaseUrl(formatDatabaseUrl(fields)), fields);
  assert.deepEqual(parseDatabaseUrl('postgres://localhost'), {
    host: 'localhost',
    port: 5432,
    user: 'postgres',
    database: 'postgres',
  });
  assert.equal(redactUrl('postgresql://u:secret@h:1/d'), 'postgresql://u:***@h:1/d');
  assert.throws(() => parseDatabaseUrl('mysql://h/d'), /Not a PostgreSQL URL/);
  assert.equal(quoteIdent('a"b'), '"a""b"');
});

test('an empty engine diff is recognised; any statement is not', () => {
  assert.equal(isEmptyMigrationScript('-- This is an empty migration.\n'), true);
  assert.equal(isEmptyMigrationScript(''), true);
  assert.equal(isEmptyMigrationScript('-- CreateIndex\nCREATE INDEX "i" ON "Run"("x");\n'), false);
});

test('migration files use Prisma layout: <UTC timestamp>_<name>/migration.sql, lock file, lexical order', () => {
  assert.equal(migrationTimestamp(new Date('2026-01-02T03:04:05.678Z')), '20260102030405');
  const dir = mkdtempSync(join(tmpdir(), 'sgdscope-files-'));
  try {
    writeMigration(dir, '20260102030405_b', 'SELECT 2;');
    writeMigration(dir, '20260101000000_a', 'SELECT 1;');
    assert.throws(() => writeMigration(dir, '20260101000000_a', 'SELECT 3;'), /already exists/);
    const list = readMigrationList(dir);
    assert.deepEqual(
      list.migrationDirectories.map((d) => d.path),
      ['20260101000000_a', '20260102030405_b'],
    );
    assert.deepEqual(list.migrationDirectories[0]!.migrationFile.content, { tag: 'ok', value: 'SELECT 1;' });
    assert.match(list.lockfile.content ?? '', /provider = "postgresql"/);
    assert.deepEqual(readMigrationList(join(dir, 'missing')).migrationDirectories, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

for (const target of targets) {
  describe(`migrations on ${target.name}`, { skip: target.skip }, () => {
    const url = target.url!;

    test('status on a fresh database: every migration pending, no migrations table', async () => {
      const status = await migrateStatus(url);
      assert.equal(status.hasMigrationsTable, false);
      assert.deepEqual(status.applied, []);
      assert.deepEqual(status.pending, committedMigrations);
      assert.equal(status.upToDate, false);
    });

    test('deploy applies the history once; status then reports it applied; redeploy applies nothing', async () => {
      const first = await migrateDeploy(url);
      assert.deepEqual(first.appliedMigrationNames, committedMigrations);
      const status = await migrateStatus(url);
      assert.deepEqual(status.applied, committedMigrations);
      assert.deepEqual(status.pending, []);
      assert.equal(status.upToDate, true);
      const second = await migrateDeploy(url);
      assert.deepEqual(second.appliedMigrationNames, []);
      const rows = await count(
        url,
        'SELECT count(*) AS n FROM _prisma_migrations WHERE finished_at IS NOT NULL',
      );
      assert.equal(rows, committedMigrations.length);
    });

    test('schema and history agree: the diff from migrations to schema is empty', async () => {
      const before = target.kind === 'postgres' ? await count(url, shadowDatabasesSql) : 0;
      const script = await diffMigrationsToSchema(url);
      assert.ok(isEmptyMigrationScript(script), `schema drifted from prisma/migrations:\n${script}`);
      // The shadow database the diff replayed into is gone again.
      if (target.kind === 'postgres') assert.equal(await count(url, shadowDatabasesSql), before);
    });

    test('migrate dev on an up-to-date database creates no new migration', async () => {
      const scratch = scratchPrismaDir();
      try {
        const result = await migrateDev(url, 'noop', scratch);
        assert.equal(result.createdMigrationName, null);
        assert.deepEqual(
          readdirSync(scratch.migrationsDir).sort(),
          [...committedMigrations, 'migration_lock.toml'].sort(),
        );
      } finally {
        rmSync(scratch.root, { recursive: true, force: true });
      }
    });

    test('migrate dev turns a schema change into a migration, applies it, and cleans up its shadow database', async () => {
      const scratch = scratchPrismaDir();
      try {
        const schema = readFileSync(scratch.schemaPath, 'utf8');
        writeFileSync(
          scratch.schemaPath,
          schema.replace(
            '  slug        String       @unique\n',
            '  slug        String       @unique\n  archived    Boolean      @default(false)\n',
          ),
        );
        const shadowsBefore = target.kind === 'postgres' ? await count(url, shadowDatabasesSql) : 0;
        const result = await migrateDev(url, 'project_archived', scratch);
        assert.match(result.createdMigrationName ?? '', /^\d{14}_project_archived$/);
        assert.ok(result.createdMigrationPath && existsSync(result.createdMigrationPath));
        const sql = readFileSync(result.createdMigrationPath, 'utf8');
        assert.match(sql, /ALTER TABLE "Project" ADD COLUMN\s+"archived" BOOLEAN NOT NULL DEFAULT false/);
        assert.deepEqual(result.appliedMigrationNames, [result.createdMigrationName]);
        assert.equal(await count(url, `SELECT count(*) AS n FROM "Project" WHERE archived = false`), 0);
        if (target.kind === 'postgres') assert.equal(await count(url, shadowDatabasesSql), shadowsBefore);

        const status = await migrateStatus(url, scratch);
        assert.equal(status.upToDate, true);
        const again = await migrateDev(url, 'again', scratch);
        assert.equal(again.createdMigrationName, null);
        // The repository's own history is now *behind* this database: status must say so.
        const repoStatus = await migrateStatus(url);
        assert.deepEqual(repoStatus.unknownApplied, [result.createdMigrationName]);
        assert.equal(repoStatus.upToDate, false);
      } finally {
        rmSync(scratch.root, { recursive: true, force: true });
      }
    });

    test('status flags a migration edited after it was applied', async () => {
      const scratch = scratchPrismaDir();
      try {
        const first = join(scratch.migrationsDir, committedMigrations[0]!, 'migration.sql');
        writeFileSync(first, `${readFileSync(first, 'utf8')}\n-- edited\n`);
        const status = await migrateStatus(url, scratch);
        assert.deepEqual(status.edited, [committedMigrations[0]]);
        assert.equal(status.upToDate, false);
      } finally {
        rmSync(scratch.root, { recursive: true, force: true });
      }
    });

    test('migrate dev refuses invalid names before touching anything', async () => {
      await assert.rejects(migrateDev(url, 'bad name; drop'), /must match/);
    });
  });
}

test('an engine panic is a SchemaEnginePanicError with the Rust message, and a fresh engine works afterwards', () => {
  // In a child process: node:test counts any uncaught exception as a failure, even one we handle, and
  // the panic travels as an uncaught exception before guardEnginePanics turns it into a rejection.
  const modules = ['../src/embedded/server.ts', '../src/migrate/index.ts'].map((m) =>
    JSON.stringify(fileURLToPath(new URL(m, import.meta.url))),
  );
  // Without the "char" -> Character reporting the engine panics on PostgreSQL 18's NOT NULL constraints.
  const script = `import { startEmbeddedPostgres } from ${modules[0]};
    import { diffMigrationsToSchema, migrateDeploy } from ${modules[1]};
    const server = await startEmbeddedPostgres({});
    await migrateDeploy(server.url);
    try {
      await diffMigrationsToSchema(server.url, { adapter: { reportCharAsCharacter: false } });
      console.log('NO PANIC');
    } catch (e) { console.log('CAUGHT ' + e.name + ': ' + e.message); }
    console.log('AFTER ' + JSON.stringify(await diffMigrationsToSchema(server.url)));
    await server.stop();
    process.exit(0);`;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    encoding: 'utf8',
    timeout: 180_000,
  });
  assert.equal(child.status, 0, child.stderr);
  assert.match(
    child.stdout,
    /CAUGHT SchemaEnginePanicError: Prisma schema engine \(wasm\) panicked: .*constraint_type/s,
  );
  assert.match(child.stdout, /AFTER "-- This is an empty migration\.\\n"/);
});

import assert from 'node:assert/strict';
import { type SpawnSyncReturns, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { lockPathFor } from '../src/embedded/lock.js';
import { parseDatabaseUrl } from '../src/migrate/connection.js';
import { DEFAULT_MIGRATIONS_DIR, readMigrationList } from '../src/migrate/files.js';
import { testDatabases } from '../src/testing.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'sgdscope-cli-test-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));
const migrations = readMigrationList(DEFAULT_MIGRATIONS_DIR).migrationDirectories.map((d) => d.path);

function env(databaseUrl: string): NodeJS.ProcessEnv {
  const { INIT_CWD: _ignored, ...rest } = process.env;
  return { ...rest, DATABASE_URL: databaseUrl, SGDSCOPE_DATA_DIR: dataDir };
}

function cli(args: string[], databaseUrl = ''): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: packageDir,
    env: env(databaseUrl),
    encoding: 'utf8',
    timeout: 120_000,
  });
}

describe('sgdscope db migrate on the embedded database', () => {
  test('status reports pending (exit 1); deploy applies; status is then up to date; diff is empty', () => {
    const before = cli(['migrate', 'status']);
    assert.equal(before.status, 1, before.stderr);
    for (const name of migrations) assert.match(before.stdout, new RegExp(`pending\\s+${name}`));

    const deploy = cli(['migrate', 'deploy']);
    assert.equal(deploy.status, 0, deploy.stderr);
    assert.match(deploy.stdout, new RegExp(`applied ${migrations.join(', ')}`));

    const afterDeploy = cli(['migrate', 'status']);
    assert.equal(afterDeploy.status, 0, afterDeploy.stderr);
    assert.match(afterDeploy.stdout, /Database schema is up to date\./);

    const diff = cli(['migrate', 'diff']);
    assert.equal(diff.status, 0, diff.stdout + diff.stderr);
    assert.match(diff.stdout, /empty migration/);
  });

  test('errors are reported with a non-zero exit, not a stack trace', () => {
    const bad = cli(['migrate', 'dev', '--name', 'not valid']);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /^error: Migration name must match/m);
  });
});

// Slow (two CLI processes); the same library calls run on the server in migrate.test.ts.
const slow = process.env.SGDSCOPE_SLOW === '1';
describe('sgdscope db migrate against DATABASE_URL', { skip: !slow && 'set SGDSCOPE_SLOW=1' }, async () => {
  const [target] = slow ? await testDatabases({ kinds: ['postgres'], migrate: false }) : [];
  after(() => target?.dispose());
  test('deploy then status', { skip: target?.skip }, () => {
    const deploy = cli(['migrate', 'deploy'], target!.url);
    assert.equal(deploy.status, 0, deploy.stderr);
    assert.match(deploy.stdout, /postgresql:\/\/postgres@127\.0\.0\.1:5432\/sgdscope_test_\w+: applied/);
    assert.equal(cli(['migrate', 'status'], target!.url).status, 0);
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('sgdscope db start serves the embedded database until SIGINT, then releases the data directory', async () => {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'start', '--port', String(port)], {
    cwd: packageDir,
    env: env(''),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (d) => {
    output += d;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      output += d;
      const match = /DATABASE_URL=(\S+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    void exited.then((code) => reject(new Error(`start exited early (${code}): ${output}`)));
  });
  assert.equal(url, `postgresql://postgres@127.0.0.1:${port}/postgres`);
  const pool = new pg.Pool(parseDatabaseUrl(url));
  const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM _prisma_migrations');
  await pool.end();
  assert.equal(Number(rows[0]!.n), migrations.length);
  child.kill('SIGINT');
  assert.equal(await exited, 0, output);
  assert.equal(existsSync(lockPathFor(join(dataDir, 'pgdata'))), false);
});

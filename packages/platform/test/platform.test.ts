/**
 * The platform in-process on a temporary data directory (embedded PGlite, demo at 'test' scale): the
 * first demo run finishes and is analysed, and GraphQL serves it to the read-only demo key; a second
 * start reuses the data (no re-seeding, same demo key and view) and re-queues a run left RUNNING.
 * Finally, with Debian's Chromium present (and SGDSCOPE_PLATFORM_TEST_WEB not '0'), a third start brings up the
 * web app too and the first finished run's page is loaded in the browser with its charts drawn: the README's
 * `npm start`, end to end.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { LocalBlobStore } from '@sgdscope/db/blob/local';
import { createDb } from '@sgdscope/db/client';
import { resolveDatabaseConfig } from '@sgdscope/db/config';
import { startRun } from '@sgdscope/db/repo/runs';
import { CHROMIUM_PATH, chromiumAvailable, launchChromium } from '../src/browser.js';
import { type RunningPlatform, startPlatform } from '../src/platform.js';
import { freePort, graphql, until } from './support/child.js';

const root = mkdtempSync(join(tmpdir(), 'sgdscope-platform-'));
const env = { SGDSCOPE_DATA_DIR: root, INIT_CWD: root } as NodeJS.ProcessEnv;
const CHROMIUM = CHROMIUM_PATH;
const browserCheck = process.env.SGDSCOPE_PLATFORM_TEST_WEB !== '0' && chromiumAvailable();
const lines: string[] = [];
let platform: RunningPlatform | undefined;

after(async () => {
  await platform?.stop();
  rmSync(root, { recursive: true, force: true });
});

async function start(withWeb = false): Promise<RunningPlatform> {
  return startPlatform({
    env,
    apiPort: 0,
    web: withWeb,
    webPort: withWeb ? await freePort() : undefined,
    scale: 'test',
    log: (line) => lines.push(line),
  });
}

describe('npm start (in-process, embedded PGlite, demo at test scale)', () => {
  let firstRunId = '';
  let demoKey = '';
  let viewToken = '';
  let runCount = 0;
  let adminKey = '';

  it('seeds the demo on first start and serves the first finished, analysed run over GraphQL', async () => {
    const t0 = performance.now();
    platform = await start();
    const p = platform;
    assert.equal(p.embedded, true);
    assert.equal(p.seeded, true);
    assert.match(p.adminKey ?? '', /^sgd_/);
    assert.match(p.demoKey ?? '', /^sgd_/);
    assert.ok(p.viewToken);
    demoKey = p.demoKey as string;
    adminKey = p.adminKey as string;
    viewToken = p.viewToken as string;
    runCount = await p.repo.prisma.run.count({ where: { projectId: p.demoProjectId } });
    // 4 fractal landscapes + 1 escape + 1 phase + 1 MNIST at 'test' scale.
    assert.equal(runCount, 7);

    const finished = await until(
      'a finished demo run with stored analysis',
      async () => {
        const run = await p.repo.prisma.run.findFirst({
          where: { projectId: p.demoProjectId, status: 'FINISHED', analyses: { some: {} } },
          select: { id: true, kind: true, lastStep: true },
        });
        return run ?? undefined;
      },
      120_000,
      500,
    );
    firstRunId = finished.id;
    console.log(
      `first demo run finished and analysed ${((performance.now() - t0) / 1000).toFixed(1)} s after start`,
    );
    // Toys are queued with the highest priority: the first finished run is one of the fractal study.
    assert.equal(finished.kind, 'FRACTAL_LANDSCAPE');

    const data = await graphql<{
      run: {
        id: string;
        status: string;
        lastStep: number;
        analyses: Array<{ estimator: string; error: string | null }>;
      };
      savedView: { runIds: string[] };
    }>(
      p.apiUrl,
      demoKey,
      `query($id: ID!, $token: String!) {
         run(id: $id) { id status lastStep analyses { estimator error } }
         savedView(token: $token) { runIds }
       }`,
      { id: firstRunId, token: viewToken },
    );
    assert.equal(data.run.status, 'FINISHED');
    assert.equal(data.run.lastStep, finished.lastStep);
    assert.ok(data.run.analyses.length > 0, 'analysis results are visible through the API');
    assert.ok(data.savedView.runIds.includes(firstRunId), 'the reviewer view covers the fractal study');

    // The demo key is a viewer: running an estimator needs EDITOR.
    await assert.rejects(
      graphql(p.apiUrl, demoKey, 'mutation($id: ID!) { analyzeRun(runId: $id) { id } }', { id: firstRunId }),
      /forbidden|editor|role|permission/i,
    );
  });

  it('a second start reuses the data and re-queues a run left RUNNING by a killed process', async () => {
    await platform?.stop();
    platform = undefined;
    // Simulate a process killed mid-run: mark a still-queued run RUNNING, as a worker's start would.
    const db = await createDb({ config: resolveDatabaseConfig(env) });
    const repo = { prisma: db.prisma, blobs: new LocalBlobStore(join(root, 'blobs')) };
    // The first stop came seconds after the first finished run: most toys are still QUEUED.
    const victim = await db.prisma.run.findFirst({
      where: { status: 'QUEUED', kind: { not: 'NETWORK' } },
      select: { id: true },
    });
    assert.ok(victim, 'a queued toy run to play the killed one');
    const victimId = victim.id;
    await startRun(repo, victimId, { workerId: 'killed-worker' });
    await db.close();

    platform = await start();
    const p = platform;
    assert.equal(p.seeded, false, 'no re-seeding');
    assert.equal(p.adminKey, undefined, 'the admin key is shown only once');
    assert.equal(p.demoKey, demoKey, 'the demo key survives restarts');
    assert.equal(p.viewToken, viewToken);
    assert.equal(await p.repo.prisma.run.count(), runCount);
    assert.equal(await p.repo.prisma.project.count(), 1);
    // Others may join it: a run still ending when the first stop's 30 s grace ran out stays RUNNING too.
    assert.ok(p.recovered.requeued.includes(victimId), `re-queued: ${p.recovered.requeued.join(', ')}`);
    const done = await until(
      're-queued run to finish',
      async () => {
        const r = await p.repo.prisma.run.findUniqueOrThrow({
          where: { id: victimId },
          select: { status: true },
        });
        return r.status === 'FINISHED' || r.status === 'FAILED' ? r.status : undefined;
      },
      120_000,
      500,
    );
    assert.equal(done, 'FINISHED');
    // Nothing stays RUNNING without a live job: every re-queued run has a job again.
    const orphans = await p.repo.prisma.$queryRawUnsafe<Array<{ id: string }>>(
      `SELECT r.id::text AS id FROM "Run" r WHERE r.status = 'RUNNING' AND NOT EXISTS (
         SELECT 1 FROM pgboss.job j WHERE j.singleton_key = r.id::text AND j.state::text IN ('created','retry','active'))`,
    );
    assert.deepEqual(orphans, []);
    const data = await graphql<{ run: { status: string } }>(
      p.apiUrl,
      demoKey,
      'query($id: ID!) { run(id: $id) { status } }',
      {
        id: firstRunId,
      },
    );
    assert.equal(data.run.status, 'FINISHED');
  });

  it('a run created over GraphQL is validated against the trainer schema, queued at once and trained', async () => {
    const p = platform as RunningPlatform;
    const create = (config: object) =>
      graphql<{ createRun: { id: string; status: string } }>(
        p.apiUrl,
        adminKey,
        `mutation($input: CreateRunInput!) { createRun(input: $input) { id status } }`,
        { input: { projectId: p.demoProjectId, name: 'api-run', kind: 'ESCAPE', config } },
      );
    const before = await p.repo.prisma.run.count();
    await assert.rejects(create({ eta: -1, batchSize: 0.05 }), /eta/);
    assert.equal(await p.repo.prisma.run.count(), before, 'an invalid config writes no run');
    const { createRun } = await create({
      eta: 0.022,
      batchSize: 0.05,
      repeats: 4,
      maxSteps: 20_000,
      seed: 9,
    });
    assert.equal(createRun.status, 'QUEUED');
    const status = await until(
      'the API-created run to finish',
      async () => {
        const r = await p.repo.prisma.run.findUniqueOrThrow({
          where: { id: createRun.id },
          select: { status: true },
        });
        return r.status === 'FINISHED' || r.status === 'FAILED' ? r.status : undefined;
      },
      180_000,
      500,
    );
    assert.equal(status, 'FINISHED');
  });

  it('with the web app: the first finished run opens in a browser with its figures drawn', {
    skip: browserCheck ? false : `${CHROMIUM} missing or SGDSCOPE_PLATFORM_TEST_WEB=0`,
  }, async () => {
    await platform?.stop();
    platform = await start(true);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      // No sign-in: the platform hands the web app the read-only demo key.
      await page.goto(`${platform.webUrl}/runs/${firstRunId}`);
      await page
        .locator('figure[data-chart-id="msd"] path.recharts-curve')
        .first()
        .waitFor({ timeout: 30_000 });
      assert.ok(
        (await page.locator('table.scalars tbody tr').count()) > 0,
        'estimates listed on the run page',
      );
      await page.goto(`${platform.webUrl}/views/${viewToken}`);
      await page.locator('h1').first().waitFor();
      const alerts = await page.locator('[data-error-code]').count();
      assert.equal(alerts, 0, `the reviewer link opens: ${(await page.textContent('main'))?.slice(0, 400)}`);
    } finally {
      await browser.close();
    }
  });
});

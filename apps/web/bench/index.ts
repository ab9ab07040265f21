/**
 * Compare-view rendering benchmark (web issue target: 4 runs x 24 MSD curves of 1000 points rendered and interactive
 * in < 2 s in headless Chromium). Baseline measured in the same run: the sign-in page, which draws no chart.
 * Run: npm run bench -w @sgdscope/web
 */
import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RunProgressBus, startApiServer } from '@sgdscope/api';
import { addMember, createApiKey, createProject, createUser } from '@sgdscope/db';
import { LocalBlobStore } from '@sgdscope/db/blob/local';
import { createDb } from '@sgdscope/db/client';
import { saveAnalysisResult } from '@sgdscope/db/repo/analysis';
import { createRun, finishRun, startRun } from '@sgdscope/db/repo/runs';
import { testDatabases } from '@sgdscope/db/testing';
import { chromiumAvailable, launchBrowser } from '../test/support/browser.js';
import { ensureBuilt, startWeb } from '../test/support/next-server.js';

const RUNS = 4;
const WINDOWS = 24;
const POINTS = 1000;
const REPEATS = 5;

if (!chromiumAvailable()) {
  console.log('web bench skipped: Chromium not found (apt-get install -y chromium)');
  process.exit(0);
}

const [target] = await testDatabases({ kinds: ['pglite'] });
if (!target.url) throw new Error(String(target.skip));
const db = await createDb({ url: target.url, maxConnections: 5 });
const blobDir = await mkdtemp(path.join(tmpdir(), 'sgdscope-web-bench-'));
const repo = { prisma: db.prisma, blobs: new LocalBlobStore(blobDir) };
const user = await createUser(repo, { email: 'bench@example.org', name: 'Bench' });
const key = (await createApiKey(repo, { userId: user.id, name: 'bench' })).secret;
const project = await createProject(repo, { slug: 'bench', name: 'Bench' });
await addMember(repo, { projectId: project.id, userId: user.id, role: 'viewer' });
const ids: string[] = [];
for (let r = 0; r < RUNS; r++) {
  const run = await createRun(repo, {
    projectId: project.id,
    name: `run-${r}`,
    kind: 'network',
    config: { batchSize: 128 * 2 ** r },
  });
  await startRun(repo, run.id);
  const tau = Array.from({ length: POINTS }, (_, i) => i + 1);
  await saveAnalysisResult(repo, run.id, {
    estimator: 'diffusion',
    estimatorVersion: 'bench-1',
    params: {},
    scalars: Array.from({ length: WINDOWS }, (_, w) => ({ name: 'alpha', window: w, value: 1 + 0.01 * w })),
    curves: Array.from({ length: WINDOWS }, (_, w) => ({
      name: 'msd',
      window: w,
      tw: w * 1000,
      x: tau,
      y: tau.map((t) => t ** (1 + 0.01 * w) * (1 + 0.01 * r)),
    })),
  });
  await finishRun(repo, run.id, { status: 'finished' });
  ids.push(run.id);
}
const api = await startApiServer({
  services: { repo, progress: new RunProgressBus() },
  port: 0,
  host: '127.0.0.1',
});
ensureBuilt();
const web = await startWeb(api.url, { SGDSCOPE_API_KEY: key });
const browser = await launchBrowser();

async function timePage(
  url: string,
  ready: (page: import('playwright-core').Page) => Promise<void>,
): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < REPEATS + 1; i++) {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    const t0 = performance.now();
    await page.goto(url);
    await ready(page);
    const elapsed = performance.now() - t0;
    if (i > 0) times.push(elapsed); // the first load warms Next's server caches
    await page.close();
  }
  return times.sort((a, b) => a - b);
}

const median = (xs: number[]) => xs[Math.floor(xs.length / 2)];
try {
  const baseline = await timePage(`${web.url}/signin`, async (page) => {
    await page.locator('button[type=submit]').click({ trial: true });
  });
  const compare = await timePage(`${web.url}/compare?ids=${ids.join(',')}`, async (page) => {
    // Drawn: every small multiple holds its 24 curves; interactive: the window selector answers a change.
    await page.waitForFunction(
      ({ runs, windows }) =>
        document.querySelectorAll('figure[data-chart-id^="multiple-"] path.recharts-curve').length >=
        runs * windows,
      { runs: RUNS, windows: WINDOWS },
      { timeout: 30_000 },
    );
    await page.selectOption('select', '5');
  });
  console.log(
    `compare view, ${RUNS} runs x ${WINDOWS} MSD curves x ${POINTS} points (median of ${REPEATS}):`,
  );
  console.log(`  baseline (sign-in page)   ${median(baseline).toFixed(0)} ms`);
  console.log(
    `  compare: drawn+interactive ${median(compare).toFixed(0)} ms  (max ${compare[compare.length - 1].toFixed(0)} ms)`,
  );
  console.log(`  ratio to baseline          ${(median(compare) / median(baseline)).toFixed(1)}x`);
  console.log(`  target < 2000 ms: ${median(compare) < 2000 ? 'met' : 'MISSED'}`);
} finally {
  await browser.close();
  await web.stop();
  await api.close();
  await db.close();
  await target.dispose();
  await rm(blobDir, { recursive: true, force: true });
}

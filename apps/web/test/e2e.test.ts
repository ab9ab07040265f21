/**
 * End-to-end: Debian's Chromium (playwright-core) against the real web app (`next build` + `next start`) and the
 * real API on a seeded embedded PostgreSQL (PGlite). Screenshots land in apps/web/test-output/screens/ (ignored by
 * git) for a person to look at.
 */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { RunProgressBus, startApiServer } from '@sgdscope/api';
import { LocalBlobStore } from '@sgdscope/db/blob/local';
import { createDb } from '@sgdscope/db/client';
import { testDatabases } from '@sgdscope/db/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CHROMIUM_PATH, chromiumAvailable, launchBrowser } from './support/browser.js';
import { ensureBuilt, startWeb, WEB_DIR } from './support/next-server.js';
import { seedWebFixture, type WebFixture } from './support/seed.js';

const SCREENS = path.join(WEB_DIR, 'test-output', 'screens');
const skip = chromiumAvailable()
  ? false
  : `Chromium not found at ${CHROMIUM_PATH}: install it with \`apt-get install -y chromium\` to run the browser tests`;
if (skip) console.log(`# SKIPPED web e2e: ${skip}`);

describe('web end to end', { skip, timeout: 600_000 }, () => {
  let fixture: WebFixture;
  let browser: Browser;
  let webUrl = '';
  const cleanups: Array<() => Promise<void>> = [];

  before(async () => {
    const [target] = await testDatabases({ kinds: ['pglite'] });
    cleanups.push(() => target.dispose());
    if (!target.url) throw new Error(`PGlite target unavailable: ${target.skip}`);
    const db = await createDb({ url: target.url, maxConnections: 5 });
    cleanups.unshift(() => db.close());
    const blobDir = await mkdtemp(path.join(tmpdir(), 'sgdscope-web-e2e-'));
    cleanups.push(() => rm(blobDir, { recursive: true, force: true }));
    const repo = { prisma: db.prisma, blobs: new LocalBlobStore(blobDir) };
    fixture = await seedWebFixture(repo);
    const api = await startApiServer({
      services: { repo, progress: new RunProgressBus() },
      port: 0,
      host: '127.0.0.1',
    });
    cleanups.unshift(() => api.close());
    ensureBuilt();
    const web = await startWeb(api.url, { SGDSCOPE_API_KEY: '' });
    cleanups.unshift(() => web.stop());
    webUrl = web.url;
    browser = await launchBrowser();
    cleanups.unshift(() => browser.close());
    await mkdir(SCREENS, { recursive: true });
  });

  after(async () => {
    for (const c of cleanups) await c().catch(() => undefined);
  });

  async function signedIn(key: string | null): Promise<BrowserContext> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    if (key) await context.addCookies([{ name: 'sgdscope_key', value: key, url: webUrl, httpOnly: true }]);
    return context;
  }

  /** Number of drawn data paths inside a figure (recharts lines/areas/bars, or SVG rects for the heatmap). */
  async function drawn(page: Page, chartId: string): Promise<number> {
    const figure = page.locator(`figure[data-chart-id="${chartId}"]`);
    await figure.locator('svg').first().waitFor({ timeout: 15_000 });
    return figure
      .locator('path.recharts-curve, path.recharts-rectangle, svg[data-chart] rect, .recharts-symbols')
      .count();
  }

  test('browse, filter and sort runs; filters live in the URL', async () => {
    const page = await (await signedIn(fixture.aliceKey)).newPage();
    await page.goto(`${webUrl}/projects/${fixture.projectId}`);
    const total = await page.locator('table.runs tbody tr').count();
    assert.equal(total, 6 + 4 + 32, 'all runs of the project on one page of 50');
    await page.selectOption('select[name="kind"]', 'NETWORK');
    await page.click('form.filters button[type="submit"]');
    await page.waitForURL(/kind=NETWORK/);
    assert.equal(await page.locator('table.runs tbody tr').count(), 6);
    await page.click('th >> text=α (w0)');
    await page.waitForURL(/sort=alpha/);
    const alphas = await page.locator('table.runs tbody tr td:nth-child(9)').allTextContents();
    const values = alphas.map((s) => Number.parseFloat(s));
    assert.ok(values.every(Number.isFinite), `alpha column: ${alphas.join(' | ')}`);
    assert.deepEqual(
      values,
      [...values].sort((a, b) => a - b),
      'sorted ascending by α',
    );
    await page.screenshot({ path: path.join(SCREENS, 'runs.png'), fullPage: true });
  });

  test("a run page draws each of the seed's figures with data", async () => {
    const page = await (await signedIn(fixture.aliceKey)).newPage();
    await page.goto(`${webUrl}/runs/${fixture.networkRunIds[0]}`);
    for (const id of ['loss', 'msd', 'beta', 'grad-hist', 'contour', 'msl', 'hessian', 'loss-movvar']) {
      assert.ok((await drawn(page, id)) > 0, `figure ${id} has drawn data`);
    }
    assert.ok((await page.locator('table.scalars tbody tr').count()) > 5, 'estimates table lists scalars');
    assert.match(await page.locator('table.scalars').innerText(), /diffusion-\d/);
    await page.screenshot({ path: path.join(SCREENS, 'run.png'), fullPage: true });
  });

  test('compare three runs: differing config keys are highlighted and curves overlaid', async () => {
    const page = await (await signedIn(fixture.aliceKey)).newPage();
    const ids = [0, 2, 4].map((i) => fixture.networkRunIds[i]);
    await page.goto(`${webUrl}/compare?ids=${ids.join(',')}`);
    const differing = await page.locator('table.diff tr.differs th').allTextContents();
    assert.ok(differing.includes('batchSize'), `highlighted keys: ${differing.join(', ')}`);
    assert.ok(!differing.includes('learningRate'), 'equal keys are not highlighted');
    assert.ok((await drawn(page, 'compare-msd')) >= 3, 'one MSD curve per run');
    await page.screenshot({ path: path.join(SCREENS, 'compare.png'), fullPage: true });
  });

  test('sweep pages: error bars over replicates, escape-rate fit, phase diagram', async () => {
    const page = await (await signedIn(fixture.aliceKey)).newPage();
    await page.goto(
      `${webUrl}/projects/${fixture.projectId}/sweeps/${fixture.networkSweepId}?metric=alpha&window=0&x=batchSize`,
    );
    // Charts draw after hydration: wait for the first error bar rather than counting at once.
    await page.locator('.recharts-errorBar').first().waitFor({ timeout: 15_000 });
    assert.ok((await page.locator('.recharts-errorBar').count()) > 0, 'error bars drawn');
    await page.screenshot({ path: path.join(SCREENS, 'sweep.png'), fullPage: true });
    await page.goto(
      `${webUrl}/projects/${fixture.projectId}/sweeps/${fixture.escapeSweepId}?metric=escapeRate&window=-1&x=batchSize`,
    );
    assert.ok((await drawn(page, 'escape-BATCH_SIZE')) > 0, 'escape-rate fit drawn');
    await page.screenshot({ path: path.join(SCREENS, 'escape.png'), fullPage: true });
    await page.goto(
      `${webUrl}/projects/${fixture.projectId}/sweeps/${fixture.phaseSweepId}?metric=phase&window=-1&x=eta`,
    );
    await page.locator('svg[data-chart="phase"] rect[data-cell]').first().waitFor({ timeout: 15_000 });
    assert.ok(
      (await page.locator('svg[data-chart="phase"] rect[data-cell]').count()) >= 20,
      'phase cells drawn',
    );
    await page.screenshot({ path: path.join(SCREENS, 'phase.png'), fullPage: true });
    // The metric panel has nothing to plot for `phase` (a per-cell code, not a run scalar) and says why.
    assert.match(
      (await page.locator('[data-chart-id="sweep-phase-vs-eta"] .empty').textContent()) ?? '',
      /"phase" at window -1/,
    );
    // The legend sits outside the grid: its box meets no cell's box (it once covered the top row).
    const overlaps = await page.evaluate(() => {
      const svg = document.querySelector('svg[data-chart="phase"]');
      const legend = svg?.querySelector('[data-legend]')?.getBoundingClientRect();
      if (!svg || !legend || legend.width === 0) return ['no legend drawn'];
      const hits: string[] = [];
      for (const cell of Array.from(svg.querySelectorAll('rect[data-cell]'))) {
        const c = cell.getBoundingClientRect();
        const apart =
          c.right <= legend.left ||
          legend.right <= c.left ||
          c.bottom <= legend.top ||
          legend.bottom <= c.top;
        if (!apart) hits.push(cell.querySelector('title')?.textContent ?? 'cell');
      }
      return hits;
    });
    assert.deepEqual(overlaps, [], 'the phase legend covers no cell');
    // Cells tile the grid: neighbouring columns (and rows) meet edge to edge on a grid that is not log-uniform.
    // Only plain data crosses into the page (tsx's __name helper does not exist there).
    const boxes = await page.evaluate(() =>
      Array.from(document.querySelectorAll('svg[data-chart="phase"] rect[data-cell]')).map((r) => {
        const b = r.getBoundingClientRect();
        return { left: b.left, top: b.top, width: b.width, height: b.height };
      }),
    );
    const gaps = (starts: number[], size: number) => {
      const sorted = Array.from(new Set(starts.map((v) => Math.round(v * 10) / 10))).sort((a, b) => a - b);
      return sorted.slice(1).map((v, i) => Math.abs(v - sorted[i] - size));
    };
    const seams = {
      columns: gaps(
        boxes.map((b) => b.left),
        boxes[0]?.width ?? 0,
      ),
      rows: gaps(
        boxes.map((b) => b.top),
        boxes[0]?.height ?? 0,
      ),
    };
    assert.ok(seams.columns.length >= 3 && seams.rows.length >= 3, 'several columns and rows');
    for (const gap of [...seams.columns, ...seams.rows])
      assert.ok(gap < 0.5, `cells meet edge to edge (${gap} px)`);
  });

  test('a reviewer link opens read-only without signing in', async () => {
    const page = await (await signedIn(null)).newPage();
    await page.goto(`${webUrl}/views/${fixture.viewToken}`);
    await page.locator('h1', { hasText: 'Batch size 64 vs 256' }).waitFor();
    assert.match(await page.locator('blockquote').innerText(), /Frozen for review/);
    assert.ok((await drawn(page, 'compare-msd')) >= 2);
    assert.equal(
      await page.locator('form button[type=submit]').count(),
      0,
      'nothing to submit on a reviewer view',
    );
    await page.screenshot({ path: path.join(SCREENS, 'reviewer.png'), fullPage: true });
  });

  test('a project the user is not a member of is refused', async () => {
    const page = await (await signedIn(fixture.bobKey)).newPage();
    await page.goto(`${webUrl}/projects/${fixture.projectId}`);
    await page.locator('[data-error-code="FORBIDDEN"]').waitFor();
    assert.equal(await page.locator('table.runs').count(), 0);
    await page.goto(`${webUrl}/runs/${fixture.networkRunIds[0]}`);
    await page.locator('[data-error-code="FORBIDDEN"], [data-error-code="NOT_FOUND"]').first().waitFor();
  });
});

/**
 * The report's figures, rendered from the web app's own pages in headless Debian Chromium (playwright-core,
 * never a downloaded browser): each is one chart (`figure[data-chart-id]`) of a run, sweep or comparison page
 * of the reproduction project, saved as PNG under docs/figures/. What a reader sees in the report is what the
 * app shows for the same runs.
 */
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_PATH, chromiumAvailable, launchChromium } from '../browser.js';
import type { ReproResults } from './measure.js';

export const FIGURES_DIR = fileURLToPath(new URL('../../../../docs/figures/', import.meta.url));

export interface FigureSpec {
  readonly file: string;
  readonly path: string;
  readonly chartId: string;
}

/** Which chart of which page becomes which file. */
export function figureSpecs(r: ReproResults): FigureSpec[] {
  const runNamed = (prefix: string) => Object.values(r.runs).find((x) => x.name.startsWith(prefix))?.id;
  const specs: FigureSpec[] = [];
  const main = `/runs/${r.diffusion.runId}`;
  for (const chart of ['loss', 'msd', 'beta', 'grad-hist', 'contour', 'msl', 'hessian'])
    specs.push({ file: `mnist-${chart}.png`, path: main, chartId: chart });
  const fractal = runNamed('fractal-toy[landscape="fractal"]');
  if (fractal) specs.push({ file: 'toy-fractal-msd.png', path: `/runs/${fractal}`, chartId: 'msd' });
  const cone = runNamed('fractal-toy[landscape="cone"]');
  if (cone) specs.push({ file: 'toy-cone-msd.png', path: `/runs/${cone}`, chartId: 'msd' });
  const escapeAxes: [string, string, string][] = [
    ['escape-batch', 'BATCH_SIZE', 'batchSize'],
    ['escape-lr', 'INV_LR', 'eta'],
    ['escape-sharpness', 'INV_SHARPNESS', 'sharpness'],
    ['escape-sgld', 'INV_DIFFUSION', 'diffusion'],
  ];
  for (const [sweep, axis, key] of escapeAxes) {
    const sweepId = r.sweeps[sweep];
    if (sweepId)
      specs.push({
        file: `${sweep}.png`,
        path: `/projects/${r.projectId}/sweeps/${sweepId}?metric=escapeRate&window=-1&x=${key}`,
        chartId: `escape-${axis}`,
      });
  }
  specs.push({
    file: 'valley-phase.png',
    path: `/projects/${r.projectId}/sweeps/${r.phase.sweepId}?metric=phase&window=-1&x=eta`,
    chartId: 'phase-diagram',
  });
  return specs;
}

export async function renderFigures(
  webUrl: string,
  key: string,
  r: ReproResults,
  log: (line: string) => void,
): Promise<void> {
  if (!chromiumAvailable()) {
    log(`figures: skipped, no Chromium at ${CHROMIUM_PATH} (apt install chromium, or set SGDSCOPE_CHROMIUM)`);
    return;
  }
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      deviceScaleFactor: 1,
    });
    await context.addCookies([{ name: 'sgdscope_key', value: key, url: webUrl, httpOnly: true }]);
    const page = await context.newPage();
    await mkdir(FIGURES_DIR, { recursive: true });
    let current = '';
    for (const spec of figureSpecs(r)) {
      if (spec.path !== current) {
        await page.goto(`${webUrl}${spec.path}`, { waitUntil: 'networkidle', timeout: 120_000 });
        current = spec.path;
      }
      const figure = page.locator(`figure[data-chart-id="${spec.chartId}"]`).first();
      try {
        await figure.locator('svg').first().waitFor({ timeout: 30_000 });
        // Recharts animates the first draw; let it settle before the screenshot.
        await page.waitForTimeout(1500);
        await figure.screenshot({ path: join(FIGURES_DIR, spec.file) });
        log(`figure ${spec.file} from ${spec.path} (${spec.chartId})`);
      } catch (error) {
        const shot = join(tmpdir(), `sgdscope-figure-failed-${spec.file}`);
        await page.screenshot({ path: shot, fullPage: true }).catch(() => undefined);
        log(
          `figure ${spec.file}: not drawn (${(error as Error).message.split('\n')[0]}); page screenshot: ${shot}`,
        );
      }
    }
  } finally {
    await browser.close();
  }
}

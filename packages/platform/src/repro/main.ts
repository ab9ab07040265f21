/**
 * `npm run repro`: reproduces the seed papers' headline findings on the platform itself. It starts the
 * platform in-process (embedded PGlite under --data-dir, or DATABASE_URL), queues docs/repro/*.yaml through the
 * GraphQL API into the `reproduction` project, waits for the worker to train and analyse them, measures every
 * number of docs/reproduction.md through GraphQL (analyzeRun, escapeRateFit, phaseDiagram, aggregate), writes
 * docs/repro/results/results.{json,md}, optionally rewrites the report's generated tables, and renders the
 * figures from the web app's pages in headless Chromium. Re-running reuses the runs (idempotent by name).
 */
import 'reflect-metadata';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createApiKey } from '@sgdscope/db/repo/api-keys';
import { Command } from 'commander';
import { ensureAdmin } from '../bootstrap.js';
import { type RunningPlatform, startPlatform } from '../platform.js';
import { renderFigures } from './figures.js';
import { graphqlClient } from './graphql-client.js';
import { measureAll } from './measure.js';
import { REPRO_DIR, readPlan } from './plan.js';
import { renderResultsMarkdown, updateReport } from './report.js';
import { ensureProject, submitPlan, waitForRuns } from './submit.js';

interface Options {
  readonly dataDir: string;
  readonly api?: string;
  readonly key?: string;
  readonly measure: boolean;
  readonly figures: boolean;
  readonly writeReport: boolean;
  readonly webPort: string;
}

const t0 = performance.now();
const log = (line: string): void =>
  console.log(`[repro +${((performance.now() - t0) / 1000).toFixed(0)} s] ${line}`);

async function platformFor(options: Options, web: boolean): Promise<RunningPlatform> {
  return startPlatform({
    env: { ...process.env, SGDSCOPE_DATA_DIR: options.dataDir },
    apiPort: 0,
    web,
    webPort: Number(options.webPort),
    demo: false,
    log: (line) => log(`platform: ${line}`),
  });
}

async function keyFor(platform: RunningPlatform): Promise<string> {
  const admin = await ensureAdmin(
    platform.repo,
    process.env.SGDSCOPE_ADMIN_EMAIL ?? 'admin@localhost.localdomain',
  );
  return (await createApiKey(platform.repo, { userId: admin.userId, name: 'repro' })).secret;
}

async function main(options: Options): Promise<void> {
  const remote = options.api !== undefined;
  if (remote && !options.key) throw new Error('--api needs --key (an API key of an editor or admin)');
  let platform = remote ? undefined : await platformFor(options, false);
  const stop = async () => {
    await platform?.stop();
    platform = undefined;
  };
  process.once('SIGINT', () => {
    log('interrupted: stopping the platform (queued runs stay queued and resume on the next invocation)');
    void stop().then(() => process.exit(130));
  });
  try {
    const apiUrl = options.api ?? (platform as RunningPlatform).apiUrl;
    const key = options.key ?? (await keyFor(platform as RunningPlatform));
    const client = graphqlClient(apiUrl, key);
    const projectId = await ensureProject(client);
    const items = await submitPlan(client, projectId, await readPlan(), log);
    log(
      `${items.length} experiments in project reproduction (${items.filter((i) => i.created).length} queued now)`,
    );
    await waitForRuns(client, projectId, log);
    if (!options.measure) return;
    const results = await measureAll(client, projectId, items, log);
    const outDir = join(REPRO_DIR, 'results');
    await mkdir(outDir, { recursive: true });
    await writeFile(join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
    const markdown = renderResultsMarkdown(results);
    await writeFile(join(outDir, 'results.md'), markdown.whole);
    log(`wrote ${join(outDir, 'results.json')} and results.md`);
    if (options.writeReport) {
      const changed = await updateReport(markdown.sections);
      log(`docs/reproduction.md: ${changed} generated section(s) rewritten`);
    }
    if (options.figures) {
      if (remote) {
        log('figures: skipped with --api (they are rendered from an in-process web app)');
      } else {
        await stop();
        platform = await platformFor(options, true);
        const webKey = await keyFor(platform);
        await renderFigures(platform.webUrl as string, webKey, results, log);
      }
    }
  } finally {
    await stop();
  }
}

const program = new Command()
  .name('npm run repro --')
  .description(
    'Reproduce the seed papers on the platform: queue docs/repro/*.yaml, wait, measure through GraphQL, write docs/repro/results/, render figures.',
  )
  .option(
    '--data-dir <dir>',
    'embedded database directory, relative to where npm was run (ignored with DATABASE_URL)',
    '.sgdscope-repro',
  )
  .option('--api <url>', 'use a running platform at this API URL instead of starting one')
  .option('--key <key>', 'API key for --api (editor or admin)')
  .option('--no-measure', 'only queue the runs and wait for them')
  .option('--no-figures', 'do not render figures (they need Debian Chromium at /usr/bin/chromium)')
  .option('--write-report', "rewrite docs/reproduction.md's generated tables from the results", false)
  .option('--web-port <port>', 'port of the web app used for figures', '3100')
  .addHelpText(
    'after',
    `
Examples:
  $ npm run repro                                  # everything (about 35 min on 2 cores), embedded database
  $ npm run repro -- --no-figures --write-report   # measure and refresh the report's tables
  $ npm run repro -- --api http://127.0.0.1:4000 --key sgd_... --no-figures   # against a running platform
Outputs: docs/repro/results/results.{json,md}, docs/figures/*.png.`,
  );
program.parse();
const opts = program.opts<Options>();
main(opts).catch((error: unknown) => {
  console.error(`repro failed: ${(error as Error).stack ?? error}`);
  process.exitCode = 1;
});

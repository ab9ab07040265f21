/**
 * `npm start`: the platform in one command (see platform.ts). Prints the URLs, the admin API key (only
 * when freshly created) and the read-only reviewer link, then reports demo progress with timings measured
 * from process start. Ctrl-C (or SIGTERM) stops worker, web, API and database in that order.
 */
import 'reflect-metadata';
import type { RepoDeps } from '@sgdscope/db/repo/context';
import { startPlatform } from './platform.js';

const t0 = performance.now();
const elapsed = (): string => `${((performance.now() - t0) / 1000).toFixed(1)} s`;
const log = (line: string): void => console.log(`[sgdscope +${elapsed()}] ${line}`);

function portFrom(name: string, fallback: number): number {
  const raw = process.env[name];
  const port = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`${name} must be a port number, got ${raw}`);
  return port;
}

/** Prints "demo: k/n runs done" on change, and the first-finished and all-finished times. */
function watchDemo(repo: RepoDeps, projectId: string): () => void {
  let lastLine = '';
  let firstSeen = false;
  let allSeen = false;
  let busy = false;
  const timer = setInterval(async () => {
    // A slow query (the database is busy with the worker) must not let two ticks report the same event.
    if (busy) return;
    busy = true;
    try {
      const groups = await repo.prisma.run.groupBy({ by: ['status'], where: { projectId }, _count: true });
      const count = (status: string) => groups.find((g) => g.status === status)?._count ?? 0;
      const total = groups.reduce((sum, g) => sum + g._count, 0);
      const done = count('FINISHED') + count('FAILED') + count('CANCELED');
      const line = `demo: ${count('FINISHED')} finished, ${count('RUNNING')} running, ${count('QUEUED')} queued, ${count('FAILED')} failed (of ${total})`;
      if (line !== lastLine) log(line);
      lastLine = line;
      if (!firstSeen && count('FINISHED') > 0) {
        firstSeen = true;
        log(`first demo run finished (${elapsed()} after start)`);
      }
      if (!allSeen && total > 0 && done === total) {
        allSeen = true;
        log(`all demo runs done (${elapsed()} after start)`);
        clearInterval(timer);
      }
    } catch {
      // The database is going away (shutdown): nothing to report.
    } finally {
      busy = false;
    }
  }, 2000);
  return () => clearInterval(timer);
}

let stopWatching: () => void = () => undefined;
const platform = await (async () => {
  try {
    return await startPlatform({
      apiPort: portFrom('PORT', 4000),
      webPort: portFrom('WEB_PORT', 3000),
      web: process.env.SGDSCOPE_WEB !== '0',
      scale: process.env.SGDSCOPE_DEMO_SCALE === 'test' ? 'test' : 'demo',
      log,
      onApiReady: ({ apiUrl, repo, demoProjectId }) => {
        log(`API ready: ${apiUrl}/graphql`);
        // Watch from here, not after the web build, so the first-finished time is measured, not delayed.
        if (demoProjectId) stopWatching = watchDemo(repo, demoProjectId);
      },
    });
  } catch (error) {
    // Start-up errors (pending migrations, port in use, web build failure) are messages, not stack traces.
    console.error(`sgdscope: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
})();

const base = platform.webUrl ?? platform.apiUrl;
console.log(
  [
    '',
    `  sgdscope is up (${elapsed()} after start)`,
    platform.webUrl ? `  Web app:        ${platform.webUrl}` : '  Web app:        (disabled: SGDSCOPE_WEB=0)',
    `  GraphQL API:    ${platform.apiUrl}/graphql`,
    platform.viewToken ? `  Reviewer link:  ${base}/views/${platform.viewToken}   (read-only demo view)` : '',
    platform.adminKey
      ? `  Admin API key (shown once, store it now):\n    ${platform.adminKey}`
      : '  Admin API key:  created on the first start (not shown again)',
    `  Database:       ${platform.embedded ? `embedded PGlite (${platform.dataDir})` : 'PostgreSQL server'}`,
    '  Ctrl-C stops everything.',
    '',
  ]
    .filter((l) => l !== '')
    .join('\n'),
);

let stopping = false;
const shutdown = async (signal: string): Promise<void> => {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping worker (runs in progress end canceled), web, API, database...`);
  stopWatching();
  setTimeout(() => {
    log('shutdown is taking more than 60 s; exiting');
    process.exit(1);
  }, 60_000);
  // Not unref'd: pg-boss waits for its workers on unref'd timers, and an empty event loop would exit
  // before PGlite is closed (flushed).

  await platform.stop();
  log('stopped');
  process.exit(0);
};
// `on`, not `once`: tsx's signal relay exits 130 when it sees no SIGINT listener left mid-shutdown.
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

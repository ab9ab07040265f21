/**
 * The whole platform in one process: database (embedded PGlite unless DATABASE_URL), API, one trainer
 * worker and, optionally, the web app. First start seeds the live demo; later starts reuse the data and
 * re-queue runs a killed process left RUNNING. `stop()` shuts down worker first (runs in progress end
 * canceled), then web, API, queue and database.
 */
import { join, resolve } from 'node:path';
import type { RunQueueService } from '@sgdscope/api/context';
import { startApiServer } from '@sgdscope/api/http/server';
import { RunProgressBus } from '@sgdscope/api/pubsub';
import { LocalBlobStore } from '@sgdscope/db/blob/local';
import { createDb, type Db } from '@sgdscope/db/client';
import { DEFAULT_DATA_DIR, resolveDatabaseConfig } from '@sgdscope/db/config';
import type { RepoDeps } from '@sgdscope/db/repo/context';
import { useReadPool } from '@sgdscope/db/repo/raw';
import { validateConfig } from '@sgdscope/trainer/experiments/registry';
import { enqueueRun, openRunQueue } from '@sgdscope/trainer/worker/run-queue';
import type PgBoss from 'pg-boss';
import { ensureAdmin, ensureDemoKey } from './bootstrap.js';
import { type DemoScale, findDemoProject, seedDemo } from './demo.js';
import { recoverOrphanedRuns } from './recovery.js';
import { assertSchemaCurrent } from './schema-check.js';
import { ensureWebBuilt, startWeb, type WebProcess } from './web.js';
import { type PlatformWorker, startPlatformWorker } from './worker-runtime.js';

export interface PlatformOptions {
  /** Environment to resolve DATABASE_URL, SGDSCOPE_DATA_DIR, SGDSCOPE_MIGRATE from (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** API port (0: any free port). */
  readonly apiPort: number;
  /** Web port; ignored without `web`. */
  readonly webPort?: number;
  readonly web: boolean;
  /** Run the in-process worker (default true). */
  readonly worker?: boolean;
  /** Seed the demo on a database without one (default true). */
  readonly demo?: boolean;
  readonly scale?: DemoScale;
  readonly log?: (line: string) => void;
  /** Worker timing (tests shorten them). */
  readonly heartbeatMs?: number;
  readonly staleAfterMs?: number;
  /** Called as soon as the API listens (before the web build), so the first URL is printed early. */
  readonly onApiReady?: (ready: {
    apiUrl: string;
    repo: RepoDeps;
    demoProjectId: string | undefined;
  }) => void;
}

export interface RunningPlatform {
  readonly db: Db;
  readonly repo: RepoDeps;
  readonly boss: PgBoss;
  readonly apiUrl: string;
  readonly webUrl: string | undefined;
  readonly embedded: boolean;
  readonly dataDir: string;
  /** The admin API key, only on the start that created the admin. */
  readonly adminKey: string | undefined;
  /** The read-only demo key handed to the web app. */
  readonly demoKey: string | undefined;
  readonly demoProjectId: string | undefined;
  readonly viewToken: string | undefined;
  /** True when this start seeded the demo (first start). */
  readonly seeded: boolean;
  readonly worker: PlatformWorker | undefined;
  /** Runs found RUNNING (killed) or QUEUED without a job at start, and queued again. */
  readonly recovered: { readonly requeued: readonly string[]; readonly enqueued: readonly string[] };
  stop(): Promise<void>;
}

/** The data directory: `SGDSCOPE_DATA_DIR`, else `./.sgdscope/`, resolved against INIT_CWD (npm) or cwd. */
export function dataDirOf(env: NodeJS.ProcessEnv): string {
  return resolve(env.INIT_CWD || process.cwd(), env.SGDSCOPE_DATA_DIR?.trim() || DEFAULT_DATA_DIR);
}

/** Starts everything; see the module comment. On a failure part-way, what started is stopped again. */
/** The API's view of the pg-boss run queue: the trainer's config schemas and enqueueRun. */
function pgBossRunQueue(boss: PgBoss): RunQueueService {
  return {
    async validate(kind, config) {
      await validateConfig(kind, config);
    },
    async enqueue(runs) {
      for (const run of runs)
        await enqueueRun(boss, run.id, run.kind as Parameters<typeof enqueueRun>[2], run.config);
    },
  };
}

export async function startPlatform(options: PlatformOptions): Promise<RunningPlatform> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => console.log(`[sgdscope] ${line}`));
  const dataDir = dataDirOf(env);
  const config = resolveDatabaseConfig({ ...env, SGDSCOPE_DATA_DIR: dataDir });
  const embedded = config.kind === 'embedded';
  const cleanups: Array<[string, () => Promise<void>]> = [];
  const step = async (name: string, fn: () => Promise<void>): Promise<void> => {
    const t = performance.now();
    await fn().catch((error: unknown) => log(`shutdown: ${name}: ${(error as Error).message}`));
    log(`stopped ${name} (${Math.round(performance.now() - t)} ms)`);
  };
  let stopWorkerFirst: (() => Promise<void>) | undefined;
  const stopAll = async () => {
    const workerStop = stopWorkerFirst;
    stopWorkerFirst = undefined;
    if (workerStop) await step('worker', workerStop);
    while (cleanups.length > 0) {
      const [name, next] = cleanups.pop() as [string, () => Promise<void>];
      await step(name, next);
    }
  };
  try {
    log(
      embedded
        ? `database: embedded PGlite in ${config.pgDataDir}`
        : 'database: PostgreSQL server (DATABASE_URL)',
    );
    // A server is migrated only on request (team mode: someone else may own the schema); PGlite is ours.
    const db = await createDb({ config, migrate: embedded || env.SGDSCOPE_MIGRATE === '1' });
    cleanups.push(['database', () => db.close()]);
    if (!embedded && env.SGDSCOPE_MIGRATE !== '1') await assertSchemaCurrent(db.prisma);
    // Hot API reads go straight to the pg pool (Prisma's client costs several times the SQL's CPU).
    useReadPool(db.prisma, db.pool);
    const repo: RepoDeps = { prisma: db.prisma, blobs: new LocalBlobStore(join(dataDir, 'blobs')) };

    const boss = await openRunQueue({ connectionString: db.url, maxConnections: 2 });
    cleanups.push(['queue', () => boss.stop({ graceful: true, wait: true, timeout: 10_000 })]);

    // Single process on PGlite: whatever is RUNNING was left by a killed earlier start.
    const recovered = embedded
      ? await recoverOrphanedRuns(repo, boss, { staleAfterMs: 0 })
      : { requeued: [], enqueued: [] };
    for (const id of recovered.requeued) log(`run ${id} was running when the platform stopped: re-queued`);

    const admin = await ensureAdmin(repo, env.SGDSCOPE_ADMIN_EMAIL ?? 'admin@localhost.localdomain');
    let demo = await findDemoProject(repo);
    let seeded = false;
    let viewToken: string | undefined = demo?.viewToken ?? undefined;
    if (!demo && options.demo !== false) {
      const started = performance.now();
      const s = await seedDemo({ repo, boss }, { scale: options.scale ?? 'demo', adminUserId: admin.userId });
      log(`demo seeded: ${s.runs.length} runs queued in ${Math.round(performance.now() - started)} ms`);
      demo = { projectId: s.projectId, viewToken: s.viewToken, demoUserId: s.demoUserId };
      viewToken = s.viewToken;
      seeded = true;
    }
    const demoKey = demo?.demoUserId
      ? await ensureDemoKey(repo, demo.demoUserId, join(dataDir, 'demo-api-key'))
      : undefined;

    const progress = new RunProgressBus();
    const api = await startApiServer({
      services: { repo, progress, runQueue: pgBossRunQueue(boss) },
      port: options.apiPort,
      host: '127.0.0.1',
    });
    cleanups.push(['API', () => api.close()]);
    options.onApiReady?.({ apiUrl: api.url, repo, demoProjectId: demo?.projectId });

    let worker: PlatformWorker | undefined;
    if (options.worker !== false) {
      worker = await startPlatformWorker({
        connectionString: db.url,
        repo,
        spoolDir: join(dataDir, 'spool'),
        concurrency: 1,
        heartbeatMs: options.heartbeatMs,
        singleProcess: embedded,
        staleAfterMs: options.staleAfterMs,
        log,
      });
      // Stopped first whatever starts after it (see stopAll): runs end canceled before the API goes away.
      stopWorkerFirst = () => (worker as PlatformWorker).stop();
    }

    let web: WebProcess | undefined;
    if (options.web) {
      await ensureWebBuilt(log);
      web = await startWeb({ port: options.webPort ?? 3000, apiUrl: api.url, apiKey: demoKey ?? '' });
      cleanups.push(['web', () => (web as WebProcess).stop()]);
    }

    return {
      db,
      repo,
      boss,
      apiUrl: api.url,
      webUrl: web?.url,
      embedded,
      dataDir,
      adminKey: admin.freshSecret,
      demoKey,
      demoProjectId: demo?.projectId,
      viewToken,
      seeded,
      worker,
      recovered,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

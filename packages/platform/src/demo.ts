/**
 * The live demo a first `npm start` fills the platform with: a demo project, a read-only demo user and
 * real CPU-sized experiments queued through the run queue, so every page has data arriving while one
 * watches. Runs are ordered by queue priority so that the toys (seconds each) finish first:
 *
 *  1. fractal-landscape study (seed 000, Eq. 10) with its controls: shuffled, cone, paraboloid (spec §5.10);
 *  2. Styblinski–Tang escape sweep over batch size B × learning rate η (seed 001; spec §5.14: η, B tuned so
 *     mean escape times fall between 50 and 1e5 iterations: values from the trainer's escape-law test);
 *  3. degenerate-valley phase sweep over (η, ΔS) (seed 002), one η per run so the sweep's phase diagram pools them;
 *  4. an MLP 784-100-10 on the shipped MNIST digits (seed 000 network experiment).
 *
 * Sweeps are created with the repository's createSweep, so the sweep pages group their runs.
 */
import type { RepoDeps } from '@sgdscope/db/repo/context';
import { addMember, createProject, createUser } from '@sgdscope/db/repo/projects';
import { createRun } from '@sgdscope/db/repo/runs';
import { createSweep } from '@sgdscope/db/repo/sweeps';
import type { JsonObject, JsonValue, RunKind } from '@sgdscope/db/repo/types';
import { saveView } from '@sgdscope/db/repo/views';
import { enqueueRun } from '@sgdscope/trainer/worker/run-queue';
import type PgBoss from 'pg-boss';

/** 'demo': what `npm start` queues (all done in minutes on 2 cores); 'test': the same shapes, tiny. */
export type DemoScale = 'demo' | 'test';

export interface DemoDeps {
  readonly repo: RepoDeps;
  readonly boss: PgBoss;
}

export interface SeedDemoOptions {
  readonly scale: DemoScale;
  /** A user to make admin of the demo project (the platform's first user). */
  readonly adminUserId?: string;
  readonly projectSlug?: string;
}

export interface DemoRun {
  readonly id: string;
  readonly name: string;
  readonly kind: RunKind;
  readonly sweepId: string | null;
}

export interface SeededDemo {
  readonly projectId: string;
  readonly demoUserId: string;
  readonly runs: readonly DemoRun[];
  readonly sweepIds: { readonly fractal: string; readonly escape: string; readonly phase: string };
  /** Token of the saved reviewer view (`/views/<token>`). */
  readonly viewToken: string;
}

export const DEMO_PROJECT_SLUG = 'demo';
export const DEMO_USER_EMAIL = 'demo-reviewer@sgdscope.local';

interface Plan {
  readonly fractal: { base: JsonObject; landscapes: string[] };
  readonly escape: { base: JsonObject; grid: Record<string, JsonValue[]> };
  readonly phase: { base: JsonObject; etas: number[] };
  readonly network: JsonObject;
}

/** Experiment sizes per scale; every config is validated by the trainer's zod schema at enqueue. */
export function demoPlan(scale: DemoScale): Plan {
  const demo = scale === 'demo';
  return {
    fractal: {
      base: {
        levels: demo ? 9 : 7,
        steps: demo ? 5000 : 300,
        repeats: demo ? 4 : 2,
        landscapeArtifactSize: demo ? 129 : 33,
        seed: 1,
      },
      landscapes: ['fractal', 'shuffled', 'cone', 'paraboloid'],
    },
    escape: {
      base: { noise: 'sgd', repeats: demo ? 60 : 8, maxSteps: demo ? 100_000 : 20_000, seed: 2 },
      // Measured here at 60 repeats: (B, η) = (0.05, 0.025) and (0.04, 0.025) escape in 14-30 iterations on
      // average, below spec §5.14's 50; B 0.05-0.07 × η 0.018-0.022 spans roughly 1e2-1e4 iterations.
      grid: demo
        ? { batchSize: [0.05, 0.06, 0.07], eta: [0.018, 0.02, 0.022] }
        : { batchSize: [0.05], eta: [0.022] },
    },
    phase: {
      base: {
        shiftVariances: demo ? [1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1] : [0.01, 0.3],
        replicates: demo ? 8 : 2,
        // The trainer's valley test classifies I/II/III at dynamical time 1000; at 200 (measured here) no cell
        // had settled into phase I yet, so the demo diagram showed only II and III.
        dynamicalTime: demo ? 1000 : 20,
        seed: 3,
      },
      etas: demo ? [0.03, 0.1, 0.3, 1] : [0.2],
    },
    network: {
      model: { type: 'mlp', hidden: [100] },
      data: { source: 'mnist-embedded' },
      learningRate: 0.1,
      batchSize: 64,
      steps: demo ? 3000 : 300,
      seed: 4,
      backend: 'wasm',
      // A JL sketch keeps the stored trajectory small (79,510 weights per step otherwise). Sketching costs
      // ~65 ms per stored row at d = 256 (measured here; a plain wasm step is ~14 ms). The pipeline's
      // trajectory estimators need at least 1000 rows (one default window): 3000 steps at stride 2 give 1500.
      trajectory: { stride: 2, sketchDim: demo ? 128 : 64 },
      gradientSample: { windowSteps: demo ? 1000 : 100, samplesPerWindow: demo ? 2000 : 500 },
      checkpointEvery: demo ? 500 : 100,
    },
  };
}

/** Queue priorities: pg-boss fetches higher first, so the quick toys finish before the network run. */
const PRIORITY = { fractal: 40, escape: 30, phase: 20, network: 10 } as const;

async function queue(deps: DemoDeps, run: DemoRun, config: JsonObject, priority: number): Promise<void> {
  await enqueueRun(deps.boss, run.id, run.kind, config, { priority });
}

/**
 * Creates the demo project, user and runs and queues every run (see the module comment). Not idempotent:
 * the platform calls it only when the demo project does not exist yet (see {@link findDemoProject}).
 */
export async function seedDemo(deps: DemoDeps, options: SeedDemoOptions): Promise<SeededDemo> {
  const { repo } = deps;
  const plan = demoPlan(options.scale);
  const project = await createProject(repo, {
    slug: options.projectSlug ?? DEMO_PROJECT_SLUG,
    name: 'Demo: SGD as a physical process',
    description:
      'Live demo runs queued by the first `npm start`: fractal toys, escape and phase sweeps, MNIST.',
  });
  const demoUser =
    (await repo.prisma.user.findUnique({ where: { email: DEMO_USER_EMAIL } })) ??
    (await createUser(repo, { email: DEMO_USER_EMAIL, name: 'Demo reviewer' }));
  await addMember(repo, { projectId: project.id, userId: demoUser.id, role: 'viewer' });
  if (options.adminUserId)
    await addMember(repo, { projectId: project.id, userId: options.adminUserId, role: 'admin' });

  const runs: DemoRun[] = [];
  const fractal = await createSweep(repo, {
    projectId: project.id,
    name: 'fractal-landscape study',
    kind: 'fractal_landscape',
    baseConfig: plan.fractal.base,
    grid: { landscape: plan.fractal.landscapes },
    tags: ['demo', 'seed-000'],
  });
  const escapeSweep = await createSweep(repo, {
    projectId: project.id,
    name: 'Styblinski-Tang escape',
    kind: 'escape',
    baseConfig: plan.escape.base,
    grid: plan.escape.grid,
    tags: ['demo', 'seed-001'],
  });
  const phase = await createSweep(repo, {
    projectId: project.id,
    name: 'degenerate-valley phase diagram',
    kind: 'phase_diagram',
    baseConfig: plan.phase.base,
    grid: { etas: plan.phase.etas.map((eta) => [eta]) },
    tags: ['demo', 'seed-002'],
  });
  const network = await createRun(repo, {
    projectId: project.id,
    name: 'MLP 784-100-10 on MNIST',
    kind: 'network',
    config: plan.network,
    tags: ['demo', 'seed-000'],
  });

  const groups: Array<[readonly { id: string; name: string; kind: RunKind; config: JsonObject }[], number]> =
    [
      [fractal.runs, PRIORITY.fractal],
      [escapeSweep.runs, PRIORITY.escape],
      [phase.runs, PRIORITY.phase],
      [[network], PRIORITY.network],
    ];
  for (const [group, priority] of groups) {
    for (const r of group) {
      const run: DemoRun = { id: r.id, name: r.name, kind: r.kind, sweepId: null };
      runs.push(run);
      await queue(deps, run, r.config, priority);
    }
  }

  // Saved up front: the reviewer link works at once and fills in as the runs finish.
  const view = await saveView(repo.prisma, {
    projectId: project.id,
    createdById: options.adminUserId ?? demoUser.id,
    title: 'Demo: fractal landscape vs controls, and MNIST',
    note: 'Read-only reviewer view over the demo runs (seed 000): the fractal landscape against its shuffled, cone and paraboloid controls, and the MLP on MNIST.',
    runIds: [...fractal.runs.map((r) => r.id), network.id],
    chartSettings: { series: ['loss'], xScale: 'log', yScale: 'log' },
  });

  return {
    projectId: project.id,
    demoUserId: demoUser.id,
    runs: runs.map((r) => ({ ...r, sweepId: sweepOf(r.id, { fractal, escape: escapeSweep, phase }) })),
    sweepIds: { fractal: fractal.sweep.id, escape: escapeSweep.sweep.id, phase: phase.sweep.id },
    viewToken: view.token,
  };
}

function sweepOf(
  runId: string,
  sweeps: Record<string, { sweep: { id: string }; runs: readonly { id: string }[] }>,
): string | null {
  for (const s of Object.values(sweeps)) if (s.runs.some((r) => r.id === runId)) return s.sweep.id;
  return null;
}

/** The demo project's id and its saved view token, or null when the demo was never seeded here. */
export async function findDemoProject(
  repo: RepoDeps,
  slug: string = DEMO_PROJECT_SLUG,
): Promise<{ projectId: string; viewToken: string | null; demoUserId: string | null } | null> {
  const project = await repo.prisma.project.findUnique({ where: { slug }, select: { id: true } });
  if (!project) return null;
  const view = await repo.prisma.savedView.findFirst({
    where: { projectId: project.id },
    orderBy: { createdAt: 'asc' },
    select: { token: true },
  });
  const user = await repo.prisma.user.findUnique({ where: { email: DEMO_USER_EMAIL }, select: { id: true } });
  return { projectId: project.id, viewToken: view?.token ?? null, demoUserId: user?.id ?? null };
}

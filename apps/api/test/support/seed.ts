/**
 * Seeded fixture for the API tests, written through the repository layer only: four users with
 * keys (admin, editor, viewer of project A; outsider who administers project B), runs in a 2-key
 * grid with replicates, diffusion-like analysis results (alpha per window with CIs, MSD curves),
 * loss series with a spike, and a comment.
 */
import { createRng } from '@sgdscope/analysis/random';
import { saveAnalysisResult } from '@sgdscope/db/repo/analysis';
import { createApiKey } from '@sgdscope/db/repo/api-keys';
import type { RepoDeps } from '@sgdscope/db/repo/context';
import { addMember, createProject, createUser } from '@sgdscope/db/repo/projects';
import { createRun } from '@sgdscope/db/repo/runs';
import { appendSteps } from '@sgdscope/db/repo/steps';
import type { RunRecord } from '@sgdscope/db/repo/types';

export interface SeededRun {
  readonly run: RunRecord;
  readonly batchSize: number;
  readonly momentum: number;
  /** alpha in window 0 and 1 as stored. */
  readonly alpha: [number, number];
}

export interface Seed {
  readonly keys: { admin: string; editor: string; viewer: string; outsider: string };
  readonly userIds: { admin: string; editor: string; viewer: string; outsider: string };
  readonly projectA: string;
  readonly projectB: string;
  readonly runs: SeededRun[];
  /** A run of project B (only the outsider may read it). */
  readonly foreignRunId: string;
  /** Steps of the seeded loss series and the step of its spike. */
  readonly lossSteps: number;
  readonly spikeStep: number;
}

export const BATCH_SIZES = [32, 128] as const;
export const MOMENTA = [0, 0.9] as const;
export const REPLICATES = 4;

/** Seed the fixture. Deterministic: alphas come from a seeded RNG. */
export async function seed(repo: RepoDeps): Promise<Seed> {
  const users = {
    admin: await createUser(repo, { email: 'admin@a.test', name: 'Admin' }),
    editor: await createUser(repo, { email: 'editor@a.test', name: 'Editor' }),
    viewer: await createUser(repo, { email: 'viewer@a.test', name: 'Viewer' }),
    outsider: await createUser(repo, { email: 'outsider@b.test', name: 'Outsider' }),
  };
  const a = await createProject(repo, { slug: 'proj-a', name: 'A' });
  const b = await createProject(repo, { slug: 'proj-b', name: 'B' });
  await addMember(repo, { projectId: a.id, userId: users.admin.id, role: 'admin' });
  await addMember(repo, { projectId: a.id, userId: users.editor.id, role: 'editor' });
  await addMember(repo, { projectId: a.id, userId: users.viewer.id, role: 'viewer' });
  await addMember(repo, { projectId: b.id, userId: users.outsider.id, role: 'admin' });
  const key = async (u: { id: string }) => (await createApiKey(repo, { userId: u.id, name: 'test' })).secret;

  const rng = createRng(7);
  const runs: SeededRun[] = [];
  let i = 0;
  for (const batchSize of BATCH_SIZES) {
    for (const momentum of MOMENTA) {
      for (let r = 0; r < REPLICATES; r++) {
        const run = await createRun(repo, {
          projectId: a.id,
          name: `run-${i}`,
          kind: 'network',
          config: {
            model: 'mlp',
            batchSize,
            learningRate: 0.1,
            seed: r,
            optimizer: { name: 'sgd', momentum },
          },
          tags: r % 2 === 0 ? ['even', 'grid'] : ['grid'],
        });
        const alpha: [number, number] = [0.8 + 0.6 * rng.next(), 0.9 + 0.3 * rng.next()];
        await saveAnalysisResult(repo, run.id, {
          estimator: 'diffusion',
          estimatorVersion: 'test-1',
          params: { windowSize: 100 },
          details: { rmse: 0.01 },
          scalars: alpha.map((value, window) => ({
            name: 'alpha',
            window,
            value,
            stdErr: 0.02,
            ci: { lower: value - 0.04, upper: value + 0.04, level: 0.95 },
          })),
          curves: [0, 1].map((window) => ({
            name: 'msd',
            window,
            tw: window * 100,
            x: [1, 2, 4, 8],
            y: [1, 2, 4, 8].map((t) => t ** alpha[window]),
          })),
        });
        runs.push({ run, batchSize, momentum, alpha });
        i++;
      }
    }
  }
  const lossSteps = 3000;
  const spikeStep = 1234;
  const loss = Array.from({ length: lossSteps }, (_, s) => (s === spikeStep ? 50 : 2 * Math.exp(-s / 500)));
  await appendSteps(repo, runs[0].run.id, {
    fromStep: 0,
    series: { loss, gradNorm: loss.map((v) => v / 2) },
  });

  const foreign = await createRun(repo, {
    projectId: b.id,
    name: 'foreign',
    kind: 'network',
    config: { batchSize: 8 },
  });
  return {
    keys: {
      admin: await key(users.admin),
      editor: await key(users.editor),
      viewer: await key(users.viewer),
      outsider: await key(users.outsider),
    },
    userIds: {
      admin: users.admin.id,
      editor: users.editor.id,
      viewer: users.viewer.id,
      outsider: users.outsider.id,
    },
    projectA: a.id,
    projectB: b.id,
    runs,
    foreignRunId: foreign.id,
    lossSteps,
    spikeStep,
  };
}

/**
 * Seeds a database the way the platform fills it: raw data (trajectories, loss series, gradient samples, Hessian
 * eigenvalues, escape times, phase outcomes) written through the repository, then every applicable estimator run by
 * the pipeline. The pages under test therefore show real analysis results of data with known ground truth.
 */
import { brownianWalk, createRng, crossoverWalk, type Rng, stableSample } from '@sgdscope/analysis';
import { addMember, createApiKey, createProject, createUser } from '@sgdscope/db';
import { writeArtifact } from '@sgdscope/db/repo/artifacts';
import type { RepoDeps } from '@sgdscope/db/repo/context';
import { finishRun, startRun } from '@sgdscope/db/repo/runs';
import { appendSteps } from '@sgdscope/db/repo/steps';
import { createSweep } from '@sgdscope/db/repo/sweeps';
import { writeTrajectoryChunk } from '@sgdscope/db/repo/trajectory';
import { saveView } from '@sgdscope/db/repo/views';
import { analyzeRunAll } from '@sgdscope/pipeline';

export interface WebFixture {
  readonly aliceKey: string;
  readonly bobKey: string;
  readonly projectId: string;
  readonly otherProjectId: string;
  readonly networkRunIds: readonly string[];
  readonly networkSweepId: string;
  readonly escapeSweepId: string;
  readonly phaseSweepId: string;
  readonly viewToken: string;
}

const STEPS = 2000;
const D = 6;

async function writeTrajectory(
  deps: RepoDeps,
  runId: string,
  data: Float32Array | Float64Array,
): Promise<void> {
  const chunkRows = 500;
  for (let seq = 0; seq * chunkRows < STEPS; seq++) {
    const from = seq * chunkRows;
    await writeTrajectoryChunk(deps, runId, {
      seq,
      fromStep: from,
      rows: chunkRows,
      d: D,
      dtype: 'float32',
      data: Float32Array.from(data.subarray(from * D, (from + chunkRows) * D)),
    });
  }
}

async function seedNetworkRun(
  deps: RepoDeps,
  runId: string,
  rng: Rng,
  superdiffusive: boolean,
): Promise<void> {
  await startRun(deps, runId, { backend: 'synthetic', codeVersion: 'test' });
  const path = superdiffusive ? crossoverWalk(rng, STEPS, D) : brownianWalk(rng, STEPS, D);
  await writeTrajectory(deps, runId, path.data);
  const loss = Float64Array.from(
    { length: STEPS },
    (_, t) => 2 * Math.exp(-t / 400) + 0.05 * Math.abs(rng.normal()),
  );
  await appendSteps(deps, runId, { fromStep: 0, series: { loss } });
  for (let w = 0; w < 2; w++) {
    const data = Float64Array.from({ length: 2000 }, () => stableSample(rng, 1.4 + 0.2 * w, 0, 0.01, 0));
    await writeArtifact(deps, runId, {
      name: 'gradient_sample',
      step: w * 1000,
      shape: [2000],
      data,
      meta: { window: w },
    });
  }
  for (const [i, step] of [0, 1000, 2000].entries()) {
    const top = Float64Array.from([10, 7, 3].map((v) => v / (1 + i)));
    await writeArtifact(deps, runId, { name: 'hessian_top_eigenvalues', step, shape: [3], data: top });
  }
  await finishRun(deps, runId, { status: 'finished', summary: { finalLoss: loss[STEPS - 1] } });
  await analyzeRunAll(deps, runId);
}

export async function seedWebFixture(deps: RepoDeps): Promise<WebFixture> {
  const rng = createRng(2026);
  const alice = await createUser(deps, { email: 'alice@example.org', name: 'Alice' });
  const bob = await createUser(deps, { email: 'bob@example.org', name: 'Bob' });
  const aliceKey = (await createApiKey(deps, { userId: alice.id, name: 'web-e2e' })).secret;
  const bobKey = (await createApiKey(deps, { userId: bob.id, name: 'web-e2e' })).secret;
  const project = await createProject(deps, { slug: 'diffusion-study', name: 'Diffusion study' });
  const other = await createProject(deps, { slug: 'private', name: 'Private project' });
  await addMember(deps, { projectId: project.id, userId: alice.id, role: 'editor' });
  await addMember(deps, { projectId: other.id, userId: bob.id, role: 'admin' });

  const network = await createSweep(deps, {
    projectId: project.id,
    name: 'batch-size',
    kind: 'network',
    baseConfig: { model: 'mlp', dataset: 'mnist', optimizer: 'sgd', learningRate: 0.1 },
    grid: { batchSize: [64, 128, 256] },
    replicates: 2,
  });
  for (const [i, run] of network.runs.entries()) await seedNetworkRun(deps, run.id, rng, i % 2 === 0);

  const escapeSweep = await createSweep(deps, {
    projectId: project.id,
    name: 'escape-B',
    kind: 'escape',
    baseConfig: { learningRate: 0.02, repeats: 100 },
    grid: { batchSize: [1, 2, 3, 4] },
  });
  for (const run of escapeSweep.runs) {
    await startRun(deps, run.id);
    const rate = Math.exp(-(1 + 0.8 * (run.config.batchSize as number)));
    const times = Float64Array.from({ length: 100 }, () => -Math.log(1 - rng.next()) / rate);
    await writeArtifact(deps, run.id, { name: 'escape_time', step: 1, shape: [100], data: times });
    await writeArtifact(deps, run.id, {
      name: 'escaped',
      step: 1,
      shape: [100],
      data: new Float64Array(100).fill(1),
    });
    await finishRun(deps, run.id, { status: 'finished' });
    await analyzeRunAll(deps, run.id);
  }

  // Not log-uniform on purpose: the heatmap must still tile its cells without gaps.
  const etas = [0.05, 0.1, 0.25, 0.4];
  const factors = [0.25, 0.5, 1, 2, 4];
  const phase = await createSweep(deps, {
    projectId: project.id,
    name: 'valley-phases',
    kind: 'phase_diagram',
    baseConfig: {},
    grid: { eta: etas },
    replicates: 8,
  });
  for (const run of phase.runs) {
    await startRun(deps, run.id);
    const eta = run.config.eta as number;
    const shiftVariances = factors.map((f) => (f * 0.01) / eta);
    const codes = Float64Array.from(shiftVariances, (s) => {
      const p = 1 / (1 + Math.exp(-4 * Math.log((s * eta) / 0.01)));
      return s * eta > 0.3 ? 3 : rng.next() < p ? 2 : 1;
    });
    await writeArtifact(deps, run.id, {
      name: 'phase',
      step: 0,
      shape: [1, shiftVariances.length],
      data: codes,
      meta: { etas: [eta], shiftVariances },
    });
    await finishRun(deps, run.id, { status: 'finished' });
  }

  const view = await saveView(deps.prisma, {
    projectId: project.id,
    createdById: alice.id,
    title: 'Batch size 64 vs 256',
    note: 'Frozen for review: MSD exponents of two replicates.',
    runIds: [network.runs[0].id, network.runs[4].id],
    chartSettings: {},
  });

  return {
    aliceKey,
    bobKey,
    projectId: project.id,
    otherProjectId: other.id,
    networkRunIds: network.runs.map((r) => r.id),
    networkSweepId: network.sweep.id,
    escapeSweepId: escapeSweep.sweep.id,
    phaseSweepId: phase.sweep.id,
    viewToken: view.token,
  };
}

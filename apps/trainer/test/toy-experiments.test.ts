import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ConfigError,
  experimentKinds,
  getExperiment,
  runEscapeExperiment,
  runFractalExperiment,
  runValleyExperiment,
  validateConfig,
} from '../src/experiments/index.js';
import type { Artifact, RunRecorder, StepBatch, TrajectoryChunk } from '../src/recording/recorder.js';

/** Keeps every call in memory (the recording package's own MemoryRecorder is not a dependency of these tests). */
class CollectingRecorder implements RunRecorder {
  started?: Parameters<RunRecorder['start']>[0];
  batches: StepBatch[] = [];
  chunks: TrajectoryChunk[] = [];
  artifacts = new Map<string, Artifact>();
  finished?: { status: string; summary?: Readonly<Record<string, unknown>> };
  async start(info: Parameters<RunRecorder['start']>[0]): Promise<void> {
    this.started = info;
  }
  async logSteps(batch: StepBatch): Promise<void> {
    this.batches.push(batch);
  }
  async writeTrajectoryChunk(chunk: TrajectoryChunk): Promise<void> {
    this.chunks.push(chunk);
  }
  async writeArtifact(artifact: Artifact): Promise<void> {
    this.artifacts.set(artifact.name, artifact);
  }
  async lastStep(): Promise<number> {
    return -1;
  }
  async finish(
    status: 'finished' | 'failed' | 'canceled',
    summary?: Readonly<Record<string, unknown>>,
  ): Promise<void> {
    this.finished = { status, summary };
  }
}

describe('experiment registry', () => {
  it('lists the toy kinds and fills defaults', async () => {
    for (const kind of ['escape', 'fractal_landscape', 'phase_diagram', 'network']) {
      assert.ok(experimentKinds().includes(kind), `${kind} not registered`);
    }
    const network = await validateConfig('network', {});
    assert.equal(typeof network.seed, 'number', 'the lazily loaded network schema fills defaults');
    const config = await validateConfig('fractal_landscape', { hurst: 0.5 });
    assert.equal(config.hurst, 0.5);
    assert.equal(config.eta, 0.02);
    assert.equal(config.sigma, 0.01);
    assert.equal(config.steps, 1000);
  });

  it('names bad and unknown keys and unknown kinds', async () => {
    await assert.rejects(
      validateConfig('escape', { eta: -1, batchsize: 2 }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.issues.some((i) => i.startsWith('eta:')) &&
        e.issues.some((i) => i.includes('batchsize')),
    );
    await assert.rejects(getExperiment('nope'), /not one of .*escape/);
    await assert.rejects(validateConfig('fractal_landscape', { start: [0, 2] }), /start\.1:/);
  });
});

describe('toy experiments record through the RunRecorder contract', () => {
  it('fractal: trajectory chunks (d = 2 repeats), loss series, gradients and landscape artifacts', async () => {
    const rec = new CollectingRecorder();
    const config = await validateConfig('fractal_landscape', {
      levels: 6,
      steps: 250,
      repeats: 2,
      chunkRows: 100,
    });
    const out = await (await getExperiment('fractal_landscape')).run(config, rec);
    assert.equal(out.status, 'finished');
    assert.equal(rec.started?.kind, 'fractal_landscape');
    assert.deepEqual(
      rec.chunks.map((c) => [c.seq, c.fromStep, c.rows, c.d]),
      [
        [0, 0, 100, 4],
        [1, 100, 100, 4],
        [2, 200, 51, 4],
      ],
    );
    assert.equal(rec.batches[0].series.loss.length, 251);
    assert.equal(rec.batches[0].series.loss_r1.length, 251);
    assert.deepEqual(rec.artifacts.get('gradients')?.shape, [2, 250, 2]);
    assert.deepEqual(rec.artifacts.get('landscape_r0')?.shape, [65, 65]);
    for (const c of rec.chunks) for (const v of c.data) assert.ok(Math.abs(v) <= 1);
    assert.equal(rec.finished?.status, 'finished');
  });

  it('fractal: an aborted run finishes as canceled with what it recorded', async () => {
    const rec = new CollectingRecorder();
    const controller = new AbortController();
    const config = await validateConfig('fractal_landscape', { levels: 5, steps: 5000, repeats: 3 });
    const out = await runFractalExperiment(config as Parameters<typeof runFractalExperiment>[0], rec, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.step >= 1000) controller.abort();
      },
    });
    assert.equal(out.status, 'canceled');
    assert.equal(rec.finished?.status, 'canceled');
    const rows = rec.chunks.reduce((s, c) => s + c.rows, 0);
    assert.ok(rows > 0 && rows <= 1001, `rows ${rows}`);
  });

  it('escape: escape-time artifacts and a rate summary', async () => {
    const rec = new CollectingRecorder();
    const config = await validateConfig('escape', { repeats: 20, seed: 3 });
    const out = await runEscapeExperiment(config as Parameters<typeof runEscapeExperiment>[0], rec);
    const iters = rec.artifacts.get('escape_iterations')!;
    const time = rec.artifacts.get('escape_time')!;
    assert.equal(iters.data.length, 20);
    assert.ok(Math.abs(time.data[0] - 0.02 * iters.data[0]) < 1e-12);
    const summary = out.summary as { escaped: number; barrier: number; ratePerTime: { rate: number } };
    assert.equal(summary.escaped, 20);
    assert.ok(Math.abs(summary.barrier - 25.23) < 0.01);
    assert.ok(summary.ratePerTime.rate > 0);
  });

  it('phase diagram: per-cell phase grid, flatness, search time and final states', async () => {
    const rec = new CollectingRecorder();
    const config = await validateConfig('phase_diagram', {
      etas: [0.1, 1],
      shiftVariances: [0.003, 0.3, 1],
      replicates: 6,
    });
    await runValleyExperiment(config as Parameters<typeof runValleyExperiment>[0], rec);
    const phase = rec.artifacts.get('phase')!;
    assert.deepEqual(phase.shape, [2, 3]);
    // eta = 0.1: Delta = 3e-4 (I), 0.03 (II), 0.1 (II or III); eta = 1: 3e-3 (I), 0.3 (III), 1 (III).
    assert.equal(phase.data[0], 1);
    assert.equal(phase.data[1], 2);
    assert.equal(phase.data[3], 1);
    assert.equal(phase.data[4], 3);
    assert.equal(phase.data[5], 3);
    assert.deepEqual(rec.artifacts.get('final_state')?.shape, [6, 6, 2]);
    const flat = rec.artifacts.get('flatness')!.data;
    // Phase II sits at flatter points than phase I: F(x_s) > F(0) = 1/sqrt(1.01).
    assert.ok(flat[1] > flat[0], `flatness I ${flat[0]} vs II ${flat[1]}`);
  });
});

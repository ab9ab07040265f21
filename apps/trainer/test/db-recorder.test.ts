/**
 * DbRecorder end to end on the database (PGlite embedded; the synthetic cases also on the PostgreSQL server):
 * a toy experiment from the trainer's registry recorded through an outage (the repository throws connection
 * errors for a stretch of calls) matches the same run recorded in memory exactly; step batches spooled through an
 * outage and a simulated crash (a new recorder on the same spool) are stored once each, none lost; a torn spool
 * tail is dropped; permanent errors surface instead of being spooled; finish runs the analysis pipeline.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { LocalBlobStore } from '@sgdscope/db/blob/index';
import { createDb } from '@sgdscope/db/client';
import { getAnalysisResults } from '@sgdscope/db/repo/analysis';
import { listArtifacts, readArtifact } from '@sgdscope/db/repo/artifacts';
import type { RepoDeps } from '@sgdscope/db/repo/context';
import { createProject } from '@sgdscope/db/repo/projects';
import { createRun, getRun } from '@sgdscope/db/repo/runs';
import { readSeries } from '@sgdscope/db/repo/steps';
import { listTrajectoryChunks, streamTrajectory } from '@sgdscope/db/repo/trajectory';
import { testDatabases } from '@sgdscope/db/testing';
import { getExperiment, validateConfig } from '../src/experiments/registry.js';
import {
  DbRecorder,
  type DbRecorderEvent,
  DEFAULT_RECORDER_REPOSITORY,
  type RecorderRepository,
} from '../src/recording/db-recorder.js';
import { MemoryRecorder } from '../src/recording/memory-recorder.js';

const root = mkdtempSync(join(tmpdir(), 'sgdscope-dbrec-'));
const dbs = await testDatabases();
const targets: { name: string; kind: string; deps: RepoDeps; close: () => Promise<void> }[] = [];
for (const db of dbs) {
  if (db.skip !== undefined || db.url === undefined) {
    describe(db.name, { skip: db.skip ?? 'unavailable' }, () => undefined);
    continue;
  }
  const handle = await createDb({ url: db.url, migrate: false, maxConnections: 5 });
  handle.pool.on('error', () => undefined);
  targets.push({
    name: db.name,
    kind: db.kind,
    deps: { prisma: handle.prisma, blobs: new LocalBlobStore(join(root, `blobs-${db.kind}`)) },
    close: async () => {
      await handle.close();
      await db.dispose();
    },
  });
}
after(async () => {
  await Promise.all(targets.map((t) => t.close()));
  rmSync(root, { recursive: true, force: true });
});

/** Repository whose calls numbered [failFrom, failTo) throw a connection error, as a dropped connection does. */
function flakyRepository(window: {
  failFrom: number;
  failTo: number;
}): RecorderRepository & { calls: number; failed: number } {
  const state = { calls: 0, failed: 0 };
  const wrap =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const n = state.calls++;
      if (n >= window.failFrom && n < window.failTo) {
        state.failed++;
        throw new Error('Connection terminated unexpectedly');
      }
      return fn(...args);
    };
  const r = DEFAULT_RECORDER_REPOSITORY;
  return Object.assign(state, {
    startRun: wrap(r.startRun),
    appendSteps: wrap(r.appendSteps),
    writeTrajectoryChunk: wrap(r.writeTrajectoryChunk),
    writeArtifact: wrap(r.writeArtifact),
    readArtifact: wrap(r.readArtifact),
    getRun: wrap(r.getRun),
    finishRun: wrap(r.finishRun),
  });
}

let counter = 0;
async function newRun(deps: RepoDeps, kind: 'fractal_landscape' | 'network' = 'network'): Promise<string> {
  counter++;
  const project = await createProject(deps, {
    slug: `dbrec-${process.pid}-${counter}`,
    name: `dbrec ${counter}`,
  });
  return (await createRun(deps, { projectId: project.id, name: `run ${counter}`, kind, config: {} })).id;
}

async function trajectoryRows(deps: RepoDeps, runId: string): Promise<Float32Array> {
  const parts: number[] = [];
  for await (const c of streamTrajectory(deps, runId)) parts.push(...c.data);
  return Float32Array.from(parts);
}

const pglite = targets.find((t) => t.kind === 'pglite');

describe('DbRecorder: fractal experiment through an outage (pglite)', {
  skip: pglite ? undefined : 'no pglite',
}, () => {
  test('every row, step and artifact arrives exactly once; finish analyses the run', async () => {
    const deps = pglite!.deps;
    const config = await validateConfig('fractal_landscape', {
      levels: 6,
      steps: 1000,
      repeats: 2,
      chunkRows: 100,
    });
    const experiment = await getExperiment('fractal_landscape');
    const reference = new MemoryRecorder();
    await experiment.run(config, reference);

    const runId = await newRun(deps, 'fractal_landscape');
    // Calls: start, landscape_r0, landscape_r1, 11 chunks, steps, gradients, finish. Fail calls 2..9 (a landscape
    // and six chunks): every later write is spooled behind them until a replay succeeds.
    const repo = flakyRepository({ failFrom: 2, failTo: 9 });
    const events: DbRecorderEvent[] = [];
    const recorder = new DbRecorder({
      deps,
      runId,
      spoolDir: join(root, 'spool-fractal'),
      repository: repo,
      retryIntervalMs: 0,
      onEvent: (e) => events.push(e),
    });
    const outcome = await experiment.run(config, recorder);
    assert.equal(outcome.status, 'finished');
    assert.ok(repo.failed >= 3, `the outage hit ${repo.failed} calls`);
    assert.ok(events.some((e) => e.type === 'spooled'));
    assert.ok(events.some((e) => e.type === 'replayed'));
    assert.equal(recorder.pendingRecords, 0);

    const run = await getRun(deps, runId);
    assert.equal(run.status, 'finished');
    assert.equal(run.lastStep, 1000);
    const chunks = await listTrajectoryChunks(deps, runId);
    assert.deepEqual(
      chunks.map((c) => c.seq),
      reference.chunks().map((c) => c.seq),
    );
    const rows = await trajectoryRows(deps, runId);
    const expected = Float32Array.from(reference.chunks().flatMap((c) => Array.from(c.data as Float32Array)));
    assert.deepEqual(rows, expected);
    const loss = await readSeries(deps, runId, 'loss');
    assert.deepEqual(Array.from(loss.steps), reference.steps());
    assert.deepEqual(loss.values, reference.series('loss'));
    const names = (await listArtifacts(deps, runId)).map((a) => `${a.name}@${a.step}`).sort();
    assert.deepEqual(
      names,
      reference
        .artifacts()
        .map((a) => `${a.name}@${a.step}`)
        .sort(),
    );
    const gradients = await readArtifact(deps, runId, 'gradients');
    assert.deepEqual(gradients.data, reference.artifacts('gradients')[0].data);

    const analyzed = events.find((e) => e.type === 'analyzed');
    assert.ok(analyzed, JSON.stringify(events.filter((e) => e.type === 'analysis-failed')));
    const reports = (analyzed as { result: { estimator: string; status: string; reason?: string }[] }).result;
    for (const name of ['diffusion', 'geometry', 'msl', 'loss-fluctuations', 'toy-walk']) {
      const r = reports.find((x) => x.estimator === name);
      assert.equal(r?.status, 'done', `${name}: ${r?.reason}`);
    }
    const [walk] = await getAnalysisResults(deps, runId, { estimator: 'toy-walk' });
    const path = walk.curves.find((c) => c.name === 'trajectory2d' && c.window === 1)!;
    assert.equal(path.x.length, 1001);
    assert.deepEqual(path.meta, { landscapeArtifact: { runId, name: 'landscape_r1', step: 0 } });
    assert.equal(walk.scalars.filter((s) => s.name === 'alphaDist').length, 3, 'two repeats and the pool');
  });
});

describe('DbRecorder: escape and phase-diagram experiments analysed on finish (pglite)', {
  skip: pglite ? undefined : 'no pglite',
}, () => {
  test('the escape and phase estimators read what the experiments record', async () => {
    const deps = pglite!.deps;
    const cases = [
      { kind: 'escape' as const, raw: { repeats: 20, dimension: 2, maxSteps: 20_000 }, estimator: 'escape' },
      {
        kind: 'phase_diagram' as const,
        raw: { etas: [0.1], shiftVariances: [0.001, 1], replicates: 4, dynamicalTime: 50 },
        estimator: 'phase',
      },
    ];
    for (const c of cases) {
      const config = await validateConfig(c.kind, c.raw);
      counter++;
      const project = await createProject(deps, {
        slug: `dbrec-${process.pid}-k${counter}`,
        name: `k ${counter}`,
      });
      const run = await createRun(deps, { projectId: project.id, name: c.kind, kind: c.kind, config: {} });
      const events: DbRecorderEvent[] = [];
      const rec = new DbRecorder({
        deps,
        runId: run.id,
        spoolDir: join(root, 'spool-kinds'),
        onEvent: (e) => events.push(e),
      });
      assert.equal((await (await getExperiment(c.kind)).run(config, rec)).status, 'finished');
      const analyzed = events.find((e) => e.type === 'analyzed') as {
        result: { estimator: string; status: string; reason?: string }[];
      };
      const report = analyzed.result.find((r) => r.estimator === c.estimator);
      assert.equal(report?.status, 'done', `${c.estimator}: ${report?.reason}`);
      const [result] = await getAnalysisResults(deps, run.id, { estimator: c.estimator });
      if (c.kind === 'escape') {
        const rate = result.scalars.find((s) => s.name === 'escapeRate')!;
        assert.ok(rate.value > 0 && rate.ciLower! < rate.value && rate.value < rate.ciUpper!);
      } else {
        const codes = result.scalars.filter((s) => s.name === 'phase');
        assert.deepEqual(
          codes.map((s) => s.window),
          [0, 1],
        );
        for (const s of codes) assert.ok([1, 2, 3].includes(s.value));
      }
    }
  });
});

for (const target of targets) {
  describe(`DbRecorder: step batches through an outage and a crash (${target.name})`, () => {
    test('50 batches of 20 steps, outage from batch 10, crash with 5 spooled, outage again on restart: all 1000 steps once', async () => {
      const deps = target.deps;
      const runId = await newRun(deps);
      const spoolDir = join(root, `spool-steps-${target.kind}`);
      const batch = (b: number) => ({
        fromStep: b * 20,
        series: { loss: Float64Array.from({ length: 20 }, (_, i) => Math.sin(b * 20 + i)) },
      });
      // Recorder A: start ok (call 0), batches 0-9 ok, then every call fails until the "crash".
      const repoA = flakyRepository({ failFrom: 11, failTo: Number.POSITIVE_INFINITY });
      const a = new DbRecorder({
        deps,
        runId,
        spoolDir,
        repository: repoA,
        retryIntervalMs: 0,
        analyze: null,
      });
      await a.start({ kind: 'network', config: { steps: 1000 }, backend: 'test', codeVersion: 'x' });
      for (let b = 0; b < 15; b++) await a.logSteps(batch(b));
      assert.equal(a.pendingRecords, 5);
      assert.equal(await a.lastStep(), 299, 'spooled steps count as recorded (fsynced)');
      // Crash: A is abandoned with 5 batches spooled, plus a torn half-record at the end of its file.
      appendFileSync(a.spoolPath, Buffer.from([200, 0, 0, 0, 9, 9]));

      // Recorder B (the restarted worker) on the same spool; the outage lasts for its first 6 calls.
      const repoB = flakyRepository({ failFrom: 0, failTo: 6 });
      const b2 = new DbRecorder({
        deps,
        runId,
        spoolDir,
        repository: repoB,
        retryIntervalMs: 0,
        analyze: null,
      });
      assert.equal(b2.pendingRecords, 5, 'the torn tail is dropped, the 5 complete records are kept');
      // The resumed run continues after lastStep 299 (A counted its spool): steps 200-299 exist only in A's spool.
      for (let b = 15; b < 50; b++) await b2.logSteps(batch(b));
      await b2.finish('finished', { note: 'done' });
      assert.equal(b2.pendingRecords, 0);
      const loss = await readSeries(deps, runId, 'loss');
      assert.equal(loss.steps.length, 1000, 'no step lost');
      assert.deepEqual(
        Array.from(loss.steps),
        Array.from({ length: 1000 }, (_, i) => i),
        'none duplicated',
      );
      for (let i = 0; i < 1000; i++) assert.equal(loss.values[i], Math.sin(i));
      const run = await getRun(deps, runId);
      assert.equal(run.status, 'finished');
      assert.deepEqual(run.summary, { note: 'done' });
    });

    test('permanent errors surface and are not spooled', async () => {
      const deps = target.deps;
      const runId = await newRun(deps);
      const rec = new DbRecorder({
        deps,
        runId,
        spoolDir: join(root, `spool-perm-${target.kind}`),
        analyze: null,
      });
      await rec.logSteps({ fromStep: 0, series: { loss: Float64Array.from([1, 2, 3]) } });
      await assert.rejects(rec.logSteps({ fromStep: 1, series: { loss: Float64Array.from([5]) } }), {
        name: 'ConflictError',
      });
      assert.equal(rec.pendingRecords, 0);
      const missing = new DbRecorder({
        deps,
        runId: '00000000-0000-4000-8000-000000000000',
        spoolDir: join(root, `spool-perm-${target.kind}`),
        analyze: null,
      });
      await assert.rejects(
        missing.writeArtifact({ name: 'x', step: 0, shape: [1], data: Float64Array.of(1) }),
        {
          name: 'NotFoundError',
        },
      );
      assert.equal(missing.pendingRecords, 0);
    });
  });
}

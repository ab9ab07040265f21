import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ConflictError, NotFoundError, ValidationError } from '../src/repo/index.js';
import { SERIES_CHUNK_STEPS, type SummaryBucket, summarizeSeries } from '../src/series/index.js';
import { newRun, openRepoTargets, type RepoTarget } from './repo-fixtures.js';

/** Deterministic LCG so the simulated network failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function lossCurve(n: number): Float64Array {
  const next = rng(5);
  return Float64Array.from({ length: n }, (_, i) => (i === 4321 ? 80 : 3 / Math.sqrt(1 + i) + 0.05 * next()));
}

/** Mean is merged incrementally vs. in one pass: differences are O(n·eps) ≈ 1e-12 at n = 10k; 1e-9 is safe. */
function assertBucketsClose(actual: readonly SummaryBucket[], expected: readonly SummaryBucket[]): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((a, i) => {
    const e = expected[i];
    assert.deepEqual(
      [a.stepStart, a.stepEnd, a.min, a.max, a.last, a.count, a.nonFinite],
      [e.stepStart, e.stepEnd, e.min, e.max, e.last, e.count, e.nonFinite],
      `bucket ${i}`,
    );
    assert.ok(Math.abs(a.mean - e.mean) <= 1e-9, `bucket ${i} mean ${a.mean} vs ${e.mean}`);
  });
}

const targets: RepoTarget[] = await openRepoTargets();

for (const target of targets) {
  describe(`step series on ${target.name}`, () => {
    const { repo, prisma } = target;
    after(() => target.close());

    it('survives a flaky transport: lost requests and lost responses, retried until acknowledged', async () => {
      const { run } = await newRun(repo);
      const n = 10_000;
      const loss = lossCurve(n);
      const gradNorm = loss.map((v) => v * 2);
      const next = rng(42);
      let lostRequests = 0;
      let lostResponses = 0;
      // The recorder sends batches of 50..450 steps; each attempt may be dropped before reaching the
      // database (nothing happens) or after committing (the client sees an error and retries).
      for (let from = 0; from < n; ) {
        const size = Math.min(n - from, 50 + Math.floor(next() * 400));
        const batch = {
          fromStep: from,
          series: { loss: loss.subarray(from, from + size), gradNorm: gradNorm.subarray(from, from + size) },
        };
        for (;;) {
          const fate = next();
          if (fate < 0.2) {
            lostRequests += 1;
            continue;
          }
          await repo.appendSteps(run.id, batch);
          if (fate < 0.45) {
            lostResponses += 1;
            continue;
          }
          break;
        }
        from += size;
      }
      assert.ok(
        lostRequests > 5 && lostResponses > 5,
        `exercised both failure kinds (${lostRequests}, ${lostResponses})`,
      );
      const back = await repo.readSeries(run.id, 'loss');
      assert.equal(back.values.length, n, 'no step lost or duplicated');
      assert.deepEqual(back.values, loss);
      assert.deepEqual(
        back.steps,
        Float64Array.from({ length: n }, (_, i) => i),
      );
      assert.equal((await repo.getRun(run.id)).lastStep, n - 1);
      // Appends were compacted into full chunks: ceil(10000 / 4096) = 3 rows per series.
      assert.equal(
        await prisma.stepSeriesChunk.count({ where: { runId: run.id, name: 'loss' } }),
        Math.ceil(n / SERIES_CHUNK_STEPS),
      );
      assert.deepEqual(await repo.listSeries(run.id), [
        { name: 'gradNorm', steps: n },
        { name: 'loss', steps: n },
      ]);
      // The incrementally maintained summaries equal a brute-force summary of the whole series.
      for (const scheme of ['linear', 'log'] as const) {
        const stored = await repo.readSeriesSummary(run.id, 'loss', { scheme, buckets: 100_000 });
        const reference = summarizeSeries(scheme, stored.resolution, 0, loss);
        assert.equal(stored.steps, n);
        assertBucketsClose(stored.buckets, reference.buckets);
      }
      const coarse = await repo.readSeriesSummary(run.id, 'loss', { scheme: 'linear', buckets: 200 });
      assert.ok(coarse.buckets.length <= 200);
      assert.equal(
        Math.max(...coarse.buckets.map((b) => b.max)),
        80,
        'the one-step spike survives coarsening',
      );
    });

    it('rejects an overlapping batch with different values and stores nothing of it', async () => {
      const { run } = await newRun(repo);
      await repo.appendSteps(run.id, { fromStep: 0, series: { loss: [1, 2, 3, 4], acc: [0, 0, 0, 0] } });
      await assert.rejects(
        repo.appendSteps(run.id, { fromStep: 2, series: { loss: [3, 4.5, 5, 6], acc: [0, 0, 1, 1] } }),
        (error: unknown) =>
          error instanceof ConflictError &&
          /series "loss" steps 2\.\.5 overlap stored steps 0\.\.3/.test(error.message),
      );
      // Partial overlap with identical values is still a conflict: the caller re-chunked its batches.
      await assert.rejects(
        repo.appendSteps(run.id, { fromStep: 2, series: { loss: [3, 4, 5] } }),
        /partly overlap/,
      );
      assert.deepEqual([...(await repo.readSeries(run.id, 'loss')).values], [1, 2, 3, 4]);
      assert.deepEqual(
        [...(await repo.readSeries(run.id, 'acc')).values],
        [0, 0, 0, 0],
        'acc untouched: the batch is all or nothing',
      );
      assert.equal((await repo.getRun(run.id)).lastStep, 3);
      const summary = await repo.readSeriesSummary(run.id, 'loss', { scheme: 'linear', buckets: 10 });
      assert.equal(summary.steps, 4, 'summary not advanced by the rejected batch');
    });

    it('applies the NaN policy: loss may diverge (flagged), other series may not', async () => {
      const { run } = await newRun(repo);
      const result = await repo.appendSteps(run.id, {
        fromStep: 0,
        series: { loss: [1, 2, Number.NaN, Number.POSITIVE_INFINITY], stepLength: [0.1, 0.1, 0.2, 0.3] },
      });
      assert.deepEqual(result.nonFinite, { loss: 2 });
      const loss = await repo.readSeries(run.id, 'loss');
      assert.ok(Number.isNaN(loss.values[2]) && loss.values[3] === Number.POSITIVE_INFINITY);
      const summary = await repo.readSeriesSummary(run.id, 'loss', { scheme: 'linear', buckets: 1 });
      assert.deepEqual(
        summary.buckets.map((b) => [b.min, b.max, b.mean, b.count, b.nonFinite, b.last]),
        [[1, 2, 1.5, 2, 2, Number.POSITIVE_INFINITY]],
      );
      await assert.rejects(
        repo.appendSteps(run.id, { fromStep: 4, series: { loss: [1], gradNorm: [Number.NaN] } }),
        (error: unknown) =>
          error instanceof ValidationError && /"gradNorm" has NaN at step 4/.test(error.message),
      );
      assert.equal(await prisma.stepSeriesChunk.count({ where: { runId: run.id, fromStep: 4 } }), 0);
      // A caller may opt a series in explicitly.
      await repo.appendSteps(
        run.id,
        { fromStep: 4, series: { gradNorm: [Number.NaN] } },
        { nonFinitePolicy: { gradNorm: 'allow-flagged' } },
      );
    });

    it('validates batch shape and ids with clear messages', async () => {
      const { run } = await newRun(repo);
      await assert.rejects(
        repo.appendSteps(run.id, { fromStep: 0, series: { a: [1, 2], b: [1] } }),
        /equal lengths/,
      );
      await assert.rejects(
        repo.appendSteps(run.id, { fromStep: -1, series: { a: [1] } }),
        /fromStep must be an integer/,
      );
      await assert.rejects(repo.appendSteps(run.id, { fromStep: 0, series: {} }), /no series/);
      const tooMany = Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`s${i}`, [1]]));
      await assert.rejects(
        repo.appendSteps(run.id, { fromStep: 0, series: tooMany }),
        /1001 series; at most 1000/,
      );
      await assert.rejects(
        repo.appendSteps(run.id, { fromStep: 0, series: { 'bad name': [1] } }),
        /series name/,
      );
      await assert.rejects(
        repo.appendSteps('00000000-0000-4000-8000-000000000000', { fromStep: 0, series: { a: [1] } }),
        NotFoundError,
      );
      await assert.rejects(repo.readSeries(run.id, 'never'), NotFoundError);
      await assert.rejects(
        repo.readSeriesSummary(run.id, 'never', { scheme: 'log', buckets: 10 }),
        NotFoundError,
      );
    });

    it('stores float32 when asked and treats a retry as equal after rounding', async () => {
      const { run } = await newRun(repo);
      const values = [Math.PI, Math.E, 1 / 3];
      await repo.appendSteps(run.id, { fromStep: 0, series: { lr: values } }, { dtype: 'float32' });
      const again = await repo.appendSteps(
        run.id,
        { fromStep: 0, series: { lr: values } },
        { dtype: 'float32' },
      );
      assert.deepEqual(again.unchanged, ['lr']);
      assert.deepEqual([...(await repo.readSeries(run.id, 'lr')).values], values.map(Math.fround));
    });

    it('serialises concurrent appends of the same batch: one writes, the others are no-ops', async () => {
      const { run } = await newRun(repo);
      const batch = { fromStep: 0, series: { loss: lossCurve(500) } };
      const results = await Promise.all([1, 2, 3].map(() => repo.appendSteps(run.id, batch)));
      assert.equal(results.filter((r) => r.written.length === 1).length, 1);
      assert.equal(results.filter((r) => r.unchanged.length === 1).length, 2);
      assert.equal((await repo.readSeries(run.id, 'loss')).values.length, 500);
      assert.equal(
        (await repo.readSeriesSummary(run.id, 'loss', { scheme: 'linear', buckets: 5000 })).steps,
        500,
      );
    });

    it('reads ranges and downsamples for a pixel width with min/max kept', async () => {
      const { run } = await newRun(repo);
      const loss = lossCurve(9000);
      await repo.appendSteps(run.id, { fromStep: 0, series: { loss } });
      const part = await repo.readSeries(run.id, 'loss', { from: 4000, to: 4500 });
      assert.equal(part.values.length, 501);
      assert.equal(part.steps[0], 4000);
      assert.deepEqual(part.values, loss.subarray(4000, 4501));
      const plot = await repo.readSeriesDownsampled(run.id, 'loss', { from: 4000, to: 5000, width: 50 });
      assert.equal(plot.length, 50);
      assert.equal(Math.max(...plot.map((b) => b.max)), 80);
    });
  });
}

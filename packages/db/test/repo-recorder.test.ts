import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { PrismaClient } from '../src/generated/prisma/client.js';
import { ConflictError, createDbRunRecorder, ValidationError, withRetry } from '../src/repo/index.js';
import { newRun, openRepoTargets, type RepoTarget } from './repo-fixtures.js';

/**
 * A Prisma client whose next `failures` interactive transactions fail before reaching the database,
 * the way a dropped connection looks to the caller.
 */
function flakyPrisma(prisma: PrismaClient, failures: { left: number }): PrismaClient {
  return new Proxy(prisma, {
    get(target, property, receiver) {
      if (property === '$transaction') {
        return (...args: Parameters<PrismaClient['$transaction']>) => {
          if (failures.left > 0) {
            failures.left -= 1;
            return Promise.reject(new Error('Connection terminated unexpectedly'));
          }
          return (target.$transaction as (...a: unknown[]) => unknown)(...args);
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('withRetry', () => {
  it('retries transient errors with backoff and rethrows typed repository errors at once', async () => {
    let calls = 0;
    const retried: number[] = [];
    const value = await withRetry(
      async () => {
        calls += 1;
        if (calls < 3) throw new Error('ECONNRESET');
        return 'ok';
      },
      { baseDelayMs: 1, onRetry: (_e, attempt) => retried.push(attempt) },
    );
    assert.equal(value, 'ok');
    assert.deepEqual(retried, [1, 2]);
    calls = 0;
    await assert.rejects(
      withRetry(async () => {
        calls += 1;
        throw new ConflictError('different values');
      }),
      ConflictError,
    );
    assert.equal(calls, 1, 'a conflict is final');
    await assert.rejects(
      withRetry(() => Promise.reject(new Error('down')), { attempts: 3, baseDelayMs: 1 }),
      /down/,
    );
  });
});

const targets: RepoTarget[] = await openRepoTargets();

for (const target of targets) {
  describe(`database run recorder on ${target.name}`, () => {
    after(() => target.close());

    it('records a run through dropped transactions without losing or duplicating steps', async () => {
      const { run } = await newRun(target.repo);
      const failures = { left: 0 };
      const deps = { prisma: flakyPrisma(target.prisma, failures), blobs: target.blobs };
      const recorder = createDbRunRecorder(deps, run.id, { baseDelayMs: 1 });
      await recorder.start({
        kind: 'network',
        config: { model: 'mlp', learningRate: 0.05 },
        backend: 'wasm',
        codeVersion: 'test',
      });
      assert.equal((await target.repo.getRun(run.id)).learningRate, 0.05, 'resolved config re-promoted');
      const loss = Float64Array.from({ length: 600 }, (_, i) => 1 / (1 + i));
      for (let from = 0; from < 600; from += 100) {
        failures.left = from % 200 === 0 ? 2 : 0; // every other batch fails twice first
        await recorder.logSteps({ fromStep: from, series: { loss: loss.subarray(from, from + 100) } });
        assert.equal(failures.left, 0, 'the injected failures were hit and retried past');
      }
      failures.left = 1;
      await recorder.writeTrajectoryChunk({
        seq: 0,
        fromStep: 0,
        rows: 2,
        d: 3,
        dtype: 'float32',
        data: Float32Array.of(1, 2, 3, 4, 5, 6),
      });
      assert.equal(failures.left, 0);
      await recorder.writeArtifact({
        name: 'eigs',
        step: 599,
        shape: [2],
        data: Float64Array.of(3, 1),
        meta: { k: 2 },
      });
      assert.equal(await recorder.lastStep(), 599);
      await recorder.finish('finished', { finalLoss: loss[599] });
      assert.deepEqual((await target.repo.readSeries(run.id, 'loss')).values, loss);
      assert.equal((await target.repo.getRun(run.id)).status, 'finished');
      assert.equal((await target.repo.listTrajectoryChunks(run.id)).length, 1);
      assert.deepEqual([...(await target.repo.readArtifact(run.id, 'eigs')).data], [3, 1]);
    });

    it('refuses non-JSON metadata and a kind that does not match the run', async () => {
      const { run } = await newRun(target.repo);
      const recorder = createDbRunRecorder({ prisma: target.prisma, blobs: target.blobs }, run.id);
      await assert.rejects(
        recorder.start({ kind: 'escape', config: {}, backend: 'cpu', codeVersion: 'x' }),
        ConflictError,
      );
      await assert.rejects(
        recorder.writeArtifact({
          name: 'a',
          step: 0,
          shape: [1],
          data: Float64Array.of(1),
          meta: { when: new Date() },
        }),
        ValidationError,
      );
    });
  });
}

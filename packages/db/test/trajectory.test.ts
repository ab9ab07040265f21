import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  ConflictError,
  IntegrityError,
  NotFoundError,
  type TrajectoryRows,
  ValidationError,
} from '../src/repo/index.js';
import { float16ToFloat32, float32ToFloat16 } from '../src/series/index.js';
import { newRun, openRepoTargets, type RepoTarget } from './repo-fixtures.js';

const here = path.dirname(fileURLToPath(import.meta.url));

function rows(fromStep: number, count: number, d: number): Float32Array {
  // Row r, column j holds a value unique to (step, j), so any misplaced row shows up.
  return Float32Array.from(
    { length: count * d },
    (_, i) => (fromStep + Math.floor(i / d)) * 0.001 + (i % d) * 1.5,
  );
}

async function collect(stream: AsyncIterable<TrajectoryRows>): Promise<TrajectoryRows[]> {
  const out: TrajectoryRows[] = [];
  for await (const chunk of stream) out.push(chunk);
  return out;
}

async function blobKeys(target: RepoTarget, runId: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const entry of target.blobs.list(`runs/${runId}/`)) keys.push(entry.key);
  return keys;
}

function runChild(
  target: RepoTarget,
  runId: string,
  point: string,
): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(here, 'trajectory-crash-child.ts'),
        target.url,
        target.blobRoot,
        runId,
        point,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (part) => {
      stderr += part;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
}

const targets: RepoTarget[] = await openRepoTargets();

for (const target of targets) {
  describe(`trajectory store on ${target.name}`, () => {
    const { repo, prisma } = target;
    after(() => target.close());

    it('round-trips float32 and float16 chunks through the stream, with range slicing', async () => {
      const { run } = await newRun(repo);
      const d = 37;
      const a = rows(0, 100, d);
      const b = rows(100, 50, d);
      const bBits = float32ToFloat16(b);
      assert.equal(
        (
          await repo.writeTrajectoryChunk(run.id, {
            seq: 0,
            fromStep: 0,
            rows: 100,
            d,
            dtype: 'float32',
            data: a,
          })
        ).created,
        true,
      );
      await repo.writeTrajectoryChunk(run.id, {
        seq: 1,
        fromStep: 100,
        rows: 50,
        d,
        dtype: 'float16',
        data: bBits,
        sketch: { seed: 9, sourceDim: 79_510 },
      });
      const all = await collect(repo.streamTrajectory(run.id));
      assert.deepEqual(
        all.map((c) => [c.seq, c.fromStep, c.rows, c.d]),
        [
          [0, 0, 100, d],
          [1, 100, 50, d],
        ],
      );
      assert.deepEqual(all[0].data, a, 'float32 is exact');
      assert.deepEqual(
        all[1].data,
        float16ToFloat32(bBits),
        'float16 decodes to exactly the stored half values',
      );
      for (let i = 0; i < b.length; i++) {
        // Half precision keeps 11 significant bits: relative error ≤ 2^-11 (values here are ≥ 0.1 or exactly 0).
        assert.ok(Math.abs(all[1].data[i] - b[i]) <= Math.abs(b[i]) * 2 ** -11, `value ${i}`);
      }
      const slice = await collect(repo.streamTrajectory(run.id, { fromStep: 95, toStep: 104 }));
      assert.deepEqual(
        slice.map((c) => [c.fromStep, c.rows, c.data.length]),
        [
          [95, 5, 5 * d],
          [100, 5, 5 * d],
        ],
      );
      assert.deepEqual(slice[0].data, a.subarray(95 * d, 100 * d));
      const chunkRow = await prisma.trajectoryChunk.findFirstOrThrow({ where: { runId: run.id, seq: 1 } });
      assert.deepEqual(
        [chunkRow.sketchSeed, chunkRow.sourceDim, chunkRow.byteLength],
        [9, 79_510, 50 * d * 2],
      );
    });

    it('pages through many chunks in step order', async () => {
      const { run } = await newRun(repo);
      // Written out of order: the stream must still come back sorted by step.
      const order = Array.from({ length: 40 }, (_, i) => (i * 31) % 40);
      for (const seq of order) {
        await repo.writeTrajectoryChunk(run.id, {
          seq,
          fromStep: seq * 3,
          rows: 3,
          d: 4,
          dtype: 'float32',
          data: rows(seq * 3, 3, 4),
        });
      }
      const all = await collect(repo.streamTrajectory(run.id));
      assert.equal(all.length, 40);
      assert.deepEqual(
        all.map((c) => c.fromStep),
        Array.from({ length: 40 }, (_, i) => i * 3),
      );
      assert.equal(
        all.reduce((n, c) => n + c.rows, 0),
        120,
      );
    });

    it('makes identical retries no-ops and rejects conflicting chunks, leaving nothing behind', async () => {
      const { run } = await newRun(repo);
      const d = 8;
      const chunk = { seq: 0, fromStep: 0, rows: 10, d, dtype: 'float32' as const, data: rows(0, 10, d) };
      const first = await repo.writeTrajectoryChunk(run.id, chunk);
      const retry = await repo.writeTrajectoryChunk(run.id, { ...chunk, data: chunk.data.slice() });
      assert.equal(retry.created, false);
      assert.equal(retry.blobKey, first.blobKey);
      const before = await blobKeys(target, run.id);
      assert.deepEqual(before, [first.blobKey]);

      const rejected: [
        string,
        Parameters<typeof repo.writeTrajectoryChunk>[1],
        RegExp,
        typeof ValidationError | typeof ConflictError,
      ][] = [
        [
          'wrong shape',
          { ...chunk, seq: 1, fromStep: 10, rows: 11 },
          /rows·d = 11·8 = 88 but data has 80 values/,
          ValidationError,
        ],
        [
          'NaN weight',
          { ...chunk, seq: 1, fromStep: 10, data: rows(10, 10, d).fill(Number.NaN, 17, 18) },
          /NaN\/Inf weight at row 2 \(step 12\), column 1/,
          ValidationError,
        ],
        [
          'Inf in float16',
          {
            ...chunk,
            seq: 1,
            fromStep: 10,
            dtype: 'float16',
            data: float32ToFloat16(rows(10, 10, d)).fill(0x7c00, 5, 6),
          },
          /NaN\/Inf weight/,
          ValidationError,
        ],
        [
          'dtype mismatch',
          { ...chunk, seq: 1, fromStep: 10, dtype: 'float16' },
          /float16 needs data as Uint16Array/,
          ValidationError,
        ],
        [
          'same seq, other content',
          { ...chunk, data: rows(1, 10, d) },
          /seq 0 .* already stored with different content/,
          ConflictError,
        ],
        [
          'overlapping steps',
          { ...chunk, seq: 1, fromStep: 5 },
          /steps 5\.\.14\) overlaps stored chunk seq 0 \(steps 0\.\.9\)/,
          ConflictError,
        ],
        [
          'different d',
          { ...chunk, seq: 1, fromStep: 10, d: 4, rows: 20 },
          /d = 4 but the run's chunks have d = 8/,
          ConflictError,
        ],
      ];
      for (const [label, input, message, type] of rejected) {
        await assert.rejects(
          repo.writeTrajectoryChunk(run.id, input),
          (error: unknown) => error instanceof type && message.test((error as Error).message),
          label,
        );
      }
      assert.equal(await prisma.trajectoryChunk.count({ where: { runId: run.id } }), 1, 'no row added');
      assert.deepEqual(await blobKeys(target, run.id), before, 'no blob left behind');
      await assert.rejects(
        repo.writeTrajectoryChunk('00000000-0000-4000-8000-000000000000', chunk),
        NotFoundError,
      );
    });

    it('loses a race cleanly: concurrent writers of one seq store it once', async () => {
      const { run } = await newRun(repo);
      const chunk = {
        seq: 0,
        fromStep: 0,
        rows: 50,
        d: 64,
        dtype: 'float32' as const,
        data: rows(0, 50, 64),
      };
      const results = await Promise.all([1, 2, 3].map(() => repo.writeTrajectoryChunk(run.id, chunk)));
      assert.equal(results.filter((r) => r.created).length, 1);
      assert.equal(await prisma.trajectoryChunk.count({ where: { runId: run.id } }), 1);
      assert.equal((await blobKeys(target, run.id)).length, 1);
    });

    it('detects a corrupted or missing blob on read', async () => {
      const { run } = await newRun(repo);
      const written = await repo.writeTrajectoryChunk(run.id, {
        seq: 0,
        fromStep: 0,
        rows: 4,
        d: 4,
        dtype: 'float32',
        data: rows(0, 4, 4),
      });
      const bytes = await target.blobs.get(written.blobKey);
      bytes[7] ^= 0x01; // one flipped bit
      await target.blobs.put(written.blobKey, bytes);
      await assert.rejects(
        collect(repo.streamTrajectory(run.id)),
        (error: unknown) => error instanceof IntegrityError && /SHA-256/.test((error as Error).message),
      );
      await target.blobs.delete(written.blobKey);
      await assert.rejects(collect(repo.streamTrajectory(run.id)), NotFoundError);
    });

    for (const point of ['after-blob', 'before-commit']) {
      it(`a process killed ${point} leaves no visible partial chunk; GC removes the orphan; the retry succeeds`, async () => {
        const { run } = await newRun(repo);
        const d = 16;
        await repo.writeTrajectoryChunk(run.id, {
          seq: 0,
          fromStep: 0,
          rows: 8,
          d,
          dtype: 'float32',
          data: rows(0, 8, d),
        });
        const result = await runChild(target, run.id, point);
        assert.equal(
          result.signal,
          'SIGKILL',
          `child should die by SIGKILL, got code ${result.code}: ${result.stderr.slice(-2000)}`,
        );
        // Readers see only the committed chunk: the killed transaction was rolled back by the server.
        assert.deepEqual(
          (await collect(repo.streamTrajectory(run.id))).map((c) => c.seq),
          [0],
        );
        assert.equal(await prisma.trajectoryChunk.count({ where: { runId: run.id } }), 1);
        const keys = await blobKeys(target, run.id);
        assert.equal(keys.length, 2, 'the complete blob of the killed write is an orphan');
        // A fresh orphan is protected by the grace period (its writer might still commit) ...
        assert.deepEqual((await repo.gcOrphanBlobs({ olderThanMs: 3_600_000 })).deleted, []);
        // ... and removed once old enough; the referenced blob stays.
        const gc = await repo.gcOrphanBlobs({ olderThanMs: 0 });
        assert.equal(gc.deleted.filter((k) => k.startsWith(`runs/${run.id}/`)).length, 1);
        assert.equal((await blobKeys(target, run.id)).length, 1);
        // The trainer's retry of the lost chunk then goes through.
        const retry = await repo.writeTrajectoryChunk(run.id, {
          seq: 1,
          fromStep: 8,
          rows: 8,
          d,
          dtype: 'float32',
          data: Float32Array.from({ length: 8 * d }, (_, i) => i),
        });
        assert.equal(retry.created, true);
        assert.deepEqual(
          (await collect(repo.streamTrajectory(run.id))).map((c) => c.seq),
          [0, 1],
        );
      });
    }

    it('an exception after the blob write (in-process crash) leaves only an orphan blob', async () => {
      const { run } = await newRun(repo);
      const chunk = { seq: 0, fromStep: 0, rows: 2, d: 3, dtype: 'float32' as const, data: rows(0, 2, 3) };
      await assert.rejects(
        repo.writeTrajectoryChunk(run.id, chunk, {
          beforeCommit: () => {
            throw new Error('simulated crash');
          },
        }),
        /simulated crash/,
      );
      assert.equal(await prisma.trajectoryChunk.count({ where: { runId: run.id } }), 0);
      assert.deepEqual(await collect(repo.streamTrajectory(run.id)), []);
      assert.equal((await repo.writeTrajectoryChunk(run.id, chunk)).created, true);
    });
  });
}

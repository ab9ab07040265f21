import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { LAST_USED_RESOLUTION_MS, verifyApiKeyWithMemberships } from '../src/repo/api-keys.js';
import {
  ConflictError,
  expandSweep,
  hashParams,
  NotFoundError,
  stableStringify,
  ValidationError,
} from '../src/repo/index.js';
import { newRun, openRepoTargets, type RepoTarget } from './repo-fixtures.js';

describe('pure helpers', () => {
  it('stable JSON ignores key order and hashes by meaning', () => {
    assert.equal(
      stableStringify({ b: 1, a: { d: [1, { z: 0, y: 'x' }], c: null } }),
      '{"a":{"c":null,"d":[1,{"y":"x","z":0}]},"b":1}',
    );
    assert.equal(hashParams({ T: 1000, fit: 'ols' }), hashParams({ fit: 'ols', T: 1000 }));
    assert.notEqual(hashParams({ T: 1000 }), hashParams({ T: 1001 }));
  });

  it('expands a sweep grid × replicates with per-replicate seeds', () => {
    const points = expandSweep(
      { model: 'mlp', optimizer: { lr: 0.1 }, seed: 7 },
      { 'optimizer.lr': [0.1, 0.2, 0.4], depth: [2, 4] },
      2,
    );
    assert.equal(points.length, 12);
    assert.deepEqual(points[0].config, { model: 'mlp', optimizer: { lr: 0.1 }, seed: 7, depth: 2 });
    assert.deepEqual(points[1].config.seed, 8);
    assert.deepEqual(
      points.filter((p) => p.replicate === 0).map((p) => p.label),
      [
        'optimizer.lr=0.1,depth=2',
        'optimizer.lr=0.1,depth=4',
        'optimizer.lr=0.2,depth=2',
        'optimizer.lr=0.2,depth=4',
        'optimizer.lr=0.4,depth=2',
        'optimizer.lr=0.4,depth=4',
      ],
    );
    assert.throws(() => expandSweep({}, { lr: [] }, 1), ValidationError);
    assert.throws(
      () => expandSweep({}, { a: new Array(200).fill(0), b: new Array(200).fill(0) }, 1),
      /limit is 10000/,
    );
  });
});

const targets: RepoTarget[] = await openRepoTargets();

for (const target of targets) {
  describe(`repository core on ${target.name}`, () => {
    const { repo } = target;
    after(() => target.close());

    it('creates users, projects and memberships with typed conflicts', async () => {
      const user = await repo.createUser({ email: `Ada.${target.kind}@Example.org`, name: 'Ada' });
      assert.equal(user.email, `ada.${target.kind}@example.org`);
      await assert.rejects(
        repo.createUser({ email: `ada.${target.kind}@example.org`, name: 'Again' }),
        ConflictError,
      );
      await assert.rejects(repo.createUser({ email: 'not-an-email', name: 'X' }), ValidationError);
      const project = await repo.createProject({ slug: `core-${target.kind}`, name: 'Core' });
      await assert.rejects(repo.createProject({ slug: `core-${target.kind}`, name: 'Dup' }), ConflictError);
      await assert.rejects(repo.createProject({ slug: 'Bad Slug!', name: 'x' }), ValidationError);
      assert.deepEqual(await repo.addMember({ projectId: project.id, userId: user.id, role: 'viewer' }), {
        projectId: project.id,
        userId: user.id,
        role: 'viewer',
      });
      assert.equal(
        (await repo.addMember({ projectId: project.id, userId: user.id, role: 'admin' })).role,
        'admin',
      );
      await assert.rejects(
        repo.addMember({
          projectId: project.id,
          userId: '00000000-0000-4000-8000-000000000000',
          role: 'viewer',
        }),
        NotFoundError,
      );
      const experiment = await repo.createExperiment({ projectId: project.id, name: 'lr-scan' });
      await assert.rejects(repo.createExperiment({ projectId: project.id, name: 'lr-scan' }), ConflictError);
      assert.equal(experiment.projectId, project.id);
    });

    it('issues API keys whose secret verifies once stored only as a hash', async () => {
      const user = await repo.createUser({ email: `keys.${target.kind}@example.org`, name: 'K' });
      const key = await repo.createApiKey({ userId: user.id, name: 'ci' });
      assert.match(key.secret, /^sgd_[0-9a-f]{12}_/);
      const row = await target.prisma.apiKey.findUniqueOrThrow({ where: { id: key.id } });
      assert.ok(!JSON.stringify(row).includes(key.secret.slice(18)), 'secret is not stored');
      assert.deepEqual(await repo.verifyApiKey(key.secret), { keyId: key.id, userId: user.id });
      // lastUsedAt is recorded, then rewritten only once it is LAST_USED_RESOLUTION_MS stale (no write per request).
      const used = (await target.prisma.apiKey.findUniqueOrThrow({ where: { id: key.id } })).lastUsedAt;
      assert.ok(used, 'lastUsedAt recorded');
      await repo.verifyApiKey(key.secret);
      const again = await target.prisma.apiKey.findUniqueOrThrow({ where: { id: key.id } });
      assert.equal(
        again.lastUsedAt?.getTime(),
        used.getTime(),
        'a second use within the resolution writes nothing',
      );
      const stale = new Date(Date.now() - LAST_USED_RESOLUTION_MS - 1000);
      await target.prisma.apiKey.update({ where: { id: key.id }, data: { lastUsedAt: stale } });
      await repo.verifyApiKey(key.secret);
      const later = await target.prisma.apiKey.findUniqueOrThrow({ where: { id: key.id } });
      assert.ok((later.lastUsedAt?.getTime() ?? 0) > stale.getTime(), 'a stale lastUsedAt is refreshed');
      const tampered = `${key.secret.slice(0, -1)}${key.secret.endsWith('A') ? 'B' : 'A'}`;
      assert.equal(await repo.verifyApiKey(tampered), null);
      assert.equal(await repo.verifyApiKey('garbage'), null);
      await repo.revokeApiKey(key.id);
      assert.equal(await repo.verifyApiKey(key.secret), null);
    });

    it("verifies a key and reads its owner's memberships in one go", async () => {
      const deps = { prisma: target.prisma, blobs: target.blobs };
      const user = await repo.createUser({ email: `keyroles.${target.kind}@example.org`, name: 'R' });
      const key = await repo.createApiKey({ userId: user.id, name: 'roles' });
      assert.deepEqual(await verifyApiKeyWithMemberships(deps, key.secret), {
        keyId: key.id,
        userId: user.id,
        memberships: new Map(),
      });
      const a = await repo.createProject({ slug: `roles-a-${target.kind}`, name: 'A' });
      const b = await repo.createProject({ slug: `roles-b-${target.kind}`, name: 'B' });
      await repo.addMember({ projectId: a.id, userId: user.id, role: 'viewer' });
      await repo.addMember({ projectId: b.id, userId: user.id, role: 'admin' });
      // Another user's membership must not leak into this key's roles.
      const other = await repo.createUser({ email: `keyroles2.${target.kind}@example.org`, name: 'S' });
      await repo.addMember({ projectId: a.id, userId: other.id, role: 'editor' });
      const verified = await verifyApiKeyWithMemberships(deps, key.secret);
      assert.deepEqual(
        verified?.memberships,
        new Map([
          [a.id, 'VIEWER'],
          [b.id, 'ADMIN'],
        ]),
      );
      assert.equal(await verifyApiKeyWithMemberships(deps, `${key.secret.slice(0, -1)}!`), null);
      await repo.revokeApiKey(key.id);
      assert.equal(await verifyApiKeyWithMemberships(deps, key.secret), null);
    });

    it('promotes filter keys to columns and walks the run lifecycle', async () => {
      const { run } = await newRun(repo, {
        model: 'resnet14',
        dataset: 'cifar10',
        optimizer: 'sgd',
        learningRate: 0.1,
        batchSize: 1024,
        depth: 14,
        shortcut: true,
        loss: 'ce',
        seed: 1,
        parameterCount: 175_258,
      });
      assert.deepEqual(
        [
          run.model,
          run.dataset,
          run.optimizer,
          run.learningRate,
          run.batchSize,
          run.depth,
          run.shortcut,
          run.loss,
          run.seed,
          run.parameterCount,
        ],
        ['resnet14', 'cifar10', 'sgd', 0.1, 1024, 14, true, 'ce', 1, 175_258],
      );
      assert.equal(run.status, 'queued');
      assert.equal(run.lastStep, -1);
      await assert.rejects(repo.heartbeat(run.id), ConflictError);
      const started = await repo.startRun(run.id, { backend: 'wasm', codeVersion: 'abc123', workerId: 'w1' });
      assert.equal(started.status, 'running');
      assert.ok(started.startedAt instanceof Date);
      assert.ok((await repo.heartbeat(run.id)) instanceof Date);
      const finished = await repo.finishRun(run.id, { status: 'finished', summary: { finalLoss: 0.01 } });
      assert.equal(finished.status, 'finished');
      assert.deepEqual(finished.summary, { finalLoss: 0.01 });
      assert.equal((await repo.finishRun(run.id, { status: 'finished' })).status, 'finished', 'idempotent');
      await assert.rejects(repo.finishRun(run.id, { status: 'failed' }), ConflictError);
      await assert.rejects(repo.startRun(run.id), ConflictError);
      await assert.rejects(repo.getRun('00000000-0000-4000-8000-000000000000'), NotFoundError);
      await assert.rejects(repo.getRun('not-a-uuid'), ValidationError);
    });

    it('keeps mistyped config keys out of the columns (fractional noise "batchSize")', async () => {
      const { run } = await newRun(repo, { batchSize: 0.05, learningRate: 0.2, model: 'toy' });
      assert.equal(run.batchSize, null);
      assert.equal(run.learningRate, 0.2);
      assert.equal((run.config as { batchSize: number }).batchSize, 0.05);
    });

    it('creates a sweep and its queued runs atomically', async () => {
      const project = await repo.createProject({ slug: `sweep-${target.kind}`, name: 'S' });
      const { sweep, runs } = await repo.createSweep({
        projectId: project.id,
        name: 'bs',
        kind: 'network',
        baseConfig: { model: 'mlp', learningRate: 0.1 },
        grid: { batchSize: [32, 64, 128] },
        replicates: 2,
      });
      assert.equal(runs.length, 6);
      assert.ok(runs.every((r) => r.sweepId === sweep.id && r.status === 'queued'));
      assert.deepEqual(
        runs.map((r) => r.batchSize),
        [32, 32, 64, 64, 128, 128],
      );
      // A run that fails validation aborts the whole sweep: no sweep row, no runs.
      await assert.rejects(
        repo.createSweep({
          projectId: project.id,
          name: 'bad',
          kind: 'network',
          baseConfig: {},
          grid: { lr: [1, Number.NaN] },
        }),
        ValidationError,
      );
      assert.equal(await target.prisma.sweep.count({ where: { projectId: project.id } }), 1);
      await assert.rejects(
        repo.createSweep({
          projectId: '00000000-0000-4000-8000-000000000000',
          name: 'x',
          kind: 'escape',
          baseConfig: {},
          grid: { a: [1] },
        }),
        NotFoundError,
      );
    });

    it('stores artifacts inline or as blobs, idempotently, and detects corruption', async () => {
      const { run } = await newRun(repo);
      const small = Float64Array.from({ length: 12 }, (_, i) => i * 0.5);
      assert.deepEqual(
        await repo.writeArtifact(run.id, {
          name: 'hessian/eigs',
          step: 10,
          shape: [3, 4],
          data: small,
          meta: { k: 3 },
        }),
        {
          created: true,
          inline: true,
          checksum: (
            await repo.writeArtifact(run.id, { name: 'hessian/eigs', step: 10, shape: [3, 4], data: small })
          ).checksum,
        },
      );
      await assert.rejects(
        repo.writeArtifact(run.id, {
          name: 'hessian/eigs',
          step: 10,
          shape: [3, 4],
          data: small.map((v) => v + 1),
        }),
        ConflictError,
      );
      await assert.rejects(
        repo.writeArtifact(run.id, { name: 'x', step: 0, shape: [5], data: small }),
        /holds 5 values but data has 12/,
      );
      const big = Float32Array.from({ length: 300_000 }, (_, i) => Math.sin(i)); // 1.2 MB > 1 MiB
      const written = await repo.writeArtifact(run.id, {
        name: 'grad-samples',
        step: 0,
        shape: [300_000],
        data: big,
      });
      assert.equal(written.inline, false);
      const back = await repo.readArtifact(run.id, 'grad-samples');
      assert.deepEqual(back.data, big);
      assert.deepEqual((await repo.readArtifact(run.id, 'hessian/eigs', 10)).meta, { k: 3 });
      // Corrupt the blob behind the row: the read must refuse it.
      const row = await target.prisma.artifact.findFirstOrThrow({
        where: { runId: run.id, name: 'grad-samples' },
      });
      const bytes = await target.blobs.get(row.blobKey!);
      bytes[100] ^= 0xff;
      await target.blobs.put(row.blobKey!, bytes);
      await assert.rejects(repo.readArtifact(run.id, 'grad-samples'), /SHA-256/);
      await assert.rejects(repo.readArtifact(run.id, 'missing'), NotFoundError);
    });

    it('upserts analysis results by params hash, all or nothing', async () => {
      const { run } = await newRun(repo);
      const base = {
        estimator: 'msd-alpha',
        estimatorVersion: '1.0.0',
        params: { T: 1000, convention: 'tamsd' },
        details: { rmse: 0.01 },
        scalars: [
          {
            name: 'alpha',
            window: 0,
            value: 1.36,
            stdErr: 0.02,
            ci: { lower: 1.32, upper: 1.4, level: 0.95 },
          },
          { name: 'alpha', window: 1, value: 1.1 },
          { name: 'tau0', value: 45 },
        ],
        curves: [
          {
            name: 'msd',
            window: 0,
            tw: 0,
            x: [1, 2, 3],
            y: [0.1, 0.25, 0.46],
            yLower: [0.09, 0.2, 0.4],
            yUpper: [0.11, 0.3, 0.5],
          },
        ],
      };
      const first = await repo.saveAnalysisResult(run.id, base);
      // Same params in another key order: same row, replaced contents.
      const second = await repo.saveAnalysisResult(run.id, {
        ...base,
        params: { convention: 'tamsd', T: 1000 },
        scalars: [{ name: 'alpha', window: 0, value: 1.4 }],
      });
      assert.equal(second.id, first.id);
      let results = await repo.getAnalysisResults(run.id);
      assert.equal(results.length, 1);
      assert.deepEqual(
        results[0].scalars.map((s) => [s.name, s.window, s.value]),
        [['alpha', 0, 1.4]],
      );
      assert.deepEqual([...results[0].curves[0].y], [0.1, 0.25, 0.46]);
      // Invalid input (duplicate scalar key, NaN value, ragged curve) writes nothing and keeps the old result.
      await assert.rejects(
        repo.saveAnalysisResult(run.id, { ...base, scalars: [base.scalars[0], base.scalars[0]] }),
        /appears twice/,
      );
      await assert.rejects(
        repo.saveAnalysisResult(run.id, { ...base, scalars: [{ name: 'alpha', value: Number.NaN }] }),
        ValidationError,
      );
      await assert.rejects(
        repo.saveAnalysisResult(run.id, { ...base, curves: [{ name: 'msd', x: [1, 2], y: [1] }] }),
        /y has 1 points/,
      );
      results = await repo.getAnalysisResults(run.id);
      assert.deepEqual(
        results[0].scalars.map((s) => s.value),
        [1.4],
      );
      // A failure inside the transaction (run deleted is not possible here; use a missing run) is typed.
      await assert.rejects(
        repo.saveAnalysisResult('00000000-0000-4000-8000-000000000000', base),
        NotFoundError,
      );
      const other = await repo.saveAnalysisResult(run.id, {
        ...base,
        params: { T: 500, convention: 'tamsd' },
      });
      assert.notEqual(other.id, first.id);
      assert.equal((await repo.getAnalysisResults(run.id, { estimator: 'msd-alpha' })).length, 2);
    });
  });
}

/**
 * Read-side repository (repo/queries, access, views, comments) on PGlite and the PostgreSQL server:
 * the access guard's role rules, owner resolution, sessions, run-list filters (promoted columns vs
 * JSONB paths, JSON type strictness, LIKE escaping, NULLS LAST sorts), SQL aggregation, saved
 * views freezing estimator versions, and tag updates that do not lose concurrent changes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createDb } from '../src/client.js';
import {
  AccessGuard,
  createSession,
  ForbiddenError,
  projectIdOf,
  UnauthenticatedError,
  verifySession,
} from '../src/repo/access.js';
import { saveAnalysisResult } from '../src/repo/analysis.js';
import { addComment, commentsOfRuns, updateRunTags } from '../src/repo/comments.js';
import type { RepoDeps } from '../src/repo/context.js';
import { addMember, createProject, createUser } from '../src/repo/projects.js';
import {
  aggregateRuns,
  analysesByRunIds,
  compileRunWhere,
  curveArraysByIds,
  curveHeadsByResultIds,
  latestScalarsByRunIds,
  listRuns,
  QueryInputError,
  runsByIds,
  SqlParams,
} from '../src/repo/queries.js';
import { useReadPool } from '../src/repo/raw.js';
import { createRun, finishRun } from '../src/repo/runs.js';
import type { JsonObject, RunRecord } from '../src/repo/types.js';
import { saveView, viewByToken } from '../src/repo/views.js';
import { openRepoTargets } from './repo-fixtures.js';

describe('query compiler (no database)', () => {
  it('refuses config keys that are not dotted identifiers, before any SQL is built', () => {
    for (const key of ["a'b", 'a..b', '1a', 'a;drop', '']) {
      assert.throws(
        () =>
          compileRunWhere(
            ['00000000-0000-4000-8000-000000000000'],
            { config: [{ key, op: 'EQ', value: 1 }] },
            new SqlParams(),
          ),
        QueryInputError,
        key,
      );
    }
  });

  it('puts every user value in a parameter, never in the SQL text', () => {
    const params = new SqlParams();
    const sql = compileRunWhere(
      ['00000000-0000-4000-8000-000000000000'],
      { nameContains: "x' OR 1=1 --", config: [{ key: 'optimizer.name', op: 'EQ', value: "sgd'" }] },
      params,
    );
    assert.ok(!sql.includes('OR 1=1') && !sql.includes("sgd'"), sql);
    assert.ok(params.values.some((v) => v === "%x' OR 1=1 --%"));
  });
});

const targets = await openRepoTargets();
after(() => Promise.all(targets.map((t) => t.close())));

for (const target of targets) {
  describe(`read-side repository on ${target.name}`, () => {
    let deps: RepoDeps;
    let projectId: string;
    let otherProjectId: string;
    let users: { viewer: string; editor: string; stranger: string };
    let runs: RunRecord[];
    let slug = 0;
    const uniq = (p: string) => `${p}-${process.pid}-${++slug}`;

    before(async () => {
      deps = { prisma: target.prisma, blobs: target.blobs };
      projectId = (await createProject(deps, { slug: uniq('qa'), name: 'QA' })).id;
      otherProjectId = (await createProject(deps, { slug: uniq('qb'), name: 'QB' })).id;
      const mk = async (role: 'viewer' | 'editor' | null) => {
        const u = await createUser(deps, { email: `${uniq('u')}@q.test`, name: 'u' });
        if (role) await addMember(deps, { projectId, userId: u.id, role });
        return u.id;
      };
      users = { viewer: await mk('viewer'), editor: await mk('editor'), stranger: await mk(null) };
      const configs: JsonObject[] = [
        { batchSize: 32, optimizer: { name: 'sgd', momentum: 0 }, width: 1 },
        { batchSize: 64, optimizer: { name: 'sgd', momentum: 0.9 }, width: '1' },
        { batchSize: 128, optimizer: { name: 'adam' } },
        { batchSize: 128, optimizer: { name: 'sgd', momentum: 0.9 }, width: 2 },
      ];
      runs = [];
      for (const [i, config] of configs.entries()) {
        runs.push(
          await createRun(deps, {
            projectId,
            name: i === 2 ? '100%_done' : `run ${i}`,
            kind: 'network',
            config,
          }),
        );
      }
      // alpha[0] on runs 0, 1, 3 only (run 2 must sort last); run 1 re-analysed: its newer value counts.
      for (const [i, value] of [
        [0, 0.9],
        [1, 1.1],
        [3, 1.5],
        [1, 1.3],
      ] as const) {
        await saveAnalysisResult(deps, runs[i].id, {
          estimator: 'diffusion',
          estimatorVersion: `v${value}`,
          params: {},
          scalars: [{ name: 'alpha', window: 0, value }],
          curves: [],
        });
      }
      await finishRun(deps, runs[0].id, { status: 'finished', summary: { finalLoss: 0.5 } });
      await finishRun(deps, runs[3].id, { status: 'finished', summary: { finalLoss: 0.25 } });
    });

    const ids = async (
      filter: Parameters<typeof listRuns>[1]['filter'],
      orderBy?: Parameters<typeof listRuns>[1]['orderBy'],
    ) =>
      (
        await listRuns(deps.prisma, { projectIds: [projectId], filter, orderBy, first: 50, offset: 0 })
      ).runs.map((r) => runs.findIndex((x) => x.id === r.id));

    it('guards roles: viewer reads, editor writes, strangers and anonymous are refused', async () => {
      const viewer = new AccessGuard(deps.prisma, { userId: users.viewer, via: 'apiKey' });
      assert.equal(await viewer.requireRole(projectId, 'VIEWER'), 'VIEWER');
      await assert.rejects(viewer.requireRole(projectId, 'EDITOR'), ForbiddenError);
      const editor = new AccessGuard(deps.prisma, { userId: users.editor, via: 'session' });
      assert.equal(await editor.requireRole(projectId, 'EDITOR'), 'EDITOR');
      await assert.rejects(editor.requireRole(projectId, 'ADMIN'), ForbiddenError);
      await assert.rejects(editor.requireRole(otherProjectId, 'VIEWER'), ForbiddenError);
      const stranger = new AccessGuard(deps.prisma, { userId: users.stranger, via: 'apiKey' });
      await assert.rejects(stranger.requireRole(projectId, 'VIEWER'), ForbiddenError);
      assert.throws(() => new AccessGuard(deps.prisma, null).requireCaller(), UnauthenticatedError);
    });

    it('resolves owners and reports malformed or unknown ids as not found', async () => {
      assert.equal(await projectIdOf(deps.prisma, 'run', runs[0].id), projectId);
      assert.equal(await projectIdOf(deps.prisma, 'project', projectId), projectId);
      await assert.rejects(projectIdOf(deps.prisma, 'run', 'nope'), { name: 'NotFoundError' });
      await assert.rejects(projectIdOf(deps.prisma, 'sweep', '00000000-0000-4000-8000-000000000000'), {
        name: 'NotFoundError',
      });
    });

    it('verifies sessions until they expire', async () => {
      const live = await createSession(deps.prisma, users.viewer);
      assert.equal(await verifySession(deps.prisma, live.token), users.viewer);
      const dead = await createSession(deps.prisma, users.viewer, -1000);
      assert.equal(await verifySession(deps.prisma, dead.token), null);
      assert.equal(await verifySession(deps.prisma, 'sess_unknown'), null);
    });

    it('filters on promoted columns and JSONB paths with JSON-typed equality', async () => {
      assert.deepEqual((await ids({ config: [{ key: 'batchSize', op: 'EQ', value: 128 }] })).sort(), [2, 3]);
      assert.deepEqual(await ids({ config: [{ key: 'optimizer.name', op: 'EQ', value: 'adam' }] }), [2]);
      // 1 and "1" are different JSON values.
      assert.deepEqual(await ids({ config: [{ key: 'width', op: 'EQ', value: 1 }] }), [0]);
      assert.deepEqual(await ids({ config: [{ key: 'width', op: 'EQ', value: '1' }] }), [1]);
      // Ordering operators skip non-numbers (run 1's "1") and missing keys (run 2).
      assert.deepEqual((await ids({ config: [{ key: 'width', op: 'GTE', value: 1 }] })).sort(), [0, 3]);
      // NE only matches runs that have the key.
      assert.deepEqual(
        (await ids({ config: [{ key: 'optimizer.momentum', op: 'NE', value: 0 }] })).sort(),
        [1, 3],
      );
      assert.deepEqual(
        (await ids({ config: [{ key: 'batchSize', op: 'IN', value: [32, 64] }] })).sort(),
        [0, 1],
      );
      // LIKE wildcards in the search text are literal.
      assert.deepEqual(await ids({ nameContains: '100%' }), [2]);
      assert.deepEqual(await ids({ nameContains: '%' }), [2]);
      assert.deepEqual((await ids({ status: ['FINISHED'] })).sort(), [0, 3]);
      assert.throws(
        () =>
          compileRunWhere(
            [projectId],
            { config: [{ key: 'batchSize', op: 'EQ', value: 'big' }] },
            new SqlParams(),
          ),
        QueryInputError,
      );
    });

    it('filters and sorts on the newest metric value, missing values last', async () => {
      assert.deepEqual(
        (await ids({ metrics: [{ name: 'alpha', window: 0, op: 'GT', value: 1.2 }] })).sort(),
        [1, 3],
      );
      assert.deepEqual(
        await ids({}, [{ field: 'METRIC', key: 'alpha', window: 0, direction: 'DESC' }]),
        [3, 1, 0, 2],
      );
      assert.deepEqual(
        await ids({}, [{ field: 'METRIC', key: 'alpha', window: 0, direction: 'ASC' }]),
        [0, 1, 3, 2],
      );
      const page = await listRuns(deps.prisma, { projectIds: [projectId], first: 3, offset: 0 });
      assert.equal(page.hasNextPage, true);
      assert.equal(await page.totalCount(), 4);
    });

    it('pages a one-metric sort (index-ordered path) exactly as the general sort does', async () => {
      for (const direction of ['DESC', 'ASC'] as const) {
        for (const filter of [{}, { config: [{ key: 'batchSize', op: 'GTE' as const, value: 64 }] }]) {
          for (const first of [1, 2, 3]) {
            for (let offset = 0; offset <= 4; offset++) {
              const page = (orderBy: Parameters<typeof listRuns>[1]['orderBy']) =>
                listRuns(deps.prisma, { projectIds: [projectId], filter, orderBy, first, offset });
              const metric = { field: 'METRIC' as const, key: 'alpha', window: 0, direction };
              // A second sort key sends the same order (value, NULLS LAST, id) through the general path.
              const [fast, general] = await Promise.all([
                page([metric]),
                page([metric, { field: 'NAME', direction }]),
              ]);
              const what = `${direction} ${JSON.stringify(filter)} first ${first} offset ${offset}`;
              assert.deepEqual(
                fast.runs.map((r) => r.id),
                general.runs.map((r) => r.id),
                what,
              );
              assert.equal(fast.hasNextPage, general.hasNextPage, what);
            }
          }
        }
      }
    });

    it('aggregates scalars, config and summary values per group in SQL', async () => {
      const byBatch = await aggregateRuns(deps.prisma, {
        projectIds: [projectId],
        groupBy: ['batchSize'],
        metric: { source: 'SCALAR', name: 'alpha', window: 0 },
      });
      assert.deepEqual(
        byBatch.map((g) => [g.keys[0], g.n, g.mean]),
        [
          [32, 1, 0.9],
          [64, 1, 1.3],
          [128, 1, 1.5],
        ],
      );
      const byOpt = await aggregateRuns(deps.prisma, {
        projectIds: [projectId],
        groupBy: ['optimizer.name'],
        metric: { source: 'CONFIG', key: 'batchSize' },
      });
      const sgd = byOpt.find((g) => g.keys[0] === 'sgd')!;
      assert.equal(sgd.n, 3);
      assert.ok(Math.abs(sgd.mean! - (32 + 64 + 128) / 3) < 1e-9);
      const m = (32 + 64 + 128) / 3;
      const sd = Math.sqrt(((32 - m) ** 2 + (64 - m) ** 2 + (128 - m) ** 2) / 2);
      assert.ok(Math.abs(sgd.sd! - sd) < 1e-9 * sd);
      const loss = await aggregateRuns(deps.prisma, {
        projectIds: [projectId],
        groupBy: [],
        metric: { source: 'SUMMARY', key: 'finalLoss' },
      });
      assert.deepEqual([loss[0].n, loss[0].mean], [2, 0.375]);
      // A key missing from some runs groups them under null.
      const byMomentum = await aggregateRuns(deps.prisma, {
        projectIds: [projectId],
        groupBy: ['optimizer.momentum'],
        metric: { source: 'CONFIG', key: 'batchSize' },
      });
      assert.ok(byMomentum.some((g) => g.keys[0] === null && g.n === 1));
    });

    it('groups, filters and sorts fractional values of an integer-promoted key (toy batchSize) by their JSON value', async () => {
      // Escape toys use batchSize as a continuous noise scale: the Int column stays null, the config holds it.
      const toyProject = (await createProject(deps, { slug: uniq('qt'), name: 'QT' })).id;
      const made: RunRecord[] = [];
      for (const [i, config] of [
        { batchSize: 0.05, eta: 1 },
        { batchSize: 0.04, eta: 2 },
        { batchSize: 64, eta: 3 },
      ].entries())
        made.push(await createRun(deps, { projectId: toyProject, name: `toy ${i}`, kind: 'escape', config }));
      const groups = await aggregateRuns(deps.prisma, {
        projectIds: [toyProject],
        groupBy: ['batchSize'],
        metric: { source: 'CONFIG', key: 'eta' },
      });
      assert.deepEqual(
        groups.map((g) => [g.keys[0], g.n, g.mean]),
        [
          [0.04, 1, 2],
          [0.05, 1, 1],
          [64, 1, 3],
        ],
      );
      const page = async (
        filter: Parameters<typeof listRuns>[1]['filter'],
        orderBy?: Parameters<typeof listRuns>[1]['orderBy'],
      ) =>
        (
          await listRuns(deps.prisma, { projectIds: [toyProject], filter, orderBy, first: 10, offset: 0 })
        ).runs.map((r) => made.findIndex((x) => x.id === r.id));
      assert.deepEqual((await page({ config: [{ key: 'batchSize', op: 'LT', value: 1 }] })).sort(), [0, 1]);
      assert.deepEqual(await page({ config: [{ key: 'batchSize', op: 'EQ', value: 0.05 }] }), [0]);
      assert.deepEqual(
        (await page({ config: [{ key: 'batchSize', op: 'IN', value: [0.04, 64] }] })).sort(),
        [1, 2],
      );
      assert.deepEqual(await page({}, [{ field: 'CONFIG', key: 'batchSize', direction: 'ASC' }]), [1, 0, 2]);
    });

    it('saves views with frozen estimator versions, opened by token', async () => {
      const view = await saveView(deps.prisma, {
        projectId,
        createdById: users.viewer,
        title: 't',
        runIds: [runs[1].id],
        chartSettings: { logX: true },
      });
      assert.deepEqual(view.estimatorVersions, { diffusion: 'v1.3' });
      assert.ok(view.token.length >= 32);
      assert.equal((await viewByToken(deps.prisma, view.token))?.id, view.id);
      assert.equal(await viewByToken(deps.prisma, 'missing'), null);
    });

    it('keeps concurrent tag changes and lists comments per run', async () => {
      await Promise.all([
        updateRunTags(deps.prisma, runs[2].id, { add: ['b', 'a'] }),
        updateRunTags(deps.prisma, runs[2].id, { add: ['c'] }),
      ]);
      const after = await updateRunTags(deps.prisma, runs[2].id, { add: ['a'], remove: ['b'] });
      assert.deepEqual(after.tags, ['a', 'c']);
      await addComment(deps.prisma, { projectId, runId: runs[2].id, authorId: users.viewer, body: 'first' });
      await addComment(deps.prisma, { projectId, runId: runs[2].id, authorId: users.editor, body: 'second' });
      const comments = await commentsOfRuns(deps.prisma, [runs[2].id, runs[0].id]);
      assert.deepEqual(
        comments.map((c) => c.body),
        ['first', 'second'],
      );
    });

    it('reads the same rows over the registered pg pool as through Prisma', async () => {
      const result = await saveAnalysisResult(deps, runs[0].id, {
        estimator: 'diffusion',
        estimatorVersion: 'raw-check',
        params: { windowSize: 10 },
        scalars: [{ name: 'tau0', window: 1, value: 3, stdErr: 0.5 }],
        curves: [{ name: 'msd', window: 1, tw: 100, x: [1, 2, 3], y: [0.5, Number.NaN, 2] }],
      });
      const pooled = await createDb({ url: target.url, migrate: false, maxConnections: 2 });
      try {
        useReadPool(pooled.prisma, pooled.pool);
        const runIds = runs.map((r) => r.id);
        assert.deepEqual(await runsByIds(pooled.prisma, runIds), await runsByIds(deps.prisma, runIds));
        const analyses = await analysesByRunIds(deps.prisma, runIds);
        assert.ok(analyses.some((a) => a.id === BigInt(result.id) && a.scalars.length === 1));
        assert.deepEqual(await analysesByRunIds(pooled.prisma, runIds), analyses);
        assert.deepEqual(
          await latestScalarsByRunIds(pooled.prisma, runIds),
          await latestScalarsByRunIds(deps.prisma, runIds),
        );
        const heads = await curveHeadsByResultIds(deps.prisma, [BigInt(result.id)]);
        assert.deepEqual(
          heads.map((h) => [h.name, h.window, h.tw]),
          [['msd', 1, 100]],
        );
        assert.deepEqual(await curveHeadsByResultIds(pooled.prisma, [BigInt(result.id)]), heads);
        const arrays = await curveArraysByIds(deps.prisma, [heads[0].id]);
        const pooledArrays = await curveArraysByIds(pooled.prisma, [heads[0].id]);
        // bytea arrives as a Buffer on the pool and a Uint8Array through Prisma: same bytes.
        assert.equal(arrays.length, 1);
        assert.deepEqual(
          pooledArrays.map((c) => ({ ...c, x: [...c.x], y: [...c.y] })),
          arrays.map((c) => ({ ...c, x: [...c.x], y: [...c.y] })),
        );
        const metric = [{ field: 'METRIC' as const, key: 'alpha', window: 0, direction: 'DESC' as const }];
        const args = { projectIds: [projectId], orderBy: metric, first: 3, offset: 0 };
        const [a, b] = [await listRuns(pooled.prisma, args), await listRuns(deps.prisma, args)];
        assert.deepEqual(a.runs, b.runs);
        assert.equal(await a.totalCount(), await b.totalCount());
      } finally {
        await pooled.close();
      }
    });
  });
}

/**
 * Integration tests of the read API on seeded data, against PGlite and the PostgreSQL server:
 * runs connection (config/JSONB/metric filters, sorts, paging), run(id) with series, analyses and
 * curves, compareRuns, aggregate (checked against the same statistics computed here over all
 * replicates), and the N+1 guard (SQL statements per page are constant in the page size).
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { studentTQuantile } from '@sgdscope/analysis/special';
import { saveAnalysisResult } from '@sgdscope/db/repo/analysis';
import { addComment } from '@sgdscope/db/repo/comments';
import { addMember, createProject } from '@sgdscope/db/repo/projects';
import { createSweep } from '@sgdscope/db/repo/sweeps';
import pg from 'pg';
import { errorCode, type TestEnv } from '../support/env.js';
import { BATCH_SIZES, MOMENTA, REPLICATES, type Seed } from '../support/seed.js';

interface RunNode {
  id: string;
  name: string;
  batchSize: number;
}
interface RunsData {
  runs: {
    totalCount: number;
    edges: { cursor: string; node: RunNode }[];
    pageInfo: { hasNextPage: boolean; endCursor: string };
  };
}

/** Runs `fn` and counts the SQL statements the server (same process) sends meanwhile through pg.Client#query. */
async function countStatements<T>(fn: () => Promise<T>): Promise<{ result: T; statements: number }> {
  let statements = 0;
  const original = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    statements++;
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original;
  try {
    return { result: await fn(), statements };
  } finally {
    pg.Client.prototype.query = original;
  }
}

const RUNS = `query($p: ID!, $f: RunFilterInput, $o: [RunOrderInput!], $first: Int!, $after: String) {
  runs(projectId: $p, filter: $f, orderBy: $o, first: $first, after: $after) {
    totalCount edges { cursor node { id name batchSize } } pageInfo { hasNextPage endCursor }
  }
}`;

/** Register the suite; `fixture` yields the shared server and seed once `before` hooks ran. */
export function querySuite(fixture: () => { env: TestEnv; s: Seed }): void {
  describe('read API', () => {
    let env: TestEnv;
    let s: Seed;
    before(() => {
      ({ env, s } = fixture());
    });

    const runsQuery = async (variables: Record<string, unknown>) => {
      const res = await env.gql<RunsData>(RUNS, { p: s.projectA, first: 50, ...variables }, s.keys.viewer);
      assert.equal(res.body.errors, undefined, JSON.stringify(res.body.errors));
      return res.body.data!.runs;
    };

    it('filters on a promoted column, a JSONB path, tags and a metric in window 0', async () => {
      const bs = await runsQuery({ f: { config: [{ key: 'batchSize', op: 'EQ', value: 128 }] } });
      assert.equal(bs.totalCount, MOMENTA.length * REPLICATES);
      assert.ok(bs.edges.every((e) => e.node.batchSize === 128));

      const mom = await runsQuery({ f: { config: [{ key: 'optimizer.momentum', op: 'GT', value: 0.5 }] } });
      const expectedMom = s.runs
        .filter((r) => r.momentum > 0.5)
        .map((r) => r.run.id)
        .sort();
      assert.deepEqual(mom.edges.map((e) => e.node.id).sort(), expectedMom);

      const tagged = await runsQuery({ f: { tagsAll: ['even'] } });
      assert.equal(tagged.totalCount, s.runs.length / 2);

      const fast = await runsQuery({ f: { metrics: [{ name: 'alpha', window: 0, op: 'GT', value: 1 }] } });
      const expectedFast = s.runs
        .filter((r) => r.alpha[0] > 1)
        .map((r) => r.run.id)
        .sort();
      assert.ok(
        expectedFast.length > 0 && expectedFast.length < s.runs.length,
        'fixture must split on alpha > 1',
      );
      assert.deepEqual(fast.edges.map((e) => e.node.id).sort(), expectedFast);

      const combined = await runsQuery({
        f: {
          config: [{ key: 'batchSize', op: 'IN', value: [32] }],
          metrics: [{ name: 'alpha', window: 0, op: 'GT', value: 1 }],
          status: ['QUEUED'],
        },
      });
      const expectedCombined = s.runs
        .filter((r) => r.batchSize === 32 && r.alpha[0] > 1)
        .map((r) => r.run.id)
        .sort();
      assert.deepEqual(combined.edges.map((e) => e.node.id).sort(), expectedCombined);
    });

    it('sorts by a metric and pages through every run exactly once', async () => {
      const seen: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 10; page++) {
        const res: RunsData['runs'] = await runsQuery({
          first: 5,
          after,
          o: [{ field: 'METRIC', key: 'alpha', window: 0, direction: 'DESC' }],
        });
        seen.push(...res.edges.map((e) => e.node.id));
        if (!res.pageInfo.hasNextPage) break;
        after = res.pageInfo.endCursor;
      }
      const expected = [...s.runs].sort((a, b) => b.alpha[0] - a.alpha[0]).map((r) => r.run.id);
      assert.deepEqual(seen, expected);
    });

    it('sorts by a JSONB config path with the run id as tie-breaker', async () => {
      const res = await runsQuery({ o: [{ field: 'CONFIG', key: 'optimizer.momentum', direction: 'ASC' }] });
      const momenta = res.edges.map((e) => s.runs.find((r) => r.run.id === e.node.id)!.momentum);
      assert.deepEqual(
        momenta,
        [...momenta].sort((a, b) => a - b),
      );
    });

    it('run(id) returns config, downsampled series that keep the spike, analyses with CIs and curves', async () => {
      const id = s.runs[0].run.id;
      const res = await env.gql<{
        run: {
          config: { batchSize: number };
          lin: { totalSteps: number; stepStart: number[]; max: number[]; min: number[] }[];
          log: { stepStart: number[]; stepEnd: number[] }[];
          analyses: {
            estimatorVersion: string;
            details: { rmse: number };
            scalars: {
              name: string;
              window: number;
              value: number;
              ciLower: number;
              ciUpper: number;
              ciLevel: number;
            }[];
            curves: { name: string; window: number; tw: number; x: number[]; y: number[] }[];
            thin: { window: number; x: number[] }[];
          }[];
        };
      }>(
        `query($id: ID!) { run(id: $id) {
          config
          lin: series(names: ["loss"], width: 100) { totalSteps stepStart min max }
          log: series(names: ["loss"], width: 40, scheme: LOG) { stepStart stepEnd }
          analyses { estimatorVersion details scalars { name window value ciLower ciUpper ciLevel } curves { name window tw x y }
            thin: curves(names: ["msd"], maxPoints: 2) { window x } }
        } }`,
        { id },
        s.keys.viewer,
      );
      assert.equal(res.body.errors, undefined, JSON.stringify(res.body.errors));
      const run = res.body.data!.run;
      assert.equal(run.config.batchSize, s.runs[0].batchSize);
      const lin = run.lin[0];
      assert.equal(lin.totalSteps, s.lossSteps);
      assert.ok(lin.max.length <= 100 && lin.max.length >= 50, `got ${lin.max.length} buckets`);
      assert.equal(Math.max(...lin.max), 50, 'the one-step spike survives downsampling');
      const log = run.log[0];
      assert.ok(log.stepStart.length <= 40);
      // Log buckets grow: the first bucket is narrower than the last.
      const w0 = log.stepEnd[0] - log.stepStart[0];
      const wn = log.stepEnd.at(-1)! - log.stepStart.at(-1)!;
      assert.ok(w0 < wn, `first width ${w0} < last width ${wn}`);
      const [a] = run.analyses;
      assert.equal(a.estimatorVersion, 'test-1');
      assert.equal(a.details.rmse, 0.01);
      const alpha0 = a.scalars.find((x) => x.name === 'alpha' && x.window === 0)!;
      assert.ok(Math.abs(alpha0.value - s.runs[0].alpha[0]) < 1e-12);
      assert.equal(alpha0.ciLevel, 0.95);
      assert.ok(alpha0.ciLower < alpha0.value && alpha0.value < alpha0.ciUpper);
      const msd1 = a.curves.find((c) => c.name === 'msd' && c.window === 1)!;
      assert.equal(msd1.tw, 100);
      assert.deepEqual(msd1.x, [1, 2, 4, 8]);
      assert.ok(Math.abs(msd1.y[3] - 8 ** s.runs[0].alpha[1]) < 1e-9);
      // curves(maxPoints) thins as compareRuns does: the two ends of the 4 lags.
      assert.deepEqual(a.thin.find((c) => c.window === 1)?.x, [1, 8]);
    });

    it("serves curve arrays from the shared cache after the first read, and a re-analysis's new curves at once", async () => {
      const run = s.runs[2 * REPLICATES].run;
      const save = (scale: number) =>
        saveAnalysisResult(env.repo, run.id, {
          estimator: 'cache-check',
          estimatorVersion: '1',
          params: {},
          scalars: [],
          curves: [{ name: 'msd', window: 0, x: [1, 2, 4], y: [1, 2, 4].map((t) => scale * t) }],
        });
      await save(1);
      const query = `query($id: ID!) { run(id: $id) { analyses { estimator curves { name y } } } }`;
      const read = async () => {
        const { result: res, statements } = await countStatements(() =>
          env.gql<{ run: { analyses: { estimator: string; curves: { y: number[] }[] }[] } }>(
            query,
            { id: run.id },
            s.keys.viewer,
          ),
        );
        assert.equal(res.body.errors, undefined, JSON.stringify(res.body.errors));
        const mine = res.body.data!.run.analyses.find((a) => a.estimator === 'cache-check')!;
        return { statements, y: mine.curves[0].y };
      };
      const first = await read();
      const second = await read();
      assert.deepEqual(first.y, [1, 2, 4]);
      assert.deepEqual(second.y, [1, 2, 4]);
      assert.equal(second.statements, first.statements - 1, 'a cached read skips the arrays statement');
      // Re-saving replaces the result's curve rows (new ids): the next read shows the new values, never stale ones.
      await save(3);
      assert.deepEqual((await read()).y, [3, 6, 12]);
    });

    it('compareRuns aligns metrics and curves by run and reports only differing config keys', async () => {
      const picked = [s.runs[0], s.runs[REPLICATES], s.runs[2 * REPLICATES + 1], s.runs[3 * REPLICATES + 2]];
      const res = await env.gql<{
        compareRuns: {
          runs: { id: string }[];
          metrics: { name: string; window: number; values: { value: number }[] }[];
          curves: { name: string; window: number; curves: { y: number[] }[] }[];
          configDiff: { key: string; values: unknown[] }[];
        };
      }>(
        `query($ids: [ID!]!) { compareRuns(ids: $ids) {
          runs { id } metrics { name window values { value } } curves { name window curves { y } } configDiff { key values }
        } }`,
        { ids: picked.map((r) => r.run.id) },
        s.keys.viewer,
      );
      assert.equal(res.body.errors, undefined, JSON.stringify(res.body.errors));
      const c = res.body.data!.compareRuns;
      assert.deepEqual(
        c.runs.map((r) => r.id),
        picked.map((r) => r.run.id),
      );
      const alpha1 = c.metrics.find((m) => m.name === 'alpha' && m.window === 1)!;
      assert.deepEqual(
        alpha1.values.map((v) => v.value),
        picked.map((r) => r.alpha[1]),
      );
      const msd0 = c.curves.find((m) => m.name === 'msd' && m.window === 0)!;
      assert.equal(msd0.curves.length, 4);
      // maxPoints thins every curve (ends kept); the default above is every stored point.
      const thin = await env.gql<{
        compareRuns: { curves: { name: string; window: number; curves: { x: number[]; y: number[] }[] }[] };
      }>(
        `query($ids: [ID!]!) { compareRuns(ids: $ids, maxPoints: 3) { curves { name window curves { x y } } } }`,
        { ids: picked.map((r) => r.run.id) },
        s.keys.viewer,
      );
      assert.equal(thin.body.errors, undefined, JSON.stringify(thin.body.errors));
      const full = msd0.curves[0].y;
      const thinMsd0 = thin.body.data!.compareRuns.curves.find((m) => m.name === 'msd' && m.window === 0)!;
      const y0 = thinMsd0.curves[0].y;
      assert.ok(y0.length <= 3 && y0.length >= 2, `${y0.length} points`);
      assert.equal(y0[0], full[0]);
      assert.equal(y0[y0.length - 1], full[full.length - 1]);
      const tooFew = await env.gql(
        `query($ids: [ID!]!) { compareRuns(ids: $ids, maxPoints: 1) { runs { id } } }`,
        { ids: picked.map((r) => r.run.id) },
        s.keys.viewer,
      );
      assert.equal(errorCode(tooFew), 'BAD_USER_INPUT');
      assert.deepEqual(c.configDiff.map((d) => d.key).sort(), ['batchSize', 'optimizer.momentum', 'seed']);
      const bs = c.configDiff.find((d) => d.key === 'batchSize')!;
      assert.deepEqual(
        bs.values,
        picked.map((r) => r.batchSize),
      );
    });

    it('aggregate gives mean, SE, t-based 95% CI and n over all replicates per group', async () => {
      const res = await env.gql<{
        aggregate: {
          keys: unknown[];
          n: number;
          mean: number;
          sd: number;
          stdErr: number;
          ciLower: number;
          ciUpper: number;
        }[];
      }>(
        `query($p: ID!) { aggregate(projectId: $p, groupBy: ["batchSize", "optimizer.momentum"], metric: { name: "alpha", window: 0 }) {
          keys n mean sd stdErr ciLower ciUpper } }`,
        { p: s.projectA },
        s.keys.viewer,
      );
      assert.equal(res.body.errors, undefined, JSON.stringify(res.body.errors));
      const groups = res.body.data!.aggregate;
      assert.equal(groups.length, BATCH_SIZES.length * MOMENTA.length);
      for (const g of groups) {
        const [bs, mom] = g.keys as [number, number];
        const values = s.runs.filter((r) => r.batchSize === bs && r.momentum === mom).map((r) => r.alpha[0]);
        const n = values.length;
        const mean = values.reduce((a, b) => a + b, 0) / n;
        const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
        const half = studentTQuantile(0.975, n - 1) * (sd / Math.sqrt(n));
        assert.equal(g.n, REPLICATES);
        // SQL float8 and JS doubles agree to rounding: 1e-12 relative.
        assert.ok(Math.abs(g.mean - mean) < 1e-12 * Math.abs(mean));
        assert.ok(Math.abs(g.sd - sd) < 1e-9 * sd);
        assert.ok(Math.abs(g.ciUpper - (mean + half)) < 1e-9 * Math.abs(mean + half));
        assert.ok(Math.abs(g.ciLower - (mean - half)) < 1e-9 * Math.abs(mean - half));
      }
    });

    it('answers BAD_USER_INPUT for bad filters, sort keys, cursors and page sizes', async () => {
      const bad = [
        { f: { config: [{ key: "x'; DROP TABLE", op: 'EQ', value: 1 }] } },
        { f: { config: [{ key: 'batchSize', op: 'GT', value: 'big' }] } },
        { o: [{ field: 'METRIC', direction: 'ASC' }] },
        // class-validator constraints on the input class (Length, ArrayMaxSize).
        { f: { nameContains: '' } },
        { f: { tagsAll: Array.from({ length: 51 }, (_, i) => `t${i}`) } },
        { after: 'not-a-cursor' },
        { first: 0 },
        { first: 100000 },
      ];
      for (const v of bad) {
        const res = await env.gql(RUNS, { p: s.projectA, first: 10, ...v }, s.keys.viewer);
        assert.equal(errorCode(res), 'BAD_USER_INPUT', JSON.stringify(v));
        assert.equal(res.body.data ?? null, null);
      }
    });

    it('costs a constant number of SQL statements per runs page (no N+1), 100 runs included', async () => {
      // A separate project of 100 runs (one sweep insert), each with an analysis result and a comment.
      const project = await createProject(env.repo, { slug: `nplus1-${Date.now()}`, name: 'n+1' });
      await addMember(env.repo, { projectId: project.id, userId: s.userIds.viewer, role: 'viewer' });
      const { runs } = await createSweep(env.repo, {
        projectId: project.id,
        name: 'hundred',
        kind: 'network',
        baseConfig: {},
        grid: { seed: Array.from({ length: 100 }, (_, i) => i) },
      });
      for (const run of runs) {
        await saveAnalysisResult(env.repo, run.id, {
          estimator: 'diffusion',
          estimatorVersion: 'n1',
          params: {},
          scalars: [{ name: 'alpha', window: 0, value: 1 }],
          curves: [{ name: 'msd', window: 0, x: [1, 2], y: [1, 2] }],
        });
      }
      await addComment(env.repo.prisma, {
        projectId: project.id,
        runId: runs[0].id,
        authorId: s.userIds.viewer,
        body: 'x',
      });
      const page = `query($p: ID!, $first: Int!) { runs(projectId: $p, first: $first) {
        edges { node { id metrics { name value } analyses { scalars { value } curves { name } } comments { body } } } } }`;
      const count = async (first: number) => {
        const { result: res, statements } = await countStatements(() =>
          env.gql<{ runs: { edges: unknown[] } }>(page, { p: project.id, first }, s.keys.viewer),
        );
        assert.equal(res.body.errors, undefined, JSON.stringify(res.body.errors));
        assert.equal(res.body.data!.runs.edges.length, first);
        return statements;
      };
      const small = await count(2);
      const large = await count(100);
      assert.equal(large, small, `statements for 100 runs (${large}) must equal those for 2 runs (${small})`);
      assert.ok(large <= 12, `a page costs ${large} statements`);
      console.log(`[n+1] SQL statements per runs page: 2 runs ${small}, 100 runs ${large}`);
    });
  });
}

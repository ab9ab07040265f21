/**
 * Authorization matrix: every query and mutation, called as anonymous, as a member of another
 * project, and as viewer / editor / admin of the target project. Callers below the operation's role
 * get UNAUTHENTICATED or FORBIDDEN and nothing is written; callers at or above it are not refused.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { createSession } from '@sgdscope/db/repo/access';
import { createRun, getRun } from '@sgdscope/db/repo/runs';
import { createSweep } from '@sgdscope/db/repo/sweeps';
import { errorCode, type TestEnv } from '../support/env.js';
import { type Seed } from '../support/seed.js';

type Who = 'anonymous' | 'outsider' | 'viewer' | 'editor' | 'admin';
const LADDER: Who[] = ['viewer', 'editor', 'admin'];

interface Operation {
  readonly name: string;
  /** Least role in project A that may call it; 'any' = any authenticated user. */
  readonly needs: 'viewer' | 'editor' | 'admin' | 'any';
  readonly query: string;
  readonly variables: (s: Seed, runId: string, sweepId: string) => Record<string, unknown>;
}

const OPERATIONS: Operation[] = [
  { name: 'projects', needs: 'any', query: '{ projects { id } }', variables: () => ({}) },
  {
    name: 'runs',
    needs: 'viewer',
    query: 'query($p: ID!) { runs(projectId: $p) { totalCount } }',
    variables: (s) => ({ p: s.projectA }),
  },
  {
    name: 'run',
    needs: 'viewer',
    query: 'query($id: ID!) { run(id: $id) { id } }',
    variables: (_s, id) => ({ id }),
  },
  {
    name: 'compareRuns',
    needs: 'viewer',
    query: 'query($ids: [ID!]!) { compareRuns(ids: $ids) { runs { id } } }',
    variables: (_s, id) => ({ ids: [id] }),
  },
  {
    name: 'aggregate',
    needs: 'viewer',
    query:
      'query($p: ID!) { aggregate(projectId: $p, groupBy: ["batchSize"], metric: { name: "alpha", window: 0 }) { n } }',
    variables: (s) => ({ p: s.projectA }),
  },
  {
    name: 'sweeps',
    needs: 'viewer',
    query: 'query($p: ID!) { sweeps(projectId: $p) { id runCount } }',
    variables: (s) => ({ p: s.projectA }),
  },
  {
    name: 'escapeRateFit',
    needs: 'viewer',
    query: 'query($id: ID!) { escapeRateFit(sweepId: $id, against: INV_LR) { points { x } } }',
    variables: (_s, _r, sweepId) => ({ id: sweepId }),
  },
  {
    name: 'phaseDiagram',
    needs: 'viewer',
    query: 'query($id: ID!) { phaseDiagram(sweepId: $id) { runs } }',
    variables: (_s, _r, sweepId) => ({ id: sweepId }),
  },
  {
    name: 'createProject',
    needs: 'any',
    query: 'mutation($slug: String!) { createProject(slug: $slug, name: "x") { id } }',
    variables: () => ({ slug: `p-${Math.random().toString(36).slice(2, 10)}` }),
  },
  {
    name: 'inviteMember',
    needs: 'admin',
    query:
      'mutation($p: ID!) { inviteMember(input: { projectId: $p, email: "new@a.test", role: VIEWER }) { role } }',
    variables: (s) => ({ p: s.projectA }),
  },
  {
    name: 'createApiKey',
    needs: 'any',
    query: 'mutation { createApiKey(name: "k") { prefix } }',
    variables: () => ({}),
  },
  {
    name: 'createExperiment',
    needs: 'editor',
    query: 'mutation($p: ID!, $n: String!) { createExperiment(projectId: $p, name: $n) { id } }',
    variables: (s) => ({ p: s.projectA, n: `e-${Math.random()}` }),
  },
  {
    name: 'createRun',
    needs: 'editor',
    query:
      'mutation($p: ID!) { createRun(input: { projectId: $p, name: "n", kind: NETWORK, config: { batchSize: 4 } }) { id } }',
    variables: (s) => ({ p: s.projectA }),
  },
  {
    name: 'createSweep',
    needs: 'editor',
    query:
      'mutation($p: ID!) { createSweep(input: { projectId: $p, name: "sw", kind: ESCAPE, baseConfig: {}, grid: { batchSize: [1, 2] }, replicates: 2 }) { runCount } }',
    variables: (s) => ({ p: s.projectA }),
  },
  {
    name: 'logSteps',
    needs: 'editor',
    query:
      'mutation($id: ID!) { logSteps(runId: $id, fromStep: 0, series: [{ name: "loss", values: [1, 2] }]) { lastStep } }',
    variables: (_s, id) => ({ id }),
  },
  {
    name: 'uploadTrajectoryChunk',
    needs: 'editor',
    query:
      'mutation($id: ID!, $data: String!) { uploadTrajectoryChunk(runId: $id, seq: 0, fromStep: 0, rows: 1, d: 2, dtype: "float32", data: $data) { seq } }',
    variables: (_s, id) => ({ id, data: Buffer.from(new Float32Array([1, 2]).buffer).toString('base64') }),
  },
  {
    name: 'finishRun',
    needs: 'editor',
    query: 'mutation($id: ID!) { finishRun(runId: $id, status: FINISHED) { status } }',
    variables: (_s, id) => ({ id }),
  },
  {
    name: 'analyzeRun',
    needs: 'editor',
    query: 'mutation($id: ID!) { analyzeRun(runId: $id, params: { windowSize: 100 }) { id } }',
    variables: (_s, id) => ({ id }),
  },
  {
    name: 'tagRun',
    needs: 'editor',
    query: 'mutation($id: ID!) { tagRun(runId: $id, add: ["t"]) { tags } }',
    variables: (_s, id) => ({ id }),
  },
  {
    name: 'setRunNotes',
    needs: 'editor',
    query: 'mutation($id: ID!) { setRunNotes(runId: $id, notes: "n") { notes } }',
    variables: (_s, id) => ({ id }),
  },
  {
    name: 'addComment',
    needs: 'viewer',
    query: 'mutation($id: ID!) { addComment(runId: $id, body: "hi") { id } }',
    variables: (_s, id) => ({ id }),
  },
  {
    name: 'saveView',
    needs: 'viewer',
    query:
      'mutation($p: ID!, $id: ID!) { saveView(input: { projectId: $p, title: "v", runIds: [$id] }) { token } }',
    variables: (s, id) => ({ p: s.projectA, id }),
  },
];

/** Register the suite; `fixture` yields the shared server and seed once `before` hooks ran. */
export function authzSuite(fixture: () => { env: TestEnv; s: Seed }): void {
  describe('authorization', () => {
    let env: TestEnv;
    let s: Seed;
    let sweepId: string;
    before(async () => {
      ({ env, s } = fixture());
      sweepId = (
        await createSweep(env.repo, {
          projectId: s.projectA,
          name: 'authz',
          kind: 'escape',
          baseConfig: {},
          grid: { eta: [0.1] },
        })
      ).sweep.id;
    });

    const keyOf = (who: Who) => (who === 'anonymous' ? null : s.keys[who]);

    for (const op of OPERATIONS) {
      it(`${op.name} needs ${op.needs}`, async () => {
        for (const who of ['anonymous', 'outsider', ...LADDER] as Who[]) {
          // A fresh run per call so state-changing mutations (finishRun, uploads) never interfere.
          const run = await createRun(env.repo, {
            projectId: s.projectA,
            name: 'm',
            kind: 'network',
            config: {},
          });
          const res = await env.gql(op.query, op.variables(s, run.id, sweepId), keyOf(who));
          const code = errorCode(res);
          const allowed =
            who !== 'anonymous' &&
            (op.needs === 'any' || (who !== 'outsider' && LADDER.indexOf(who) >= LADDER.indexOf(op.needs)));
          if (allowed) {
            assert.notEqual(
              code,
              'FORBIDDEN',
              `${who} must be allowed ${op.name}: ${JSON.stringify(res.body.errors)}`,
            );
            assert.notEqual(code, 'UNAUTHENTICATED', `${who} ${op.name}`);
          } else {
            assert.equal(
              code,
              who === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN',
              `${who} ${op.name}: ${JSON.stringify(res.body)}`,
            );
            assert.equal(res.body.data ?? null, null, `${who} ${op.name} returned data`);
            // Refused writes leave the run untouched.
            const after = await getRun(env.repo, run.id);
            assert.equal(after.status, 'queued');
            assert.deepEqual(after.tags, []);
            assert.equal(after.notes, null);
            assert.equal(after.lastStep, -1);
          }
        }
      });
    }

    it("projects lists only the caller's projects", async () => {
      const res = await env.gql<{ projects: { id: string }[] }>('{ projects { id } }', {}, s.keys.outsider);
      const ids = res.body.data!.projects.map((p) => p.id);
      assert.ok(ids.includes(s.projectB));
      assert.ok(!ids.includes(s.projectA));
    });

    it('a foreign run is FORBIDDEN through every read path', async () => {
      const reads = [
        ['query($id: ID!) { run(id: $id) { id } }', { id: s.foreignRunId }],
        [
          'query($ids: [ID!]!) { compareRuns(ids: $ids) { runs { id } } }',
          { ids: [s.runs[0].run.id, s.foreignRunId] },
        ],
        ['query($p: ID!) { runs(projectId: $p) { totalCount } }', { p: s.projectB }],
      ] as const;
      for (const [q, v] of reads) {
        const res = await env.gql(q, v, s.keys.admin);
        assert.equal(errorCode(res), 'FORBIDDEN', q);
      }
    });

    it('savedView opens by its token alone (reviewer link) and shows only the frozen runs', async () => {
      const saved = await env.gql<{ saveView: { token: string } }>(
        'mutation($p: ID!, $id: ID!) { saveView(input: { projectId: $p, title: "v", runIds: [$id], chartSettings: { logY: true } }) { token } }',
        { p: s.projectA, id: s.runs[0].run.id },
        s.keys.viewer,
      );
      const token = saved.body.data!.saveView.token;
      const q =
        'query($t: String!) { savedView(token: $t) { title runIds estimatorVersions chartSettings } }';
      const ok = await env.gql<{
        savedView: { runIds: string[]; estimatorVersions: Record<string, string> };
      }>(q, { t: token }, s.keys.viewer);
      assert.deepEqual(ok.body.data!.savedView.runIds, [s.runs[0].run.id]);
      assert.deepEqual(ok.body.data!.savedView.estimatorVersions, { diffusion: 'test-1' });
      // The token is the credential: an outsider and an anonymous reviewer read the same frozen view.
      const frozen =
        'query($t: String!) { savedView(token: $t) { runIds comparison { runs { id projectId } configDiff { key } } } }';
      for (const key of [s.keys.outsider, null]) {
        const res = await env.gql<{
          savedView: { runIds: string[]; comparison: { runs: { id: string; projectId: string }[] } };
        }>(frozen, { t: token }, key);
        assert.equal(res.body.errors, undefined, JSON.stringify(res.body.errors));
        assert.deepEqual(
          res.body.data!.savedView.comparison.runs.map((r) => r.id),
          [s.runs[0].run.id],
        );
      }
      // ... but the token opens nothing else: the runs themselves stay closed to non-members.
      assert.equal(
        errorCode(
          await env.gql('query($id: ID!) { run(id: $id) { id } }', { id: s.runs[0].run.id }, s.keys.outsider),
        ),
        'FORBIDDEN',
      );
      assert.equal(errorCode(await env.gql(q, { t: 'nope' }, s.keys.viewer)), 'NOT_FOUND');
      assert.equal(errorCode(await env.gql(q, { t: 'nope' }, null)), 'NOT_FOUND');
    });

    it('accepts a session token as bearer or cookie', async () => {
      const { token } = await createSession(env.repo.prisma, s.userIds.viewer);
      const variants: Record<string, string>[] = [
        { authorization: `Bearer ${token}` },
        { cookie: `theme=dark; sgdscope_session=${token}` },
      ];
      for (const headers of variants) {
        const res = await fetch(`${env.server.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ query: '{ projects { id } }' }),
        });
        const body = (await res.json()) as { data: { projects: { id: string }[] } };
        assert.ok(body.data.projects.some((p) => p.id === s.projectA));
      }
    });

    it('a wrong or malformed credential is 401 UNAUTHENTICATED, never anonymous', async () => {
      for (const auth of [
        'Bearer sgd_000000000000_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'Basic abc',
        'Bearer sess_nope',
      ]) {
        const res = await fetch(`${env.server.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: auth },
          body: JSON.stringify({ query: '{ projects { id } }' }),
        });
        assert.equal(res.status, 401, auth);
        const body = (await res.json()) as { errors: { extensions: { code: string } }[] };
        assert.equal(body.errors[0].extensions.code, 'UNAUTHENTICATED');
      }
    });
  });
}

/**
 * escapeRateFit and phaseDiagram on sweeps seeded like the trainer writes them: escape runs with
 * `escape_time`/`escaped` artifacts drawn from exponentials of a known rate law, and valley runs
 * whose summaries classify each (eta, Delta_S) cell.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { createRng } from '@sgdscope/analysis/random';
import { writeArtifact } from '@sgdscope/db/repo/artifacts';
import { finishRun } from '@sgdscope/db/repo/runs';
import { createSweep } from '@sgdscope/db/repo/sweeps';
import { errorCode, type TestEnv } from '../support/env.js';
import type { Seed } from '../support/seed.js';

/** True law: -log gamma = A + B_SLOPE * batchSize (seed 001: linear in B). */
const A = 1;
const B_SLOPE = 0.5;
const BATCHES = [1, 2, 3, 4];
const REPEATS = 200;
const BUDGET = 60;

export function sweepSuite(fixture: () => { env: TestEnv; s: Seed }): void {
  describe('sweep science', () => {
    let env: TestEnv;
    let s: Seed;
    before(() => {
      ({ env, s } = fixture());
    });

    it('escapeRateFit recovers the slope of -log gamma vs B within its 95% CI', async () => {
      const { sweep, runs } = await createSweep(env.repo, {
        projectId: s.projectA,
        name: 'escape',
        kind: 'escape',
        baseConfig: { eta: 0.02 },
        grid: { batchSize: BATCHES },
        replicates: 2,
      });
      const rng = createRng(3);
      const expected = new Map<number, { times: number[]; escaped: number[] }>();
      for (const run of runs) {
        const batch = run.config.batchSize as number;
        const rate = Math.exp(-(A + B_SLOPE * batch));
        // Exponential times, censored at the budget as the trainer does for repeats that never escape.
        const raw = Array.from({ length: REPEATS / 2 }, () => -Math.log(1 - rng.next()) / rate);
        const times = raw.map((t) => Math.min(t, BUDGET));
        const escaped = raw.map((t) => (t < BUDGET ? 1 : 0));
        await writeArtifact(env.repo, run.id, {
          name: 'escape_time',
          step: 0,
          shape: [times.length],
          data: Float64Array.from(times),
        });
        await writeArtifact(env.repo, run.id, {
          name: 'escaped',
          step: 0,
          shape: [escaped.length],
          data: Float64Array.from(escaped),
        });
        await finishRun(env.repo, run.id, { status: 'finished' });
        const e = expected.get(batch) ?? { times: [], escaped: [] };
        e.times.push(...times);
        e.escaped.push(...escaped);
        expected.set(batch, e);
      }
      const res = await env.gql<{
        escapeRateFit: {
          points: {
            control: number;
            n: number;
            escaped: number;
            rate: number;
            method: string;
            runs: number;
          }[];
          slope: number;
          slopeCiLower: number;
          slopeCiUpper: number;
          pearsonR: number;
        };
      }>(
        'query($id: ID!) { escapeRateFit(sweepId: $id, against: BATCH_SIZE) { points { control n escaped rate method runs } slope slopeCiLower slopeCiUpper pearsonR } }',
        { id: sweep.id },
        s.keys.viewer,
      );
      assert.equal(res.body.errors, undefined, JSON.stringify(res.body.errors));
      const fit = res.body.data!.escapeRateFit;
      assert.deepEqual(
        fit.points.map((p) => p.control),
        BATCHES,
      );
      for (const p of fit.points) {
        const e = expected.get(p.control)!;
        const d = e.escaped.reduce((a, b) => a + b, 0);
        const total = e.times.reduce((a, b) => a + b, 0);
        assert.equal(p.runs, 2);
        assert.equal(p.n, REPEATS);
        assert.equal(p.escaped, d);
        // Censored points use #escaped/sum t, uncensored (n-1)/sum t (science-spec 3.2).
        const want = d < REPEATS ? d / total : (REPEATS - 1) / total;
        assert.ok(Math.abs(p.rate - want) < 1e-12 * want, `rate at B=${p.control}`);
      }
      assert.ok(
        fit.slopeCiLower < B_SLOPE && B_SLOPE < fit.slopeCiUpper,
        `true slope ${B_SLOPE} in [${fit.slopeCiLower}, ${fit.slopeCiUpper}]`,
      );
      assert.ok(fit.pearsonR > 0.95);
    });

    it("phaseDiagram pools the runs' phase grids into counts and brackets the I/II boundary", async () => {
      const { sweep, runs } = await createSweep(env.repo, {
        projectId: s.projectA,
        name: 'valley',
        kind: 'phase_diagram',
        baseConfig: { etas: [0.1, 0.2], shiftVariances: [0.01, 0.03, 0.1, 0.3] },
        grid: { seed: [1, 2, 3] },
      });
      const etas = [0.1, 0.2];
      const shiftVariances = [0.01, 0.03, 0.1, 0.3];
      for (const [i, run] of runs.entries()) {
        // The valley experiment's `phase` artifact: codes 1/2/3 on the (eta x Delta_S) grid, row-major.
        // I below the hyperbola eta*dS = 0.005, II above; the third replicate diverges at the corner.
        const codes = etas.flatMap((eta) =>
          shiftVariances.map((dS) => (eta === 0.2 && dS === 0.3 && i === 2 ? 3 : eta * dS < 0.005 ? 1 : 2)),
        );
        await writeArtifact(env.repo, run.id, {
          name: 'phase',
          step: 0,
          shape: [etas.length, shiftVariances.length],
          data: Float64Array.from(codes),
          meta: { rows: 'eta', cols: 'shiftVariance', etas, shiftVariances },
        });
        await finishRun(env.repo, run.id, { status: 'finished', summary: { kind: 'phase_diagram' } });
      }
      const res = await env.gql<{
        phaseDiagram: {
          runs: number;
          cells: {
            eta: number;
            noise: number;
            phase: string;
            n: number;
            countI: number;
            countII: number;
            countIII: number;
          }[];
          boundaries: { between: string; eta: number; noise: number; ciLower: number; ciUpper: number }[];
        };
      }>(
        'query($id: ID!) { phaseDiagram(sweepId: $id) { runs cells { eta noise phase n countI countII countIII } boundaries { between eta noise ciLower ciUpper } } }',
        { id: sweep.id },
        s.keys.viewer,
      );
      assert.equal(res.body.errors, undefined, JSON.stringify(res.body.errors));
      const pd = res.body.data!.phaseDiagram;
      assert.equal(pd.runs, 3);
      assert.equal(pd.cells.length, 8);
      const corner = pd.cells.find((c) => c.eta === 0.2 && c.noise === 0.3)!;
      assert.deepEqual(
        [corner.n, corner.countI, corner.countII, corner.countIII, corner.phase],
        [3, 0, 2, 1, 'II'],
      );
      const b01 = pd.boundaries.find((b) => b.between === 'I/II' && b.eta === 0.1)!;
      // Perfectly separated cells: the boundary lies between the last all-I and first all-II noise levels.
      assert.ok(b01.noise > 0.03 && b01.noise < 0.1, `I/II boundary at eta=0.1: ${b01.noise}`);
      assert.ok(b01.ciLower >= 0.03 - 1e-12 && b01.ciUpper <= 0.1 + 1e-12);
    });

    it("sweeps lists the sweeps of a project, newest first, with their run counts, and no other project's", async () => {
      const { sweep } = await createSweep(env.repo, {
        projectId: s.projectA,
        name: 'listed',
        kind: 'escape',
        baseConfig: { eta: 0.02 },
        grid: { batchSize: [0.04, 0.05, 0.06] },
        replicates: 2,
      });
      await createSweep(env.repo, {
        projectId: s.projectB,
        name: 'elsewhere',
        kind: 'escape',
        baseConfig: {},
        grid: { batchSize: [1] },
      });
      const res = await env.gql<{ sweeps: { id: string; name: string; kind: string; runCount: number }[] }>(
        'query($p: ID!) { sweeps(projectId: $p) { id name kind runCount } }',
        { p: s.projectA },
        s.keys.viewer,
      );
      assert.equal(res.body.errors, undefined);
      const sweeps = res.body.data?.sweeps ?? [];
      assert.deepEqual(sweeps[0], { id: sweep.id, name: 'listed', kind: 'ESCAPE', runCount: 6 });
      assert.ok(
        sweeps.every((x) => x.name !== 'elsewhere'),
        'no sweep of project B',
      );
    });

    it('refuses sweeps of other projects and unknown sweeps', async () => {
      const q = 'query($id: ID!) { phaseDiagram(sweepId: $id) { runs } }';
      const { sweep } = await createSweep(env.repo, {
        projectId: s.projectB,
        name: 'foreign',
        kind: 'escape',
        baseConfig: {},
        grid: { batchSize: [1] },
      });
      assert.equal(errorCode(await env.gql(q, { id: sweep.id }, s.keys.admin)), 'FORBIDDEN');
      assert.equal(
        errorCode(await env.gql(q, { id: '00000000-0000-4000-8000-000000000000' }, s.keys.admin)),
        'NOT_FOUND',
      );
    });
  });
}

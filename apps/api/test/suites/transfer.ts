/**
 * Export (series CSV/Arrow, comparison CSV, trajectory .npy) and import (raw and multipart .npy):
 * round trips are exact, an imported run is served by the same analysis, and bad files create nothing.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { decodeNpy, encodeNpy } from '@sgdscope/analysis/io/npy';
import { createRng } from '@sgdscope/analysis/random';
import { listRuns } from '@sgdscope/db/repo/queries';
import { tableFromIPC } from 'apache-arrow';
import type { TestEnv } from '../support/env.js';
import type { Seed } from '../support/seed.js';

const run = promisify(execFile);

function brownian(rows: number, d: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const out = new Float32Array(rows * d);
  for (let i = 1; i < rows; i++)
    for (let j = 0; j < d; j++) out[i * d + j] = out[(i - 1) * d + j] + rng.normal();
  return out;
}

export function transferSuite(fixture: () => { env: TestEnv; s: Seed }): void {
  describe('export and import', () => {
    let env: TestEnv;
    let s: Seed;
    before(() => {
      ({ env, s } = fixture());
    });
    const get = (path: string, key: string) =>
      fetch(`${env.server.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
    const runCount = async () =>
      (await listRuns(env.repo.prisma, { projectIds: [s.projectA], first: 1, offset: 0 })).totalCount();

    it("exports a run's series as CSV and Arrow with every step and the spike", async () => {
      const id = s.runs[0].run.id;
      const csv = await get(`/export/runs/${id}/series.csv`, s.keys.viewer);
      assert.equal(csv.status, 200);
      const lines = (await csv.text()).trim().split('\n');
      assert.equal(lines[0], 'step,gradNorm,loss');
      assert.equal(lines.length, s.lossSteps + 1);
      assert.equal(lines[s.spikeStep + 1], `${s.spikeStep},25,50`);
      const arrow = await get(`/export/runs/${id}/series.arrow`, s.keys.viewer);
      assert.equal(arrow.status, 200);
      const table = tableFromIPC(new Uint8Array(await arrow.arrayBuffer()));
      assert.equal(table.numRows, s.lossSteps);
      assert.equal(table.getChild('loss')!.get(s.spikeStep), 50);
      assert.equal(table.getChild('step')!.get(s.spikeStep), s.spikeStep);
      assert.equal((await get(`/export/runs/${id}/series.csv`, s.keys.outsider)).status, 403);
    });

    it('exports a comparison as CSV with the differing config keys and aligned metrics', async () => {
      const picked = [s.runs[0], s.runs[s.runs.length - 1]];
      const res = await get(
        `/export/compare.csv?ids=${picked.map((r) => r.run.id).join(',')}`,
        s.keys.viewer,
      );
      assert.equal(res.status, 200);
      const [header, ...rows] = (await res.text()).trim().split('\n');
      const cols = header.split(',');
      assert.ok(cols.includes('config.batchSize') && cols.includes('alpha@0'), header);
      assert.equal(rows.length, 2);
      const alphaCol = cols.indexOf('alpha@0');
      assert.equal(Number(rows[1].split(',')[alphaCol]), picked[1].alpha[0]);
    });

    it('imports a raw .npy, serves it to analyzeRun, and exports the same trajectory back', async () => {
      const rows = 1100;
      const d = 5;
      const weights = brownian(rows, d, 9);
      const res = await fetch(`${env.server.url}/import/trajectory?projectId=${s.projectA}&name=numpy-run`, {
        method: 'POST',
        headers: { authorization: `Bearer ${s.keys.editor}`, 'content-type': 'application/octet-stream' },
        body: encodeNpy([rows, d], weights),
      });
      assert.equal(res.status, 201, await res.clone().text());
      const { runId } = (await res.json()) as { runId: string };
      const analyzed = await env.gql<{ analyzeRun: { scalars: { name: string }[] } }>(
        'mutation($id: ID!) { analyzeRun(runId: $id, params: { windowSize: 500 }) { scalars { name } } }',
        { id: runId },
        s.keys.editor,
      );
      assert.equal(analyzed.body.errors, undefined, JSON.stringify(analyzed.body.errors));
      assert.equal(analyzed.body.data!.analyzeRun.scalars.filter((x) => x.name === 'alpha').length, 2);
      const npy = await get(`/export/runs/${runId}/trajectory.npy`, s.keys.viewer);
      assert.equal(npy.status, 200);
      const back = decodeNpy(new Uint8Array(await npy.arrayBuffer()));
      assert.deepEqual(back.header.shape, [rows, d]);
      assert.deepEqual(Array.from(back.data), Array.from(weights));
    });

    it('imports multipart trajectory + loss, and refuses bad files without creating a run', async () => {
      const rows = 50;
      const d = 3;
      const form = new FormData();
      form.set('projectId', s.projectA);
      form.set('name', 'multipart');
      form.set('trajectory', new Blob([encodeNpy([rows, d], brownian(rows, d, 1))]), 't.npy');
      const loss = Float64Array.from({ length: rows }, (_, i) => 1 / (i + 1));
      form.set('loss', new Blob([encodeNpy([rows], loss)]), 'loss.npy');
      const ok = await fetch(`${env.server.url}/import/trajectory`, {
        method: 'POST',
        headers: { authorization: `Bearer ${s.keys.editor}` },
        body: form,
      });
      assert.equal(ok.status, 201, await ok.clone().text());
      const { runId } = (await ok.json()) as { runId: string };
      const csv = (await (await get(`/export/runs/${runId}/series.csv`, s.keys.viewer)).text())
        .trim()
        .split('\n');
      assert.equal(csv.length, rows + 1);
      assert.equal(Number(csv[rows].split(',')[1]), loss[rows - 1]);

      const before = await runCount();
      const bad: [Uint8Array, string][] = [
        [new Uint8Array([1, 2, 3, 4]), 'not npy'],
        [encodeNpy([6], new Float32Array(6)), '1-D trajectory'],
        [encodeNpy([2, 2], new Float32Array([1, Number.NaN, 0, 0])), 'NaN'],
      ];
      for (const [body, why] of bad) {
        const res = await fetch(`${env.server.url}/import/trajectory?projectId=${s.projectA}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${s.keys.editor}` },
          body,
        });
        assert.equal(res.status, 400, why);
      }
      const viewerImport = await fetch(`${env.server.url}/import/trajectory?projectId=${s.projectA}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${s.keys.viewer}` },
        body: encodeNpy([2, 2], new Float32Array(4)),
      });
      assert.equal(viewerImport.status, 403);
      assert.equal(await runCount(), before, 'refused imports create no run');
    });

    it("runs the README's Python example (requests + numpy) verbatim", async (t) => {
      const probe = await run('python3', ['-c', 'import numpy, requests']).catch((error: Error) => error);
      if (probe instanceof Error) {
        t.skip('python3 with numpy and requests is not installed');
        return;
      }
      const readme = await readFile(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
      const block = /## Python[^\n]*\n[\s\S]*?```python\n([\s\S]*?)```/.exec(readme)?.[1];
      assert.ok(block, 'the README has a Python block');
      const before = await runCount();
      // Asynchronous on purpose: the server answering the script lives in this process.
      const { stdout } = await run('python3', ['-c', block], {
        env: { ...process.env, SGDSCOPE_API_URL: env.server.url, SGDSCOPE_API_KEY: s.keys.editor },
        timeout: 120_000,
      });
      assert.match(stdout, /'name': 'alpha'/, 'the script printed the alpha estimates');
      assert.equal(await runCount(), before + 1, 'the import created one run');
    });
  });
}

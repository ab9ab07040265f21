/**
 * Ingest and robustness: logSteps and trajectory chunks retried after a connection dropped
 * mid-upload (no step lost or duplicated), bad inputs (unknown ids, NaN/Inf, wrong shapes,
 * oversize payloads, deep and costly queries) each answered with a clear error and no partial
 * write, analyzeRun against the estimator run directly, and the run-progress subscription.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { before, describe, it } from 'node:test';
import { analyzeTrajectory } from '@sgdscope/analysis/diffusion/index';
import { createRng, stableSample } from '@sgdscope/analysis/random';
import { fitStable } from '@sgdscope/analysis/stable/index';
import { writeArtifact } from '@sgdscope/db/repo/artifacts';
import { createRun, getRun } from '@sgdscope/db/repo/runs';
import { listSeries, readSeries } from '@sgdscope/db/repo/steps';
import { listTrajectoryChunks, streamTrajectory } from '@sgdscope/db/repo/trajectory';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { errorCode, type TestEnv } from '../support/env.js';
import type { Seed } from '../support/seed.js';

/** Send `body` but drop the connection after `sendBytes` bytes, as a crashed client would. */
async function droppedUpload(
  url: string,
  method: string,
  headers: Record<string, string>,
  body: Uint8Array,
  sendBytes: number,
): Promise<void> {
  await new Promise<void>((resolve) => {
    const req = request(url, { method, headers: { ...headers, 'content-length': String(body.byteLength) } });
    req.on('error', () => resolve());
    req.write(body.subarray(0, sendBytes), () => {
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 50);
    });
  });
  // Give the server time to notice the abort and unwind.
  await new Promise((r) => setTimeout(r, 200));
}

function putChunk(
  env: TestEnv,
  key: string,
  runId: string,
  seq: number,
  fromStep: number,
  rows: number,
  d: number,
  data: Float32Array,
) {
  return fetch(`${env.server.url}/ingest/runs/${runId}/chunks/${seq}`, {
    method: 'PUT',
    headers: {
      authorization: `Bearer ${key}`,
      'content-type': 'application/octet-stream',
      'x-from-step': String(fromStep),
      'x-rows': String(rows),
      'x-d': String(d),
      'x-dtype': 'float32',
    },
    body: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  });
}

/** A Brownian path of `rows` x `d`, float32, from a seeded RNG. */
function brownian(rows: number, d: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const out = new Float32Array(rows * d);
  for (let i = 1; i < rows; i++)
    for (let j = 0; j < d; j++) out[i * d + j] = out[(i - 1) * d + j] + rng.normal();
  return out;
}

export function ingestSuite(fixture: () => { env: TestEnv; s: Seed }): void {
  describe('ingest and robustness', () => {
    let env: TestEnv;
    let s: Seed;
    before(() => {
      ({ env, s } = fixture());
    });
    const newRun = async () =>
      (await createRun(env.repo, { projectId: s.projectA, name: 'ingest', kind: 'network', config: {} })).id;

    it('logSteps retried after a mid-upload drop stores every step exactly once', async () => {
      const runId = await newRun();
      const mutation = `mutation($id: ID!, $from: Int!, $loss: [Float!]!) {
        logSteps(runId: $id, fromStep: $from, series: [{ name: "loss", values: $loss }]) { lastStep } }`;
      const batch = (from: number) => Array.from({ length: 500 }, (_, i) => Math.sin(from + i));
      const first = await env.gql(mutation, { id: runId, from: 0, loss: batch(0) }, s.keys.editor);
      assert.equal(first.body.errors, undefined);
      const body = Buffer.from(
        JSON.stringify({ query: mutation, variables: { id: runId, from: 500, loss: batch(500) } }),
      );
      await droppedUpload(
        `${env.server.url}/graphql`,
        'POST',
        { 'content-type': 'application/json', authorization: `Bearer ${s.keys.editor}` },
        body,
        Math.floor(body.length / 2),
      );
      const afterDrop = await readSeries(env.repo, runId, 'loss');
      assert.equal(afterDrop.values.length, 500, 'a dropped request stores nothing');
      // The recorder retries the batch, and (not knowing the first retry landed) retries again.
      for (let attempt = 0; attempt < 2; attempt++) {
        const res = await env.gql<{ logSteps: { lastStep: number } }>(
          mutation,
          { id: runId, from: 500, loss: batch(500) },
          s.keys.editor,
        );
        assert.equal(res.body.errors, undefined, JSON.stringify(res.body.errors));
        assert.equal(res.body.data!.logSteps.lastStep, 999);
      }
      const stored = await readSeries(env.repo, runId, 'loss');
      assert.equal(stored.values.length, 1000);
      assert.deepEqual(
        Array.from(stored.steps),
        Array.from({ length: 1000 }, (_, i) => i),
      );
      assert.deepEqual(Array.from(stored.values), [...batch(0), ...batch(500)]);
      // Same range, different values: CONFLICT, nothing changed.
      const clash = await env.gql(mutation, { id: runId, from: 500, loss: batch(7) }, s.keys.editor);
      assert.equal(errorCode(clash), 'CONFLICT');
      assert.deepEqual(Array.from((await readSeries(env.repo, runId, 'loss')).values), [
        ...batch(0),
        ...batch(500),
      ]);
    });

    it('trajectory chunks over PUT are idempotent by seq and survive a dropped upload', async () => {
      const runId = await newRun();
      const d = 4;
      const path = brownian(300, d, 11);
      const chunk = (k: number) => path.subarray(k * 100 * d, (k + 1) * 100 * d);
      assert.equal((await putChunk(env, s.keys.editor, runId, 0, 0, 100, d, chunk(0))).status, 201);
      const bytes = new Uint8Array(chunk(1).buffer, chunk(1).byteOffset, chunk(1).byteLength);
      await droppedUpload(
        `${env.server.url}/ingest/runs/${runId}/chunks/1`,
        'PUT',
        {
          authorization: `Bearer ${s.keys.editor}`,
          'x-from-step': '100',
          'x-rows': '100',
          'x-d': String(d),
          'x-dtype': 'float32',
        },
        bytes,
        bytes.byteLength / 2,
      );
      assert.deepEqual(
        (await listTrajectoryChunks(env.repo, runId)).map((c) => c.seq),
        [0],
      );
      assert.equal((await putChunk(env, s.keys.editor, runId, 1, 100, 100, d, chunk(1))).status, 201);
      assert.equal(
        (await putChunk(env, s.keys.editor, runId, 1, 100, 100, d, chunk(1))).status,
        200,
        'identical retry',
      );
      const clash = await putChunk(env, s.keys.editor, runId, 1, 100, 100, d, chunk(2));
      assert.equal(clash.status, 409);
      // The third chunk over GraphQL (base64) joins the same stream.
      const b64 = Buffer.from(chunk(2).buffer, chunk(2).byteOffset, chunk(2).byteLength).toString('base64');
      const gq = await env.gql(
        `mutation($id: ID!, $data: String!) { uploadTrajectoryChunk(runId: $id, seq: 2, fromStep: 200, rows: 100, d: ${d}, dtype: "float32", data: $data) { seq } }`,
        { id: runId, data: b64 },
        s.keys.editor,
      );
      assert.equal(gq.body.errors, undefined, JSON.stringify(gq.body.errors));
      const rows: number[] = [];
      for await (const c of streamTrajectory(env.repo, runId)) rows.push(...c.data);
      assert.deepEqual(rows, Array.from(path));
    });

    it('answers bad input with a clear code and writes nothing', async () => {
      const runId = await newRun();
      const missing = '00000000-0000-4000-8000-000000000000';
      assert.equal(
        errorCode(await env.gql('query($id: ID!) { run(id: $id) { id } }', { id: missing }, s.keys.viewer)),
        'NOT_FOUND',
      );
      assert.equal(
        errorCode(await env.gql('{ run(id: "not-a-uuid") { id } }', {}, s.keys.viewer)),
        'NOT_FOUND',
      );
      const log =
        'mutation($id: ID!, $s: [StepSeriesInput!]!) { logSteps(runId: $id, fromStep: 0, series: $s) { lastStep } }';
      assert.equal(
        errorCode(await env.gql(log, { id: missing, s: [{ name: 'loss', values: [1] }] }, s.keys.editor)),
        'NOT_FOUND',
      );
      // Series of different lengths, one valid: the whole batch is refused.
      const uneven = await env.gql(
        log,
        {
          id: runId,
          s: [
            { name: 'loss', values: [1, 2] },
            { name: 'acc', values: [1] },
          ],
        },
        s.keys.editor,
      );
      assert.equal(errorCode(uneven), 'BAD_USER_INPUT', JSON.stringify(uneven.body));
      // Infinity cannot be written in JSON, but 1e999 parses to it: GraphQL Float refuses it at the edge.
      const raw = `{"query":${JSON.stringify(log)},"variables":{"id":"${runId}","s":[{"name":"loss","values":[1,1e999]}]}}`;
      const inf = await fetch(`${env.server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${s.keys.editor}` },
        body: raw,
      });
      const infBody = (await inf.json()) as { errors: { extensions: { code: string } }[] };
      assert.equal(infBody.errors[0].extensions.code, 'BAD_USER_INPUT');
      assert.deepEqual(await listSeries(env.repo, runId), [], 'no series stored by refused batches');
      // A NaN weight in a chunk (bytes carry NaN fine) is refused by the repository.
      const nan = await putChunk(env, s.keys.editor, runId, 0, 0, 1, 2, new Float32Array([1, Number.NaN]));
      assert.equal(nan.status, 400);
      // Truncated chunk body: byte count does not match rows x d.
      const short = await putChunk(env, s.keys.editor, runId, 0, 0, 2, 2, new Float32Array([1, 2, 3]));
      assert.equal(short.status, 400);
      assert.deepEqual(await listTrajectoryChunks(env.repo, runId), []);
      // Config must be an object; grid values must be lists.
      const badRun = await env.gql(
        'mutation($p: ID!) { createRun(input: { projectId: $p, name: "x", kind: NETWORK, config: [1, 2] }) { id } }',
        { p: s.projectA },
        s.keys.editor,
      );
      assert.equal(errorCode(badRun), 'BAD_USER_INPUT');
      const badSweep = await env.gql(
        'mutation($p: ID!) { createSweep(input: { projectId: $p, name: "x", kind: ESCAPE, baseConfig: {}, grid: { lr: 0.1 } }) { id } }',
        { p: s.projectA },
        s.keys.editor,
      );
      assert.equal(errorCode(badSweep), 'BAD_USER_INPUT');
      const after = await getRun(env.repo, runId);
      assert.equal(after.lastStep, -1);
    });

    it('refuses oversize bodies with 413 and deep or costly queries before running them', async () => {
      const big = await fetch(`${env.server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${s.keys.editor}` },
        body: JSON.stringify({
          query: '{ projects { id } }',
          variables: { pad: 'x'.repeat(2 * 1024 * 1024) },
        }),
      });
      assert.equal(big.status, 413);
      const bigChunk = await putChunk(
        env,
        s.keys.editor,
        s.runs[0].run.id,
        9,
        0,
        1,
        2 ** 21,
        new Float32Array(2 ** 21),
      );
      assert.equal(bigChunk.status, 413);
      const deep = await env.gql(
        'query($id: ID!) { run(id: $id) { analyses { run { analyses { run { analyses { run { analyses { run { id } } } } } } } } } }',
        { id: s.runs[0].run.id },
        s.keys.viewer,
      );
      assert.equal(deep.status, 400);
      assert.equal(errorCode(deep), 'GRAPHQL_VALIDATION_FAILED');
      assert.match(deep.body.errors![0].message, /exceeds maximum operation depth/);
      const page =
        'runs(projectId: $p, first: 500) { edges { node { analyses { scalars { value } curves { x y } } } } }';
      const costly = await env.gql(
        `query($p: ID!) { a: ${page} b: ${page} c: ${page} d: ${page} e: ${page} f: ${page} }`,
        { p: s.projectA },
        s.keys.viewer,
      );
      assert.equal(errorCode(costly), 'BAD_USER_INPUT');
      assert.match(costly.body.errors![0].message, /query cost \d+ exceeds the limit/);
    });

    it('analyzeRun stores what analyzeTrajectory computes, and caches by parameter hash', async () => {
      const runId = await newRun();
      const d = 6;
      const rows = 1000;
      const path = brownian(rows, d, 5);
      assert.equal((await putChunk(env, s.keys.editor, runId, 0, 0, rows, d, path)).status, 201);
      const mutation = `mutation($id: ID!) { analyzeRun(runId: $id, estimator: "diffusion", params: { windowSize: 400 }) {
        id estimatorVersion details scalars { name window value stdErr ciLower ciUpper } } }`;
      const res = await env.gql<{
        analyzeRun: {
          id: string;
          scalars: { name: string; window: number; value: number; stdErr: number }[];
        };
      }>(mutation, { id: runId }, s.keys.editor);
      assert.equal(res.body.errors, undefined, JSON.stringify(res.body.errors));
      const direct = await analyzeTrajectory([{ rows, d, data: path }], { windowSize: 400 });
      const alphas = res.body.data!.analyzeRun.scalars.filter((x) => x.name === 'alpha');
      assert.equal(alphas.length, direct.windows.length);
      for (const a of alphas) {
        // Same data, same code: equal up to float64 round-off of the stored value.
        assert.ok(Math.abs(a.value - direct.windows[a.window].alpha) < 1e-12, `window ${a.window}`);
      }
      const again = await env.gql<{ analyzeRun: { id: string } }>(mutation, { id: runId }, s.keys.editor);
      assert.equal(
        again.body.data!.analyzeRun.id,
        res.body.data!.analyzeRun.id,
        'second call is served from the cache',
      );
      const unknown = await env.gql(
        'mutation($id: ID!) { analyzeRun(runId: $id, estimator: "nope") { id } }',
        { id: runId },
        s.keys.editor,
      );
      assert.equal(errorCode(unknown), 'BAD_USER_INPUT');
      const badParam = await env.gql(
        'mutation($id: ID!) { analyzeRun(runId: $id, params: { windowSize: -3 }) { id } }',
        { id: runId },
        s.keys.editor,
      );
      assert.equal(errorCode(badParam), 'BAD_USER_INPUT');
    });

    it('analyzeRun "stable" fits the gradient sample artifact exactly as fitStable does', async () => {
      const runId = await newRun();
      const rng = createRng(21);
      const sample = Float64Array.from({ length: 2000 }, () => stableSample(rng, 1.5));
      await writeArtifact(env.repo, runId, {
        name: 'gradient_sample',
        step: 10,
        shape: [sample.length],
        data: sample,
      });
      const mutation = `mutation($id: ID!) { analyzeRun(runId: $id, estimator: "stable", params: { resamples: 50 }) {
        id params scalars { name value ciLower ciUpper } curves { name x y } } }`;
      const res = await env.gql<{
        analyzeRun: {
          id: string;
          params: { step: number };
          scalars: { name: string; value: number; ciLower: number | null; ciUpper: number | null }[];
          curves: { name: string; x: number[]; y: number[] }[];
        };
      }>(mutation, { id: runId }, s.keys.editor);
      assert.equal(res.body.errors, undefined, JSON.stringify(res.body.errors));
      const out = res.body.data!.analyzeRun;
      const direct = fitStable(sample, { bootstrap: { resamples: 50 } });
      const alpha = out.scalars.find((x) => x.name === 'alphaDist')!;
      // Same data, same deterministic estimator and bootstrap seed: identical up to float64 storage.
      assert.ok(Math.abs(alpha.value - direct.alpha) < 1e-12);
      assert.ok(Math.abs(alpha.ciLower! - direct.alphaCI!.lower) < 1e-12);
      assert.ok(Math.abs(alpha.ciUpper! - direct.alphaCI!.upper) < 1e-12);
      assert.equal(out.params.step, 10, 'the resolved artifact step is part of the cache key');
      const hist = out.curves.find((c) => c.name === 'gradHist')!;
      const fitted = out.curves.find((c) => c.name === 'gradFit')!;
      assert.equal(hist.x.length, 50);
      assert.deepEqual(hist.x, fitted.x);
      const again = await env.gql<{ analyzeRun: { id: string } }>(mutation, { id: runId }, s.keys.editor);
      assert.equal(again.body.data!.analyzeRun.id, out.id);
      const missing = await env.gql(
        'mutation($id: ID!) { analyzeRun(runId: $id, estimator: "stable", params: { artifact: "nope" }) { id } }',
        { id: runId },
        s.keys.editor,
      );
      assert.equal(errorCode(missing), 'NOT_FOUND');
    });

    it('refuses run progress subscriptions of non-members and anonymous clients', async () => {
      const runId = await newRun();
      for (const key of [s.keys.outsider, null]) {
        const client = createClient({
          url: `${env.server.url.replace('http', 'ws')}/graphql`,
          webSocketImpl: WebSocket,
          connectionParams: key ? { authorization: `Bearer ${key}` } : {},
          retryAttempts: 0,
        });
        try {
          const codes = await new Promise<string[]>((resolve, reject) => {
            client.subscribe(
              {
                query: 'subscription($id: ID!) { runProgress(runId: $id) { step } }',
                variables: { id: runId },
              },
              {
                next: (msg) => resolve((msg.errors ?? []).map((e) => String(e.extensions?.code))),
                error: (err) => {
                  const list = Array.isArray(err) ? (err as { extensions?: { code?: string } }[]) : [];
                  if (list.length > 0) resolve(list.map((e) => String(e.extensions?.code)));
                  else reject(err);
                },
                complete: () => resolve([]),
              },
            );
          });
          assert.deepEqual(codes, [key ? 'FORBIDDEN' : 'UNAUTHENTICATED']);
        } finally {
          await client.dispose();
        }
      }
    });

    it('pushes run progress over graphql-ws while steps are logged', async () => {
      const runId = await newRun();
      const client = createClient({
        url: `${env.server.url.replace('http', 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${s.keys.viewer}` },
        retryAttempts: 0,
      });
      try {
        const events: { step: number; loss: number | null }[] = [];
        const done = new Promise<void>((resolve, reject) => {
          client.subscribe<{ runProgress: { step: number; loss: number | null } }>(
            {
              query: 'subscription($id: ID!) { runProgress(runId: $id) { step loss status } }',
              variables: { id: runId },
            },
            {
              next: (msg) => {
                if (msg.errors) reject(new Error(JSON.stringify(msg.errors)));
                if (msg.data) events.push(msg.data.runProgress);
                if (events.length === 2) resolve();
              },
              error: reject,
              complete: () => resolve(),
            },
          );
        });
        // Let the subscription register before publishing.
        await new Promise((r) => setTimeout(r, 300));
        const log =
          'mutation($id: ID!, $f: Int!, $v: [Float!]!) { logSteps(runId: $id, fromStep: $f, series: [{ name: "loss", values: $v }]) { lastStep } }';
        await env.gql(log, { id: runId, f: 0, v: [3, 2] }, s.keys.editor);
        await env.gql(log, { id: runId, f: 2, v: [1.5] }, s.keys.editor);
        await done;
        assert.deepEqual(
          events.map((e) => [e.step, e.loss]),
          [
            [1, 2],
            [2, 1.5],
          ],
        );
      } finally {
        await client.dispose();
      }
    });
  });
}

/**
 * Export endpoints (VIEWER role):
 * - `GET /export/runs/:id/series.csv` and `.arrow`: every per-step series of a run, one row per step
 *   (missing values empty / null), CSV or an Apache Arrow IPC stream (int32 step + float64 columns).
 * - `GET /export/compare.csv?ids=a,b,c`: one row per run: id, name, status, the config keys that differ,
 *   then every aligned metric (name@window).
 * - `GET /export/runs/:id/trajectory.npy`: the weight trajectory [rows x d] as float32 .npy, streamed
 *   chunk by chunk so a long trajectory is never held whole.
 */
import type { ServerResponse } from 'node:http';
import { encodeNpyHeader } from '@sgdscope/analysis/io/npy';
import { listSeries, readSeries } from '@sgdscope/db/repo/steps';
import { listTrajectoryChunks, streamTrajectory } from '@sgdscope/db/repo/trajectory';
import { Float64, Int32, Table, tableToIPC, type Vector, vectorFromArray } from 'apache-arrow';
import type { ApiContext } from '../context.js';
import { apiError } from '../errors.js';
import { authorizedRun } from '../guard.js';
import { CompareResolver } from '../schema/compare-resolver.js';
import { registerRoute } from './routes.js';

/** Steps x series matrix of a run, aligned on step (series may start late or have gaps). */
export async function seriesTable(
  ctx: ApiContext,
  runId: string,
): Promise<{ names: string[]; steps: number[]; columns: Float64Array[] }> {
  const names = (await listSeries(ctx.repo, runId)).map((s) => s.name);
  const raw = await Promise.all(names.map((n) => readSeries(ctx.repo, runId, n)));
  const stepSet = new Set<number>();
  for (const r of raw) for (const s of r.steps) stepSet.add(s);
  const steps = [...stepSet].sort((a, b) => a - b);
  const index = new Map(steps.map((s, i) => [s, i]));
  const columns = raw.map((r) => {
    const col = new Float64Array(steps.length).fill(Number.NaN);
    for (let i = 0; i < r.steps.length; i++) col[index.get(r.steps[i])!] = r.values[i];
    return col;
  });
  return { names, steps, columns };
}

/** RFC 4180 quoting for a CSV field. */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const text =
    typeof v === 'string'
      ? v
      : typeof v === 'number'
        ? Number.isFinite(v)
          ? String(v)
          : ''
        : JSON.stringify(v);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function sendText(res: ServerResponse, type: string, filename: string, body: string | Uint8Array): void {
  res.writeHead(200, { 'content-type': type, 'content-disposition': `attachment; filename="${filename}"` });
  res.end(body);
}

registerRoute({
  method: 'GET',
  pattern: /^\/export\/runs\/([^/]+)\/series\.(csv|arrow)$/,
  async handle(_req, res, match, _deps, ctx) {
    const runId = decodeURIComponent(match[1]);
    await authorizedRun(ctx, runId, 'VIEWER');
    const t = await seriesTable(ctx, runId);
    if (match[2] === 'csv') {
      const lines = [['step', ...t.names].map(csvField).join(',')];
      for (let i = 0; i < t.steps.length; i++) {
        lines.push([t.steps[i], ...t.columns.map((c) => c[i])].map(csvField).join(','));
      }
      sendText(res, 'text/csv; charset=utf-8', `${runId}-series.csv`, `${lines.join('\n')}\n`);
      return;
    }
    const vectors: Record<string, Vector> = { step: vectorFromArray(t.steps, new Int32()) };
    t.names.forEach((name, j) => {
      // NaN marks "not recorded at this step"; Arrow carries it as null.
      vectors[name] = vectorFromArray(
        Array.from(t.columns[j], (v) => (Number.isNaN(v) ? null : v)),
        new Float64(),
      );
    });
    const ipc = tableToIPC(new Table(vectors), 'stream');
    sendText(res, 'application/vnd.apache.arrow.stream', `${runId}-series.arrow`, ipc);
  },
});

registerRoute({
  method: 'GET',
  pattern: /^\/export\/compare\.csv$/,
  async handle(req, res, _match, _deps, ctx) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const ids = (url.searchParams.get('ids') ?? '').split(',').filter((s) => s.length > 0);
    if (ids.length === 0) throw apiError('BAD_USER_INPUT', 'ids query parameter is required: ?ids=a,b,c');
    const cmp = await new CompareResolver().compareRuns(ctx, ids, null, null, null);
    const header = [
      'runId',
      'name',
      'status',
      ...cmp.configDiff.map((d) => `config.${d.key}`),
      ...cmp.metrics.map((m) => `${m.name}@${m.window}`),
    ];
    const lines = [header.map(csvField).join(',')];
    cmp.runs.forEach((run, i) => {
      lines.push(
        [
          run.id,
          run.name,
          run.status,
          ...cmp.configDiff.map((d) => d.values[i]),
          ...cmp.metrics.map((m) => m.values[i]?.value ?? null),
        ]
          .map(csvField)
          .join(','),
      );
    });
    sendText(res, 'text/csv; charset=utf-8', 'compare.csv', `${lines.join('\n')}\n`);
  },
});

registerRoute({
  method: 'GET',
  pattern: /^\/export\/runs\/([^/]+)\/trajectory\.npy$/,
  async handle(_req, res, match, _deps, ctx) {
    const runId = decodeURIComponent(match[1]);
    await authorizedRun(ctx, runId, 'VIEWER');
    const chunks = await listTrajectoryChunks(ctx.repo, runId);
    if (chunks.length === 0) throw apiError('NOT_FOUND', `run ${runId} has no trajectory`);
    const d = chunks[0].d;
    if (chunks.some((c) => c.d !== d)) throw apiError('CONFLICT', 'trajectory chunks differ in dimension');
    const rows = chunks.reduce((a, c) => a + c.rows, 0);
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-disposition': `attachment; filename="${runId}-trajectory.npy"`,
    });
    res.write(encodeNpyHeader([rows, d], 'float32'));
    for await (const chunk of streamTrajectory(ctx.repo, runId)) {
      const bytes = new Uint8Array(chunk.data.buffer, chunk.data.byteOffset, chunk.data.byteLength);
      // Respect back-pressure so a slow client does not make the server buffer the whole file.
      if (!res.write(Buffer.from(bytes))) await new Promise((r) => res.once('drain', r));
    }
    res.end();
  },
});

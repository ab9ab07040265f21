/**
 * `POST /import/trajectory?projectId=...&name=...`: create a run from a weight trajectory saved with
 * numpy, so the same analyses serve it. Body: a raw `.npy` file ([rows, d] float16/32/64), or
 * multipart/form-data with a `trajectory` file, an optional `loss` file (1-D, one value per row) and
 * optional `projectId` / `name` fields. Everything is parsed and validated before the run is created;
 * the run is then written (trajectory in chunks, loss series) and marked FINISHED, or FAILED with the
 * reason if a write fails. EDITOR role in the project. Answers 201 with the run id.
 */
import type { IncomingMessage } from 'node:http';
import { decodeNpy } from '@sgdscope/analysis/io/npy';
import { createRun, finishRun } from '@sgdscope/db/repo/runs';
import { appendSteps } from '@sgdscope/db/repo/steps';
import { writeTrajectoryChunk } from '@sgdscope/db/repo/trajectory';
import { apiError } from '../errors.js';
import { authorize } from '../guard.js';
import { readBody } from './body.js';
import { registerRoute } from './routes.js';

/** Rows per stored trajectory chunk when importing. */
export const IMPORT_CHUNK_ROWS = 1024;

interface Part {
  readonly name: string;
  readonly data: Buffer;
}

/** Minimal multipart/form-data parser (RFC 7578): enough for files and text fields. */
export function parseMultipart(body: Buffer, contentType: string): Part[] {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  if (!m) throw apiError('BAD_USER_INPUT', 'multipart body without boundary');
  const boundary = Buffer.from(`--${m[1] ?? m[2]}`);
  const parts: Part[] = [];
  let pos = body.indexOf(boundary);
  while (pos !== -1) {
    const start = pos + boundary.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const headerEnd = body.indexOf('\r\n\r\n', start);
    if (headerEnd === -1) throw apiError('BAD_USER_INPUT', 'malformed multipart part');
    const headers = body.subarray(start, headerEnd).toString('utf8');
    const next = body.indexOf(boundary, headerEnd + 4);
    if (next === -1) throw apiError('BAD_USER_INPUT', 'multipart body is truncated');
    const name = /name="([^"]*)"/i.exec(headers)?.[1];
    // Part data ends with CRLF before the next boundary.
    if (name) parts.push({ name, data: body.subarray(headerEnd + 4, next - 2) });
    pos = next;
  }
  return parts;
}

function decodeArray(bytes: Uint8Array, what: string) {
  try {
    // A plain Uint8Array copy: decodeNpy's `slice()` would share a Node Buffer's pooled memory.
    return decodeNpy(new Uint8Array(bytes));
  } catch (err) {
    throw apiError('BAD_USER_INPUT', `${what}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function readImport(req: IncomingMessage, limit: number) {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const body = await readBody(req, limit);
  const type = req.headers['content-type'] ?? '';
  let trajectory: Uint8Array | undefined;
  let loss: Uint8Array | undefined;
  const fields: Record<string, string> = {};
  if (type.startsWith('multipart/form-data')) {
    for (const part of parseMultipart(body, type)) {
      if (part.name === 'trajectory') trajectory = part.data;
      else if (part.name === 'loss') loss = part.data;
      else fields[part.name] = part.data.toString('utf8');
    }
  } else {
    trajectory = body;
  }
  if (!trajectory || trajectory.length === 0)
    throw apiError('BAD_USER_INPUT', 'no trajectory .npy in the request');
  const projectId = fields.projectId ?? url.searchParams.get('projectId') ?? '';
  const name = fields.name ?? url.searchParams.get('name') ?? 'imported trajectory';
  return { trajectory, loss, projectId, name };
}

registerRoute({
  method: 'POST',
  pattern: /^\/import\/trajectory$/,
  async handle(req, res, _match, deps, ctx) {
    const input = await readImport(req, deps.limits.binaryBytes);
    if (!input.projectId) throw apiError('BAD_USER_INPUT', 'projectId is required');
    await authorize(ctx, 'project', input.projectId, 'EDITOR');
    const traj = decodeArray(input.trajectory, 'trajectory');
    if (traj.header.shape.length !== 2) {
      throw apiError(
        'BAD_USER_INPUT',
        `trajectory must be 2-D [rows, d], got shape [${traj.header.shape.join(', ')}]`,
      );
    }
    const [rows, d] = traj.header.shape;
    if (rows < 1 || d < 1)
      throw apiError('BAD_USER_INPUT', 'trajectory must have at least one row and column');
    const weights = Float32Array.from(traj.data);
    if (!weights.every(Number.isFinite)) throw apiError('BAD_USER_INPUT', 'trajectory holds NaN or Inf');
    let loss: Float64Array | undefined;
    if (input.loss && input.loss.length > 0) {
      const l = decodeArray(input.loss, 'loss');
      if (l.header.shape.length !== 1 || l.header.shape[0] !== rows) {
        throw apiError(
          'BAD_USER_INPUT',
          `loss must be 1-D with ${rows} values (one per row), got [${l.header.shape.join(', ')}]`,
        );
      }
      loss = Float64Array.from(l.data);
    }
    const run = await createRun(ctx.repo, {
      projectId: input.projectId,
      name: input.name.slice(0, 300),
      kind: 'network',
      config: { source: 'import', rows, d, dtype: traj.header.dtype },
      tags: ['imported'],
    });
    try {
      for (let seq = 0, from = 0; from < rows; seq++, from += IMPORT_CHUNK_ROWS) {
        const n = Math.min(IMPORT_CHUNK_ROWS, rows - from);
        await writeTrajectoryChunk(ctx.repo, run.id, {
          seq,
          fromStep: from,
          rows: n,
          d,
          dtype: 'float32',
          data: weights.subarray(from * d, (from + n) * d),
        });
      }
      if (loss) await appendSteps(ctx.repo, run.id, { fromStep: 0, series: { loss } });
      await finishRun(ctx.repo, run.id, { status: 'finished' });
    } catch (err) {
      await finishRun(ctx.repo, run.id, {
        status: 'failed',
        error: err instanceof Error ? err.message : String(err),
      });
      throw err;
    }
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ runId: run.id, rows, d }));
  },
});

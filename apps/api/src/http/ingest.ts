/**
 * Binary ingest endpoint: `PUT /ingest/runs/:id/chunks/:seq` with the raw little-endian chunk as
 * body and headers `x-from-step`, `x-rows`, `x-d`, `x-dtype` (float32 | float16). Answers 201 when
 * stored, 200 when an identical chunk was already stored (safe retry), 409 for a different chunk
 * under the same seq, 413 above the binary body cap. EDITOR role required.
 */

import { apiError } from '../errors.js';
import { authorizedRun } from '../guard.js';
import { ingestTrajectoryChunk } from '../ingest/trajectory.js';
import { readBody } from './body.js';
import { registerRoute } from './routes.js';

function intHeader(value: string | string[] | undefined, name: string): number {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || !/^\d{1,10}$/.test(text))
    throw apiError('BAD_USER_INPUT', `header ${name} must be a non-negative integer`);
  return Number(text);
}

registerRoute({
  method: 'PUT',
  pattern: /^\/ingest\/runs\/([^/]+)\/chunks\/(\d{1,9})$/,
  async handle(req, res, match, deps, ctx) {
    const runId = decodeURIComponent(match[1]);
    await authorizedRun(ctx, runId, 'EDITOR');
    const fromStep = intHeader(req.headers['x-from-step'], 'x-from-step');
    const rows = intHeader(req.headers['x-rows'], 'x-rows');
    const d = intHeader(req.headers['x-d'], 'x-d');
    const dtype = String(req.headers['x-dtype'] ?? '');
    const bytes = await readBody(req, deps.limits.binaryBytes);
    const written = await ingestTrajectoryChunk(ctx.repo, runId, {
      seq: Number(match[2]),
      fromStep,
      rows,
      d,
      dtype,
      bytes,
    });
    res.writeHead(written.created ? 201 : 200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({ runId, seq: written.seq, created: written.created, checksum: written.checksum }),
    );
  },
});

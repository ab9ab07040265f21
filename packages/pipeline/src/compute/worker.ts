/**
 * The compute worker: runs the pipeline's long synchronous analysis calls (tasks.ts and @sgdscope/analysis) off
 * the main thread, so the API sharing the process keeps answering. Protocol (see pool.ts): requests
 * `{ id, op, args }`; replies `{ id, ok: true, value }` or `{ id, ok: false, error: { name, message } }`.
 * `analyzeTrajectory` pulls its rows from the main thread: the worker posts `{ id, pull: true }` and the main
 * thread answers `{ id, op: 'chunk', chunk }` (null at the end), one chunk in flight at a time.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import {
  analyzeTrajectory,
  type DiffusionOptions,
  type FractalDimensionOptions,
  fractalDimension,
  type Grid2D,
  type LandscapeGridOptions,
  landscapeGridMeasures,
  type MeanSquaredLossOptions,
  meanSquaredLoss,
  type RowChunk,
} from '@sgdscope/analysis';
import { ProjectionCache, type ProjectionKey, type StableWindowParams, stableWindowParts } from './tasks.js';

const port = parentPort;
if (!port) throw new Error('compute worker: not started as a worker thread');

/**
 * Lower this thread's scheduling priority (Linux: setpriority on the thread id from /proc/thread-self; nice
 * SGDSCOPE_PIPELINE_WORKER_NICE, default 5, 0 = leave it), so on a machine with few cores the main thread
 * (API, embedded database, blob reads) is not starved by the analysis: on 2 cores the worst stalls left were the
 * main thread's own blob copies and hashes running slowly while this thread and the hashing pool held both cores.
 * bench/event-loop.ts, 1000 x 79,510, two runs each on a loaded machine: analyzeRunAll worst stall 614 / 823 ms
 * at nice 0, 388 / 257 ms at 5, 635 / 286 ms at 10, wall time within noise; 5 is the milder of the two that
 * helped. Elsewhere this is skipped.
 */
function lowerPriority(): void {
  const nice = Number(process.env.SGDSCOPE_PIPELINE_WORKER_NICE ?? 5);
  if (!(Number.isInteger(nice) && nice > 0 && nice <= 19)) return;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, nice);
  } catch {
    // not Linux, or not permitted: run at normal priority
  }
}
lowerPriority();

const projections = new ProjectionCache();
/** Waiting row pulls of analyzeTrajectory requests, by request id. */
const feeds = new Map<number, (message: { chunk: RowChunk | null }) => void>();

async function* pulled(id: number): AsyncGenerator<RowChunk> {
  for (;;) {
    const next = new Promise<{ chunk: RowChunk | null }>((resolve) => feeds.set(id, resolve));
    port?.postMessage({ id, pull: true });
    const { chunk } = await next;
    if (chunk === null) return;
    yield chunk;
  }
}

async function handle(op: string, id: number, args: unknown[]): Promise<unknown> {
  switch (op) {
    case 'fractalDimension':
      return fractalDimension(args[0] as RowChunk, args[1] as FractalDimensionOptions);
    case 'meanSquaredLoss':
      return meanSquaredLoss(args[0] as RowChunk, args[1] as Float64Array, args[2] as MeanSquaredLossOptions);
    case 'stableWindow':
      return stableWindowParts(args[0] as Float64Array, args[1] as StableWindowParams);
    case 'landscapeGridMeasures':
      return landscapeGridMeasures(args[0] as Grid2D, args[1] as LandscapeGridOptions);
    case 'projectChunk':
      return projections.project(args[0] as ProjectionKey, args[1] as RowChunk);
    case 'analyzeTrajectory':
      return analyzeTrajectory(pulled(id), args[0] as DiffusionOptions);
    default:
      throw new Error(`compute worker: unknown op "${op}"`);
  }
}

port.on('message', (message: { id: number; op: string; args?: unknown[]; chunk?: RowChunk | null }) => {
  const { id, op } = message;
  if (op === 'chunk') {
    const feed = feeds.get(id);
    feeds.delete(id);
    feed?.({ chunk: message.chunk ?? null });
    return;
  }
  handle(op, id, message.args ?? []).then(
    (value) =>
      // A projected chunk is a fresh array: hand it back without a copy. Other results may hold views on
      // buffers the analysis code reuses, so they are copied.
      port.postMessage(
        { id, ok: true, value },
        op === 'projectChunk' ? [(value as RowChunk).data.buffer as ArrayBuffer] : [],
      ),
    (error: unknown) => {
      feeds.delete(id);
      const e = error instanceof Error ? error : new Error(String(error));
      port.postMessage({ id, ok: false, error: { name: e.name, message: e.message } });
    },
  );
});

port.postMessage({ ready: true });

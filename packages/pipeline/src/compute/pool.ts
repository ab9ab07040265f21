/**
 * Runs the estimators' long synchronous computations in one worker thread (worker.ts), so that the API, the
 * trainer worker and the embedded database sharing the `npm start` process keep their event loop: a full-weight
 * MNIST trajectory otherwise blocks it for seconds per call (building its 79,510 -> 256 projection, projecting a
 * stored chunk, one diffusion window, one stable fit). The worker runs the very same functions, so results are
 * bit-identical; only the thread changes. One worker (the machine has few cores and the analyses were
 * sequential before), unref'd while idle so it never keeps a process alive, and stopped after 60 s idle.
 *
 * SGDSCOPE_PIPELINE_WORKER=0 runs everything on the calling thread (as before). The worker thread runs at nice
 * SGDSCOPE_PIPELINE_WORKER_NICE (default 5, Linux) so the main thread wins the CPU on small machines. If the
 * worker cannot start (a loader that does not reach worker threads), a warning is printed once and the calls
 * run on the calling thread.
 */
import { Worker } from 'node:worker_threads';
import {
  analyzeTrajectory,
  type DiffusionOptions,
  type FractalDimensionOptions,
  type FractalDimensionResult,
  fractalDimension,
  type Grid2D,
  type LandscapeGridOptions,
  type LandscapeGridResult,
  landscapeGridMeasures,
  type MeanSquaredLossOptions,
  type MeanSquaredLossResult,
  meanSquaredLoss,
  type RowChunk,
  type TrajectoryDiffusion,
} from '@sgdscope/analysis';
import {
  ProjectionCache,
  type ProjectionKey,
  type StableWindowParams,
  type StableWindowParts,
  stableWindowParts,
} from './tasks.js';

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  /** analyzeTrajectory: answers the worker's row pulls. */
  pull?(): void;
}

/** Rebuilds an error from the worker with its name, so callers that classify errors by name still can. */
function revive(error: { name: string; message: string }): Error {
  const e = new Error(error.message);
  e.name = error.name;
  return e;
}

/** A copy of a row block's own rows (windows are views of a reused buffer), whose buffer can be transferred. */
function ownRows(chunk: RowChunk): RowChunk {
  return { rows: chunk.rows, d: chunk.d, data: chunk.data.slice(0, chunk.rows * chunk.d) };
}

class ComputeWorker {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private idle: NodeJS.Timeout | undefined;
  private constructor(private readonly worker: Worker) {}

  /** Starts the worker and waits for it to load; rejects when it cannot. */
  static start(): Promise<ComputeWorker> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(new URL('./worker-entry.mjs', import.meta.url));
      const self = new ComputeWorker(worker);
      let ready = false;
      worker.on(
        'message',
        (m: {
          ready?: true;
          id: number;
          ok?: boolean;
          value?: unknown;
          pull?: true;
          error?: { name: string; message: string };
        }) => {
          if (m.ready) {
            ready = true;
            worker.unref();
            resolve(self);
            return;
          }
          const p = self.pending.get(m.id);
          if (!p) return;
          if (m.pull) {
            p.pull?.();
            return;
          }
          self.settled(m.id);
          callsOffThread++;
          if (m.ok) p.resolve(m.value);
          else p.reject(revive(m.error ?? { name: 'Error', message: 'compute worker failed' }));
        },
      );
      const fail = (error: Error) => {
        if (!ready) {
          reject(error);
          return;
        }
        // A crash (out of memory, a bug in the worker): fail what was asked and start afresh next time.
        if (current === self) {
          current = null;
          starting = null;
        }
        for (const [id, p] of self.pending) {
          self.settled(id);
          p.reject(new Error(`compute worker stopped: ${error.message}`));
        }
      };
      worker.on('error', fail);
      worker.on('exit', (code) => fail(new Error(`exit code ${code}`)));
    });
  }

  private settled(id: number): void {
    this.pending.delete(id);
    if (this.pending.size > 0) return;
    this.worker.unref();
    // An idle worker gives its memory back (a kept 79,510 -> 256 projection is ~80 MB): stop it after a while.
    this.idle = setTimeout(() => {
      if (current === this) {
        current = null;
        starting = null;
      }
      void this.worker.terminate();
    }, IDLE_STOP_MS);
    this.idle.unref();
  }

  call<T>(
    op: string,
    args: unknown[],
    transfer: ArrayBuffer[] = [],
    pull?: (id: number) => void,
  ): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, {
        resolve: resolve as (v: unknown) => void,
        reject,
        pull: pull && (() => pull(id)),
      });
      if (this.idle) clearTimeout(this.idle);
      this.idle = undefined;
      this.worker.ref();
      this.worker.postMessage({ id, op, args }, transfer);
    });
  }

  /** Sends the next trajectory chunk (null at the end) to an analyzeTrajectory request. */
  feed(id: number, chunk: RowChunk | null): void {
    this.worker.postMessage({ id, op: 'chunk', chunk }, chunk ? [chunk.data.buffer as ArrayBuffer] : []);
  }
}

/** An idle worker is stopped after this long (the next call starts a fresh one). */
const IDLE_STOP_MS = 60_000;

let current: ComputeWorker | null = null;
let callsOffThread = 0;

/** How many calls the compute worker has answered in this process (tests check that the worker path ran). */
export function computeWorkerCalls(): number {
  return callsOffThread;
}
let starting: Promise<ComputeWorker | null> | null = null;
let warned = false;

/** The worker, started on first use; null when disabled or when it cannot start (calls then run here). */
async function worker(): Promise<ComputeWorker | null> {
  if (process.env.SGDSCOPE_PIPELINE_WORKER === '0') return null;
  if (current) return current;
  if (!starting) {
    starting = ComputeWorker.start().then(
      (w) => {
        current = w;
        starting = null;
        return w;
      },
      (error: unknown) => {
        if (!warned) {
          warned = true;
          console.warn(
            `sgdscope pipeline: compute worker did not start (${(error as Error).message}); analyses run on the main thread`,
          );
        }
        return null; // `starting` stays settled at null: do not retry a worker that cannot load
      },
    );
  }
  return starting;
}

const localProjections = new ProjectionCache();

/** fractalDimension of one window, off the main thread. */
export async function computeFractalDimension(
  window: RowChunk,
  options: FractalDimensionOptions,
): Promise<FractalDimensionResult> {
  const w = await worker();
  if (!w) return fractalDimension(window, options);
  const rows = ownRows(window);
  return w.call('fractalDimension', [rows, options], [rows.data.buffer as ArrayBuffer]);
}

/** meanSquaredLoss of one window, off the main thread. */
export async function computeMeanSquaredLoss(
  window: RowChunk,
  losses: Float64Array,
  options: MeanSquaredLossOptions,
): Promise<MeanSquaredLossResult> {
  const w = await worker();
  if (!w) return meanSquaredLoss(window, losses, options);
  const rows = ownRows(window);
  return w.call('meanSquaredLoss', [rows, losses, options], [rows.data.buffer as ArrayBuffer]);
}

/** landscapeGridMeasures of one 2-D loss grid (box counting and grid MSL), off the main thread. */
export async function computeLandscapeGridMeasures(
  grid: Grid2D,
  options: LandscapeGridOptions,
): Promise<LandscapeGridResult> {
  const w = await worker();
  if (!w) return landscapeGridMeasures(grid, options);
  return w.call('landscapeGridMeasures', [grid, options]);
}

/** A stable fit with its histogram and fitted density (stableWindowParts), off the main thread. */
export async function computeStableWindow(
  data: Float64Array,
  params: StableWindowParams,
): Promise<StableWindowParts> {
  const w = await worker();
  if (!w) return stableWindowParts(data, params);
  const p = {
    method: params.method,
    resamples: params.resamples,
    level: params.level,
    seed: params.seed,
    bins: params.bins,
  };
  return w.call('stableWindow', [data, p]);
}

/** A chunk projected by the RandomProjection of `key` (built once and kept), off the main thread. */
export async function computeProjectChunk(key: ProjectionKey, chunk: RowChunk): Promise<RowChunk> {
  const w = await worker();
  if (!w) return localProjections.project(key, chunk);
  const rows = ownRows(chunk);
  const k = { inputDim: key.inputDim, outputDim: key.outputDim, seed: key.seed };
  return w.call('projectChunk', [k, rows], [rows.data.buffer as ArrayBuffer]);
}

/**
 * analyzeTrajectory over a row stream, with the windows computed off the main thread: the worker pulls one chunk
 * at a time, so at most one chunk is in flight. An error of the stream (the database) is rethrown as it was.
 */
export async function computeAnalyzeTrajectory(
  stream: AsyncIterable<RowChunk> | Iterable<RowChunk>,
  options: DiffusionOptions,
): Promise<TrajectoryDiffusion> {
  const w = await worker();
  if (!w) return analyzeTrajectory(stream, options);
  const it =
    Symbol.asyncIterator in stream
      ? (stream as AsyncIterable<RowChunk>)[Symbol.asyncIterator]()
      : (stream as Iterable<RowChunk>)[Symbol.iterator]();
  let streamError: unknown = null;
  let done = false;
  const pull = (id: number) => {
    Promise.resolve(it.next()).then(
      (r) => {
        if (r.done) {
          done = true;
          w.feed(id, null);
        } else {
          w.feed(id, ownRows(r.value));
        }
      },
      (error: unknown) => {
        streamError = error;
        done = true;
        w.feed(id, null);
      },
    );
  };
  try {
    const result = await w.call<TrajectoryDiffusion>('analyzeTrajectory', [options], [], pull);
    if (streamError !== null) throw streamError;
    return result;
  } catch (error) {
    if (streamError !== null) throw streamError;
    throw error;
  } finally {
    if (!done) await it.return?.();
  }
}

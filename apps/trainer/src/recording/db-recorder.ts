/**
 * DbRecorder: a RunRecorder that writes straight to the database through the @sgdscope/db repository, and loses
 * nothing when the connection drops. A write that fails for a transient reason (anything but the repository's
 * typed Validation/Conflict/NotFound/Integrity errors) is appended to a local spool file and fsynced; from then on
 * every write goes to the spool behind it, so order is kept, and the spool is replayed at most every
 * `retryIntervalMs`. Replay is idempotent because every repository append is keyed (step range, chunk seq,
 * artifact name and step): a record applied before a crash and replayed again is a no-op. `finish` flushes the
 * spool first (retrying until `finishTimeoutMs`), then finishes the run, then runs the analysis pipeline.
 *
 * Spool format (one file per run, `<spoolDir>/<runId>.spool`, append-only): records of
 * [u32 header length][u32 payload length][header JSON][payload bytes], little-endian; the header carries the
 * payload's SHA-256. A torn record at the end (crash mid-append) fails its length or hash check, is dropped, and
 * is truncated away before the next append. A new recorder on the same spool replays what an earlier process left.
 */
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  truncateSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { readArtifact, writeArtifact } from '@sgdscope/db/repo/artifacts';
import type { RepoDeps } from '@sgdscope/db/repo/context';
import { ConflictError, IntegrityError, NotFoundError, ValidationError } from '@sgdscope/db/repo/errors';
import { finishRun, getRun, startRun } from '@sgdscope/db/repo/runs';
import { appendSteps } from '@sgdscope/db/repo/steps';
import { writeTrajectoryChunk } from '@sgdscope/db/repo/trajectory';
import type { JsonObject } from '@sgdscope/db/repo/types';
import type { Artifact, RunKind, RunRecorder, RunStatus, StepBatch, TrajectoryChunk } from './recorder.js';

/** The repository calls the recorder makes; a test seam (a repository whose calls fail for a while). */
export interface RecorderRepository {
  startRun: typeof startRun;
  appendSteps: typeof appendSteps;
  writeTrajectoryChunk: typeof writeTrajectoryChunk;
  writeArtifact: typeof writeArtifact;
  readArtifact: typeof readArtifact;
  getRun: typeof getRun;
  finishRun: typeof finishRun;
}

/** The real repository functions. */
export const DEFAULT_RECORDER_REPOSITORY: RecorderRepository = {
  startRun,
  appendSteps,
  writeTrajectoryChunk,
  writeArtifact,
  readArtifact,
  getRun,
  finishRun,
};

/** What the recorder calls after a run finished (default: @sgdscope/pipeline analyzeRunAll). */
export type AnalyzeRunFn = (deps: RepoDeps, runId: string) => Promise<unknown>;

/** Spool and analysis events, for logs and tests. */
export type DbRecorderEvent =
  | { readonly type: 'spooled'; readonly op: string; readonly error: string }
  | { readonly type: 'replayed'; readonly records: number }
  | { readonly type: 'analysis-failed'; readonly error: string }
  | { readonly type: 'analyzed'; readonly result: unknown };

export interface DbRecorderOptions {
  readonly deps: RepoDeps;
  /** The run to record into; it must exist (created by the API, a sweep or the queue). */
  readonly runId: string;
  /** Directory of spool files; created if missing. Must survive a process restart to survive one. */
  readonly spoolDir: string;
  /** Called after a 'finished' run is finished; null disables. Default: analyzeRunAll from @sgdscope/pipeline. */
  readonly analyze?: AnalyzeRunFn | null;
  readonly repository?: RecorderRepository;
  /** Least time between replay attempts while writes are being spooled. Default 1000 ms. */
  readonly retryIntervalMs?: number;
  /** How long `finish` keeps retrying to flush the spool and finish the run. Default 10 minutes. */
  readonly finishTimeoutMs?: number;
  readonly workerId?: string;
  readonly onEvent?: (event: DbRecorderEvent) => void;
}

type StartInfo = Parameters<RunRecorder['start']>[0];

/** One spooled operation; numeric arrays travel in the payload, everything else in the header. */
type SpoolHeader =
  | { readonly op: 'start'; readonly info: JsonObject }
  | { readonly op: 'steps'; readonly fromStep: number; readonly names: string[]; readonly length: number }
  | {
      readonly op: 'chunk';
      readonly seq: number;
      readonly fromStep: number;
      readonly rows: number;
      readonly d: number;
      readonly dtype: 'float32' | 'float16';
      readonly sketch: { seed: number; sourceDim: number } | null;
    }
  | {
      readonly op: 'artifact';
      readonly name: string;
      readonly step: number;
      readonly shape: number[];
      readonly dtype: 'float32' | 'float64';
      readonly meta: JsonObject | null;
    };

interface SpoolRecord {
  readonly header: SpoolHeader;
  readonly payload: Uint8Array;
}

/** Errors that a retry cannot fix: the write itself is wrong, so it must surface, never be spooled. */
function isPermanent(error: unknown): boolean {
  return (
    error instanceof ValidationError ||
    error instanceof ConflictError ||
    error instanceof NotFoundError ||
    error instanceof IntegrityError
  );
}

/** Recorder metadata is loosely typed; the database stores JSON: drop undefined, turn NaN/Inf into null. */
function toJson(value: Readonly<Record<string, unknown>>): JsonObject {
  return JSON.parse(JSON.stringify(value)) as JsonObject;
}

function bytesOf(data: Float64Array | Float32Array | Uint16Array): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Copies bytes into a fresh aligned buffer and views them as the typed array. */
function viewAs<T>(payload: Uint8Array, make: (buffer: ArrayBuffer) => T): T {
  const copy = new Uint8Array(payload.byteLength);
  copy.set(payload);
  return make(copy.buffer);
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** The append-only, fsynced spool file of one run. */
class Spool {
  readonly path: string;
  private validBytes = 0;
  private records: SpoolRecord[] = [];

  constructor(dir: string, runId: string) {
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, `${runId}.spool`);
    this.load();
  }

  get size(): number {
    return this.records.length;
  }

  all(): readonly SpoolRecord[] {
    return this.records;
  }

  /** Reads the valid prefix of an existing spool (left by this or an earlier process). */
  private load(): void {
    if (!existsSync(this.path)) return;
    const file = readFileSync(this.path);
    let at = 0;
    while (at + 8 <= file.length) {
      const headerLength = file.readUInt32LE(at);
      const payloadLength = file.readUInt32LE(at + 4);
      const end = at + 8 + headerLength + payloadLength;
      if (end > file.length) break;
      let parsed: SpoolHeader & { sha256: string };
      try {
        parsed = JSON.parse(file.subarray(at + 8, at + 8 + headerLength).toString('utf8'));
      } catch {
        break;
      }
      const payload = new Uint8Array(file.subarray(at + 8 + headerLength, end));
      if (sha256(payload) !== parsed.sha256) break;
      const { sha256: _hash, ...header } = parsed;
      this.records.push({ header: header as SpoolHeader, payload });
      at = end;
    }
    this.validBytes = at;
  }

  /** Appends one record and fsyncs it; a torn tail from a crash is cut off first. */
  append(header: SpoolHeader, payload: Uint8Array): void {
    const fresh = !existsSync(this.path);
    if (!fresh) truncateSync(this.path, this.validBytes);
    const headerBytes = Buffer.from(JSON.stringify({ ...header, sha256: sha256(payload) }), 'utf8');
    const prefix = Buffer.alloc(8);
    prefix.writeUInt32LE(headerBytes.length, 0);
    prefix.writeUInt32LE(payload.byteLength, 4);
    const fd = openSync(this.path, 'a');
    try {
      writeSync(fd, prefix);
      writeSync(fd, headerBytes);
      writeSync(fd, payload);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (fresh) this.syncDirectory();
    this.validBytes += 8 + headerBytes.length + payload.byteLength;
    this.records.push({ header, payload: new Uint8Array(payload) });
  }

  /** Deletes the spool once every record is in the database. */
  clear(): void {
    if (existsSync(this.path)) unlinkSync(this.path);
    this.syncDirectory();
    this.records = [];
    this.validBytes = 0;
  }

  /** Makes the file's creation or removal durable (the directory entry is data too). */
  private syncDirectory(): void {
    const dir = join(this.path, '..');
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}

export class DbRecorder implements RunRecorder {
  private readonly deps: RepoDeps;
  private readonly runId: string;
  private readonly repo: RecorderRepository;
  private readonly spool: Spool;
  private readonly retryIntervalMs: number;
  private readonly finishTimeoutMs: number;
  private readonly analyzeOption: AnalyzeRunFn | null | undefined;
  private readonly options: DbRecorderOptions;
  /** Serialises every operation, so spool order is call order even if a caller does not await. */
  private queue: Promise<unknown> = Promise.resolve();
  private lastAttempt = 0;
  private lastKnownStep = -1;

  constructor(options: DbRecorderOptions) {
    this.options = options;
    this.deps = options.deps;
    this.runId = options.runId;
    this.repo = options.repository ?? DEFAULT_RECORDER_REPOSITORY;
    this.spool = new Spool(options.spoolDir, options.runId);
    this.retryIntervalMs = options.retryIntervalMs ?? 1000;
    this.finishTimeoutMs = options.finishTimeoutMs ?? 10 * 60_000;
    this.analyzeOption = options.analyze;
  }

  /** Records waiting in the spool (0 when everything is in the database). */
  get pendingRecords(): number {
    return this.spool.size;
  }

  /** Path of this run's spool file. */
  get spoolPath(): string {
    return this.spool.path;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  start(info: StartInfo): Promise<void> {
    const header: SpoolHeader = { op: 'start', info: toJson(info) };
    return this.serial(() => this.write(header, new Uint8Array(0)));
  }

  logSteps(batch: StepBatch): Promise<void> {
    const names = Object.keys(batch.series).sort();
    const length = names.length ? batch.series[names[0]].length : 0;
    const ragged = names.find((name) => batch.series[name].length !== length);
    if (ragged !== undefined) {
      return Promise.reject(
        new Error(
          `logSteps: series "${ragged}" has ${batch.series[ragged].length} values, expected ${length}`,
        ),
      );
    }
    const payload = new Float64Array(names.length * length);
    names.forEach((name, i) => {
      payload.set(batch.series[name], i * length);
    });
    const header: SpoolHeader = { op: 'steps', fromStep: batch.fromStep, names, length };
    return this.serial(() => this.write(header, bytesOf(payload)));
  }

  writeTrajectoryChunk(chunk: TrajectoryChunk): Promise<void> {
    const header: SpoolHeader = {
      op: 'chunk',
      seq: chunk.seq,
      fromStep: chunk.fromStep,
      rows: chunk.rows,
      d: chunk.d,
      dtype: chunk.dtype,
      sketch: chunk.sketch ? { seed: chunk.sketch.seed, sourceDim: chunk.sketch.sourceDim } : null,
    };
    return this.serial(() => this.write(header, bytesOf(chunk.data)));
  }

  writeArtifact(artifact: Artifact): Promise<void> {
    const header: SpoolHeader = {
      op: 'artifact',
      name: artifact.name,
      step: artifact.step,
      shape: [...artifact.shape],
      dtype: artifact.data instanceof Float32Array ? 'float32' : 'float64',
      meta: artifact.meta ? toJson(artifact.meta) : null,
    };
    return this.serial(() => this.write(header, bytesOf(artifact.data)));
  }

  /**
   * Last step durably recorded: in the database or in the spool (fsynced, so it will reach the database).
   * With the database unreachable it answers from the spool and the last value seen, if any.
   */
  lastStep(): Promise<number> {
    return this.serial(async () => {
      await this.tryFlush(true);
      let spooled = -1;
      for (const r of this.spool.all()) {
        if (r.header.op === 'steps' && r.header.length > 0) {
          spooled = Math.max(spooled, r.header.fromStep + r.header.length - 1);
        }
      }
      try {
        this.lastKnownStep = Math.max(
          this.lastKnownStep,
          (await this.repo.getRun(this.deps, this.runId)).lastStep,
        );
      } catch (error) {
        if (isPermanent(error) || (this.lastKnownStep < 0 && spooled < 0)) throw error;
      }
      return Math.max(this.lastKnownStep, spooled);
    });
  }

  /** The highest-step artifact of this name, from the spool or the database, or null. */
  readArtifact(name: string): Promise<Artifact | null> {
    return this.serial(async () => {
      await this.tryFlush(true);
      let best: Artifact | null = null;
      for (const r of this.spool.all()) {
        if (r.header.op === 'artifact' && r.header.name === name && (!best || r.header.step >= best.step)) {
          best = this.artifactOf(r.header, r.payload);
        }
      }
      try {
        const stored = await this.repo.readArtifact(this.deps, this.runId, name);
        if (!best || stored.step > best.step) {
          best = {
            name: stored.name,
            step: stored.step,
            shape: stored.shape,
            data: stored.data,
            ...(stored.meta && { meta: stored.meta }),
          };
        }
      } catch (error) {
        if (error instanceof NotFoundError) return best;
        if (isPermanent(error) || !best) throw error;
      }
      return best;
    });
  }

  /**
   * Replays the spool now, retrying transient failures until finishTimeoutMs, without finishing the run. A worker
   * calls it at start-up for spool files left by a crash (`<spoolDir>/<runId>.spool`) of runs it will not resume.
   */
  flushSpool(): Promise<void> {
    return this.serial(() => this.retryUntil(Date.now() + this.finishTimeoutMs, () => this.flush()));
  }

  /**
   * Flushes the spool (retrying transient failures until finishTimeoutMs), marks the run finished/failed/canceled,
   * then, for a finished run, runs the analysis pipeline; an analysis error is reported, not thrown (the run's
   * data is complete, and any estimator can be rerun from the API). If the spool cannot be flushed in time, the
   * error is thrown and the spool stays on disk for the next recorder of this run.
   */
  finish(
    status: Exclude<RunStatus, 'queued' | 'running'>,
    summary?: Readonly<Record<string, unknown>>,
  ): Promise<void> {
    return this.serial(async () => {
      const deadline = Date.now() + this.finishTimeoutMs;
      await this.retryUntil(deadline, async () => {
        await this.flush();
      });
      const json = summary ? toJson(summary) : undefined;
      const error = status === 'failed' && typeof summary?.error === 'string' ? summary.error : undefined;
      await this.retryUntil(deadline, async () => {
        await this.repo.finishRun(this.deps, this.runId, {
          status,
          summary: json,
          ...(error !== undefined && { error }),
        });
      });
      if (status !== 'finished') return;
      const analyze = this.analyzeOption === undefined ? await defaultAnalyze() : this.analyzeOption;
      if (!analyze) return;
      try {
        const result = await analyze(this.deps, this.runId);
        this.options.onEvent?.({ type: 'analyzed', result });
      } catch (e) {
        this.options.onEvent?.({ type: 'analysis-failed', error: (e as Error).message });
      }
    });
  }

  /** Runs `fn` until it succeeds, retrying transient errors every retryIntervalMs until the deadline. */
  private async retryUntil(deadline: number, fn: () => Promise<void>): Promise<void> {
    for (;;) {
      try {
        await fn();
        return;
      } catch (error) {
        if (isPermanent(error) || Date.now() + this.retryIntervalMs > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, this.retryIntervalMs));
      }
    }
  }

  /** Applies a write directly, or spools it behind earlier spooled writes (keeping order). */
  private async write(header: SpoolHeader, payload: Uint8Array): Promise<void> {
    if (this.spool.size > 0) {
      this.spool.append(header, payload);
      await this.tryFlush(false);
      return;
    }
    try {
      await this.apply(header, payload);
    } catch (error) {
      if (isPermanent(error)) throw error;
      this.spool.append(header, payload);
      this.lastAttempt = Date.now();
      this.options.onEvent?.({ type: 'spooled', op: header.op, error: (error as Error).message });
    }
  }

  /** Replays the spool if due (or `now`); transient failures leave it in place for the next attempt. */
  private async tryFlush(now: boolean): Promise<void> {
    if (this.spool.size === 0) return;
    if (!now && Date.now() - this.lastAttempt < this.retryIntervalMs) return;
    try {
      await this.flush();
    } catch (error) {
      if (isPermanent(error)) throw error;
    }
  }

  /**
   * Replays every spooled record in order and deletes the spool. A transient failure throws, keeping the spool
   * whole: records applied before it are replayed again next time, which the keyed appends make a no-op.
   */
  private async flush(): Promise<void> {
    if (this.spool.size === 0) return;
    this.lastAttempt = Date.now();
    const records = this.spool.all();
    for (const r of records) await this.apply(r.header, r.payload);
    this.options.onEvent?.({ type: 'replayed', records: records.length });
    this.spool.clear();
  }

  private artifactOf(header: Extract<SpoolHeader, { op: 'artifact' }>, payload: Uint8Array): Artifact {
    const data =
      header.dtype === 'float32'
        ? viewAs(payload, (b) => new Float32Array(b))
        : viewAs(payload, (b) => new Float64Array(b));
    return {
      name: header.name,
      step: header.step,
      shape: header.shape,
      data,
      ...(header.meta && { meta: header.meta }),
    };
  }

  private async apply(header: SpoolHeader, payload: Uint8Array): Promise<void> {
    switch (header.op) {
      case 'start': {
        const info = header.info as {
          kind: RunKind;
          config: JsonObject;
          backend: string;
          codeVersion: string;
          parameterCount?: number;
        };
        await this.repo.startRun(this.deps, this.runId, {
          backend: info.backend,
          codeVersion: info.codeVersion,
          config: info.config,
          ...(info.parameterCount !== undefined && { parameterCount: info.parameterCount }),
          ...(this.options.workerId !== undefined && { workerId: this.options.workerId }),
        });
        return;
      }
      case 'steps': {
        const all = viewAs(payload, (b) => new Float64Array(b));
        const series: Record<string, Float64Array> = {};
        header.names.forEach((name, i) => {
          series[name] = all.subarray(i * header.length, (i + 1) * header.length);
        });
        if (header.length === 0) return;
        const result = await this.repo.appendSteps(this.deps, this.runId, {
          fromStep: header.fromStep,
          series,
        });
        this.lastKnownStep = Math.max(this.lastKnownStep, result.lastStep);
        return;
      }
      case 'chunk': {
        const data =
          header.dtype === 'float16'
            ? viewAs(payload, (b) => new Uint16Array(b))
            : viewAs(payload, (b) => new Float32Array(b));
        await this.repo.writeTrajectoryChunk(this.deps, this.runId, {
          seq: header.seq,
          fromStep: header.fromStep,
          rows: header.rows,
          d: header.d,
          dtype: header.dtype,
          data,
          ...(header.sketch && { sketch: header.sketch }),
        });
        return;
      }
      case 'artifact': {
        const artifact = this.artifactOf(header, payload);
        await this.repo.writeArtifact(this.deps, this.runId, {
          name: artifact.name,
          step: artifact.step,
          shape: artifact.shape,
          data: artifact.data,
          ...(header.meta && { meta: header.meta }),
        });
        return;
      }
    }
  }
}

/** Loads analyzeRunAll lazily: the pipeline (and its analysis code) is only needed once a run finishes. */
async function defaultAnalyze(): Promise<AnalyzeRunFn> {
  const { analyzeRunAll } = await import('@sgdscope/pipeline');
  return (deps, runId) => analyzeRunAll(deps, runId);
}

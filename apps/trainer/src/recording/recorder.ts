/**
 * What an experiment reports while it runs. Experiments only ever talk to a RunRecorder, so the same
 * training code logs to memory (tests), to local files, or to the database / API.
 *
 * Contract: every call is idempotent by its sequence key (step ranges, chunk sequence numbers), so a
 * recorder that buffers and retries after a lost connection never loses or duplicates a step.
 */
export type RunKind = 'network' | 'fractal_landscape' | 'escape' | 'phase_diagram';
export type RunStatus = 'queued' | 'running' | 'finished' | 'failed' | 'canceled';

/** Per-step scalar series, column-wise: series[name][i] belongs to step fromStep + i. */
export interface StepBatch {
  readonly fromStep: number;
  readonly series: Readonly<Record<string, Float64Array>>;
}

/** A block of consecutive weight snapshots (rows) of dimension d, starting at step `fromStep`. */
export interface TrajectoryChunk {
  /** Chunk sequence number within the run, 0, 1, 2, ... (the idempotency key). */
  readonly seq: number;
  readonly fromStep: number;
  readonly rows: number;
  readonly d: number;
  /** Storage dtype; float16 data arrives already encoded as Uint16Array bit patterns. */
  readonly dtype: 'float32' | 'float16';
  readonly data: Float32Array | Uint16Array;
  /** When the rows are a random-projection sketch, its seed and source dimension. */
  readonly sketch?: { readonly seed: number; readonly sourceDim: number };
}

/** Named arrays recorded at a point in training (gradient samples, Hessian eigenvalues, landscape grids, escape times). */
export interface Artifact {
  readonly name: string;
  readonly step: number;
  readonly shape: readonly number[];
  readonly data: Float32Array | Float64Array;
  readonly meta?: Readonly<Record<string, unknown>>;
}

export interface RunRecorder {
  /** Marks the run as running and records the resolved config, backend and code version. */
  start(info: {
    readonly kind: RunKind;
    readonly config: Readonly<Record<string, unknown>>;
    readonly backend: string;
    readonly codeVersion: string;
    readonly parameterCount?: number;
  }): Promise<void>;
  logSteps(batch: StepBatch): Promise<void>;
  writeTrajectoryChunk(chunk: TrajectoryChunk): Promise<void>;
  writeArtifact(artifact: Artifact): Promise<void>;
  /** Last step durably recorded (for resume after a crash), or -1. */
  lastStep(): Promise<number>;
  /**
   * The latest (highest-step) artifact with this name, or null. Optional: network runs resume from their
   * `checkpoint` artifact through it; a recorder without it cannot resume those runs.
   */
  readArtifact?(name: string): Promise<Artifact | null>;
  finish(
    status: Exclude<RunStatus, 'queued' | 'running'>,
    summary?: Readonly<Record<string, unknown>>,
  ): Promise<void>;
}

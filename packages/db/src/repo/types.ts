/**
 * Plain TypeScript types of the repository contract. Nothing here is a Prisma type: callers (trainer,
 * API, web) depend on these only, so the storage layer can change underneath them.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Same spelling as the trainer's RunRecorder contract (apps/trainer/src/recording/recorder.ts). */
export type RunKind = 'network' | 'fractal_landscape' | 'escape' | 'phase_diagram';
export type RunStatus = 'queued' | 'running' | 'finished' | 'failed' | 'canceled';
export type TerminalRunStatus = Exclude<RunStatus, 'queued' | 'running'>;
export type Role = 'viewer' | 'editor' | 'admin';

export interface UserRecord {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly createdAt: Date;
}

export interface ProjectRecord {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
  readonly description: string | null;
  readonly createdAt: Date;
}

export interface MembershipRecord {
  readonly projectId: string;
  readonly userId: string;
  readonly role: Role;
}

export interface ExperimentRecord {
  readonly id: string;
  readonly projectId: string;
  readonly name: string;
  readonly description: string | null;
  readonly createdAt: Date;
}

/** The config keys people filter on, copied from the run config into indexed columns. */
export interface PromotedRunColumns {
  readonly model: string | null;
  readonly dataset: string | null;
  readonly optimizer: string | null;
  readonly learningRate: number | null;
  readonly batchSize: number | null;
  readonly depth: number | null;
  readonly shortcut: boolean | null;
  readonly loss: string | null;
  readonly seed: number | null;
  readonly parameterCount: number | null;
}

export interface RunRecord extends PromotedRunColumns {
  readonly id: string;
  readonly projectId: string;
  readonly experimentId: string | null;
  readonly sweepId: string | null;
  readonly name: string;
  readonly status: RunStatus;
  readonly kind: RunKind;
  readonly config: JsonObject;
  readonly codeVersion: string | null;
  readonly backend: string | null;
  readonly device: string | null;
  readonly tags: readonly string[];
  readonly notes: string | null;
  readonly summary: JsonObject | null;
  /** Last step durably recorded by appendSteps; -1 before the first. */
  readonly lastStep: number;
  readonly error: string | null;
  readonly workerId: string | null;
  readonly createdAt: Date;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
  readonly heartbeatAt: Date | null;
}

export interface SweepRecord {
  readonly id: string;
  readonly projectId: string;
  readonly experimentId: string | null;
  readonly name: string;
  readonly kind: RunKind;
  readonly baseConfig: JsonObject;
  readonly grid: Readonly<Record<string, readonly JsonValue[]>>;
  readonly replicates: number;
  readonly createdAt: Date;
}

import type { Artifact, RunKind, RunRecorder, RunStatus, StepBatch, TrajectoryChunk } from './recorder.js';

/**
 * A RunRecorder that keeps everything in memory, for tests and in-process analysis. Idempotent like the
 * contract asks: a step, chunk seq or (artifact name, step) written twice keeps the last write, and the
 * rewrite counters let tests assert that a resumed run duplicated nothing.
 */
export class MemoryRecorder implements RunRecorder {
  status: RunStatus = 'queued';
  info: Parameters<RunRecorder['start']>[0] | null = null;
  summary: Readonly<Record<string, unknown>> | null = null;
  startCount = 0;
  /** Writes that hit an already recorded step / chunk seq. */
  stepRewrites = 0;
  chunkRewrites = 0;
  private readonly stepValues = new Map<number, Record<string, number>>();
  private readonly chunkBySeq = new Map<number, TrajectoryChunk>();
  private readonly artifactByKey = new Map<string, Artifact>();

  async start(info: Parameters<RunRecorder['start']>[0]): Promise<void> {
    this.info = info;
    this.status = 'running';
    this.startCount += 1;
  }

  async logSteps(batch: StepBatch): Promise<void> {
    for (const [name, values] of Object.entries(batch.series)) {
      values.forEach((value, i) => {
        const step = batch.fromStep + i;
        let row = this.stepValues.get(step);
        if (!row) {
          row = {};
          this.stepValues.set(step, row);
        } else if (name in row) {
          this.stepRewrites += 1;
        }
        row[name] = value;
      });
    }
  }

  async writeTrajectoryChunk(chunk: TrajectoryChunk): Promise<void> {
    if (this.chunkBySeq.has(chunk.seq)) this.chunkRewrites += 1;
    this.chunkBySeq.set(chunk.seq, chunk);
  }

  async writeArtifact(artifact: Artifact): Promise<void> {
    this.artifactByKey.set(`${artifact.name}@${artifact.step}`, artifact);
  }

  async lastStep(): Promise<number> {
    let last = -1;
    for (const step of this.stepValues.keys()) last = Math.max(last, step);
    return last;
  }

  async readArtifact(name: string): Promise<Artifact | null> {
    const matching = this.artifacts(name);
    return matching.length === 0 ? null : matching[matching.length - 1];
  }

  async finish(
    status: Exclude<RunStatus, 'queued' | 'running'>,
    summary?: Readonly<Record<string, unknown>>,
  ) {
    this.status = status;
    this.summary = summary ?? null;
  }

  /** Recorded steps in increasing order. */
  steps(): number[] {
    return [...this.stepValues.keys()].sort((a, b) => a - b);
  }

  /** One scalar series over all recorded steps (NaN where a step lacks it). */
  series(name: string): Float64Array {
    return Float64Array.from(this.steps(), (step) => this.stepValues.get(step)?.[name] ?? Number.NaN);
  }

  /** Trajectory chunks by increasing seq. */
  chunks(): TrajectoryChunk[] {
    return [...this.chunkBySeq.values()].sort((a, b) => a.seq - b.seq);
  }

  /** Artifacts (optionally of one name) by increasing step. */
  artifacts(name?: string): Artifact[] {
    return [...this.artifactByKey.values()]
      .filter((a) => name === undefined || a.name === name)
      .sort((a, b) => a.step - b.step);
  }

  get kind(): RunKind | null {
    return this.info?.kind ?? null;
  }
}

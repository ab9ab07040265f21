import { type AnalysisResultInput, getAnalysisResults, saveAnalysisResult } from './analysis.js';
import { createApiKey, revokeApiKey, verifyApiKey } from './api-keys.js';
import { type ArtifactInput, listArtifacts, readArtifact, writeArtifact } from './artifacts.js';
import type { RepoDeps } from './context.js';
import { gcOrphanBlobs } from './gc.js';
import { addMember, createExperiment, createProject, createUser } from './projects.js';
import {
  type CreateRunInput,
  createRun,
  finishRun,
  getRun,
  heartbeat,
  type StartRunInput,
  startRun,
} from './runs.js';
import {
  type AppendStepsOptions,
  appendSteps,
  listSeries,
  readSeries,
  readSeriesDownsampled,
  readSeriesSummary,
  type StepBatchInput,
} from './steps.js';
import { type CreateSweepInput, createSweep } from './sweeps.js';
import {
  listTrajectoryChunks,
  streamTrajectory,
  type TrajectoryChunkInput,
  type TrajectoryWriteHooks,
  writeTrajectoryChunk,
} from './trajectory.js';
import type { JsonObject, Role, TerminalRunStatus } from './types.js';

/**
 * The repository as one object with the dependencies bound: what the trainer and API hold. Each
 * method is the same-named function of its module with `deps` applied; see those for contracts.
 */
export function createRepository(deps: RepoDeps) {
  return {
    deps,
    createUser: (input: { email: string; name: string }) => createUser(deps, input),
    createProject: (input: { slug: string; name: string; description?: string }) =>
      createProject(deps, input),
    addMember: (input: { projectId: string; userId: string; role: Role }) => addMember(deps, input),
    createExperiment: (input: { projectId: string; name: string; description?: string }) =>
      createExperiment(deps, input),
    createApiKey: (input: { userId: string; name: string }) => createApiKey(deps, input),
    verifyApiKey: (secret: string) => verifyApiKey(deps, secret),
    revokeApiKey: (keyId: string) => revokeApiKey(deps, keyId),
    createSweep: (input: CreateSweepInput) => createSweep(deps, input),
    createRun: (input: CreateRunInput) => createRun(deps, input),
    getRun: (runId: string) => getRun(deps, runId),
    startRun: (runId: string, input?: StartRunInput) => startRun(deps, runId, input),
    heartbeat: (runId: string) => heartbeat(deps, runId),
    finishRun: (runId: string, input: { status: TerminalRunStatus; summary?: JsonObject; error?: string }) =>
      finishRun(deps, runId, input),
    appendSteps: (runId: string, batch: StepBatchInput, options?: AppendStepsOptions) =>
      appendSteps(deps, runId, batch, options),
    listSeries: (runId: string) => listSeries(deps, runId),
    readSeries: (runId: string, name: string, range?: { from?: number; to?: number }) =>
      readSeries(deps, runId, name, range),
    readSeriesSummary: (runId: string, name: string, options: Parameters<typeof readSeriesSummary>[3]) =>
      readSeriesSummary(deps, runId, name, options),
    readSeriesDownsampled: (
      runId: string,
      name: string,
      options: Parameters<typeof readSeriesDownsampled>[3],
    ) => readSeriesDownsampled(deps, runId, name, options),
    writeTrajectoryChunk: (runId: string, chunk: TrajectoryChunkInput, hooks?: TrajectoryWriteHooks) =>
      writeTrajectoryChunk(deps, runId, chunk, hooks),
    streamTrajectory: (runId: string, range?: { fromStep?: number; toStep?: number }) =>
      streamTrajectory(deps, runId, range),
    listTrajectoryChunks: (runId: string) => listTrajectoryChunks(deps, runId),
    writeArtifact: (runId: string, artifact: ArtifactInput) => writeArtifact(deps, runId, artifact),
    readArtifact: (runId: string, name: string, step?: number) => readArtifact(deps, runId, name, step),
    listArtifacts: (runId: string) => listArtifacts(deps, runId),
    saveAnalysisResult: (runId: string, input: AnalysisResultInput) => saveAnalysisResult(deps, runId, input),
    getAnalysisResults: (runId: string, filter?: { estimator?: string }) =>
      getAnalysisResults(deps, runId, filter),
    gcOrphanBlobs: (options?: { olderThanMs?: number; dryRun?: boolean }) => gcOrphanBlobs(deps, options),
  };
}

/** The bound repository object. */
export type Repository = ReturnType<typeof createRepository>;

/**
 * The estimator contract and registry: name -> {version, kinds it applies to, resolveParams, run}. Each estimator
 * is a pure function of repository reads; storing, caching and skipping are done once, in run-estimator.ts.
 */
import type { AnalysisCurveInput, AnalysisScalarInput } from '@sgdscope/db/repo/analysis';
import type { RepoDeps } from '@sgdscope/db/repo/context';
import type { JsonObject, RunKind, RunRecord } from '@sgdscope/db/repo/types';
import { diffusionEstimator } from './estimators/diffusion.js';
import { escapeEstimator } from './estimators/escape.js';
import { geometryEstimator } from './estimators/geometry.js';
import { gradientStableEstimator } from './estimators/gradient-stable.js';
import { hessianEstimator } from './estimators/hessian.js';
import { landscapeEstimator } from './estimators/landscape.js';
import { lossFluctuationsEstimator } from './estimators/loss-fluctuations.js';
import { mslEstimator } from './estimators/msl.js';
import { phaseEstimator } from './estimators/phase.js';
import { toyWalkEstimator } from './estimators/toy-walk.js';

/** What an estimator computed for one run, in the stored form (saveAnalysisResult's input). */
export interface EstimatorOutput {
  readonly scalars: readonly AnalysisScalarInput[];
  readonly curves: readonly AnalysisCurveInput[];
  /** Conventions, fit quality, sample sizes: what a reader needs to interpret the numbers. */
  readonly details: JsonObject;
}

/** One registered estimator. `run` throws MissingDataError when the run lacks its input data. */
export interface Estimator {
  readonly name: string;
  /** Bump when stored output changes, so cached results are recomputed. */
  readonly version: string;
  readonly kinds: readonly RunKind[];
  readonly description: string;
  /** Validates raw parameters (PipelineParamsError) and writes every default out (canonical cache key). */
  resolveParams(raw: Readonly<Record<string, unknown>>): JsonObject;
  /**
   * Raw parameters analyzeRunAll retries with when the defaults refuse the run's trajectory as too wide
   * (TrajectoryTooWideError), e.g. a random-projection sketch. Absent: such runs are skipped.
   */
  readonly wideTrajectoryParams?: Readonly<Record<string, unknown>>;
  run(deps: RepoDeps, run: RunRecord, params: JsonObject): Promise<EstimatorOutput>;
}

/** The built-in estimators under the names the web app expects, in the order analyzeRunAll runs them. */
const BUILT_IN: readonly Estimator[] = [
  diffusionEstimator,
  gradientStableEstimator,
  geometryEstimator,
  mslEstimator,
  lossFluctuationsEstimator,
  hessianEstimator,
  landscapeEstimator,
  escapeEstimator,
  phaseEstimator,
  toyWalkEstimator,
];

const registry = new Map<string, Estimator>(BUILT_IN.map((e) => [e.name, e]));

/** Adds an estimator; a second one with the same name is a programming error. */
export function registerEstimator(estimator: Estimator): void {
  if (registry.has(estimator.name)) throw new Error(`estimator "${estimator.name}" is already registered`);
  registry.set(estimator.name, estimator);
}

/** The estimator of this name, or undefined. */
export function findEstimator(name: string): Estimator | undefined {
  return registry.get(name);
}

/** All registered estimators, in registration order. */
export function listEstimators(): readonly Estimator[] {
  return [...registry.values()];
}

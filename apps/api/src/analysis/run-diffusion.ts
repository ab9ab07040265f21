/**
 * analyzeRun for the "diffusion" estimator: stream the stored trajectory through
 * @sgdscope/analysis analyzeTrajectory (seed 000 §3: windowed MSD, alpha, tau0, t0, beta) and store
 * scalars and curves with saveAnalysisResult, keyed by the hash of the resolved parameters.
 */
import { analyzeTrajectory, type DiffusionOptions } from '@sgdscope/analysis/diffusion/index';
import { getAnalysisResults, saveAnalysisResult } from '@sgdscope/db/repo/analysis';
import type { RepoDeps } from '@sgdscope/db/repo/context';
import { hashParams } from '@sgdscope/db/repo/stable-json';
import { streamTrajectory } from '@sgdscope/db/repo/trajectory';
import type { JsonObject } from '@sgdscope/db/repo/types';
import { apiError } from '../errors.js';

/** Bump when the stored output of this adapter changes, so cached results are recomputed. */
export const DIFFUSION_ESTIMATOR_VERSION = 'diffusion-1';

const INT_PARAMS = ['windowSize', 'stride', 'minFitPoints', 'betaLagSpan', 'maxWindows'] as const;

/** Validated, defaulted diffusion parameters (defaults written out so the cache key is canonical). */
export function resolveDiffusionParams(raw: Record<string, unknown>): JsonObject {
  const known = new Set<string>([...INT_PARAMS, 'convention', 'rmseThreshold']);
  for (const k of Object.keys(raw)) {
    if (!known.has(k)) throw apiError('BAD_USER_INPUT', `unknown diffusion parameter "${k}"`);
  }
  const out: JsonObject = {
    windowSize: 1000,
    convention: 'tamsd',
    rmseThreshold: 0.03,
    minFitPoints: 10,
    betaLagSpan: 20,
  };
  for (const k of INT_PARAMS) {
    const v = raw[k];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 10_000_000) {
      throw apiError('BAD_USER_INPUT', `${k} must be a positive integer`);
    }
    out[k] = v;
  }
  out.stride ??= out.windowSize;
  if (raw.convention !== undefined) {
    if (raw.convention !== 'tamsd' && raw.convention !== 'eq3') {
      throw apiError('BAD_USER_INPUT', 'convention must be "tamsd" or "eq3"');
    }
    out.convention = raw.convention;
  }
  if (raw.rmseThreshold !== undefined) {
    const t = raw.rmseThreshold;
    if (typeof t !== 'number' || !Number.isFinite(t) || t <= 0) {
      throw apiError('BAD_USER_INPUT', 'rmseThreshold must be a positive number');
    }
    out.rmseThreshold = t;
  }
  return out;
}

interface ScalarOut {
  name: string;
  window: number;
  value: number;
  stdErr: number | null;
}

/**
 * Run (or return the cached) diffusion analysis of a run's trajectory. Returns the result id and
 * whether it came from the cache.
 */
export async function analyzeRunDiffusion(
  repo: RepoDeps,
  runId: string,
  rawParams: Record<string, unknown>,
): Promise<{ resultId: string; cached: boolean }> {
  const params = resolveDiffusionParams(rawParams);
  const hash = hashParams(params);
  const existing = await getAnalysisResults(repo, runId, { estimator: 'diffusion' });
  const hit = existing.find(
    (r) => r.estimatorVersion === DIFFUSION_ESTIMATOR_VERSION && r.paramsHash === hash && r.status === 'done',
  );
  if (hit) return { resultId: hit.id, cached: true };

  const result = await analyzeTrajectory(streamTrajectory(repo, runId), params as DiffusionOptions);
  if (result.windows.length === 0) {
    throw apiError(
      'BAD_USER_INPUT',
      `run ${runId} has too few trajectory rows for one window of ${params.windowSize}`,
    );
  }
  const scalars: ScalarOut[] = result.windows.flatMap((w, i) => {
    const out: ScalarOut[] = [
      { name: 'alpha', window: i, value: w.alpha, stdErr: w.alphaStdErr },
      { name: 'rmse', window: i, value: w.rmse, stdErr: null },
    ];
    if (w.tau0 !== null) out.push({ name: 'tau0', window: i, value: w.tau0, stdErr: null });
    if (w.alphaShort !== null)
      out.push({ name: 'alphaShort', window: i, value: w.alphaShort, stdErr: w.alphaShortStdErr });
    if (w.alphaLong !== null)
      out.push({ name: 'alphaLong', window: i, value: w.alphaLong, stdErr: w.alphaLongStdErr });
    return out;
  });
  if (result.t0 !== null) scalars.push({ name: 't0', window: -1, value: result.t0, stdErr: null });
  const saved = await saveAnalysisResult(repo, runId, {
    estimator: 'diffusion',
    estimatorVersion: DIFFUSION_ESTIMATOR_VERSION,
    params,
    details: {
      convention: result.convention,
      windowSize: result.windowSize,
      stride: result.stride,
      d: result.d,
      rmseThreshold: result.rmseThreshold,
      t0DataDrivenThreshold: Number.isFinite(result.t0DataDrivenThreshold)
        ? result.t0DataDrivenThreshold
        : null,
      t0DataDriven: result.t0DataDriven,
      windows: result.windows.map((w) => ({ tw: w.tw, rmse: w.rmse, tau0DataDriven: w.tau0DataDriven })),
    },
    scalars: scalars.map((s) =>
      s.stdErr !== null && Number.isFinite(s.stdErr)
        ? {
            name: s.name,
            window: s.window,
            value: s.value,
            stdErr: s.stdErr,
            // Wald 95% interval from the OLS slope standard error.
            ci: { lower: s.value - 1.96 * s.stdErr, upper: s.value + 1.96 * s.stdErr, level: 0.95 },
          }
        : { name: s.name, window: s.window, value: s.value },
    ),
    curves: result.windows.flatMap((w, i) => [
      { name: 'msd', window: i, tw: w.tw, x: w.msd.tau, y: w.msd.value, meta: { convention: w.convention } },
      { name: 'beta', window: i, tw: w.tw, x: w.beta.tau, y: w.beta.value },
    ]),
  });
  return { resultId: saved.id, cached: false };
}

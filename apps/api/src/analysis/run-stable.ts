/**
 * analyzeRun for the "stable" estimator: a Lévy alpha-stable fit of a stored gradient sample artifact
 * (seed 000 §1.7 / Fig. 5; science-spec §3.3: Koutrouvelis ECF by default, block-bootstrap CI for
 * alpha, Vuong test against a Gaussian) via @sgdscope/analysis fitStable, with the histogram and
 * fitted density stored as the "gradHist" and "gradFit" curves.
 */
import { fitStable, stableHistogram } from '@sgdscope/analysis/stable/index';
import { getAnalysisResults, saveAnalysisResult } from '@sgdscope/db/repo/analysis';
import { readArtifact } from '@sgdscope/db/repo/artifacts';
import type { RepoDeps } from '@sgdscope/db/repo/context';
import { hashParams } from '@sgdscope/db/repo/stable-json';
import type { JsonObject } from '@sgdscope/db/repo/types';
import { apiError } from '../errors.js';

/** Bump when the stored output of this adapter changes. */
export const STABLE_ESTIMATOR_VERSION = 'stable-1';

/** Validated, defaulted parameters (defaults written out so the cache key is canonical). */
export function resolveStableParams(raw: Record<string, unknown>): JsonObject {
  const known = new Set(['artifact', 'step', 'method', 'symmetric', 'bins', 'resamples']);
  for (const k of Object.keys(raw)) {
    if (!known.has(k)) throw apiError('BAD_USER_INPUT', `unknown stable parameter "${k}"`);
  }
  const out: JsonObject = {
    artifact: 'gradient_sample',
    method: 'koutrouvelis',
    symmetric: false,
    bins: 50,
    resamples: 200,
  };
  if (raw.artifact !== undefined) {
    if (typeof raw.artifact !== 'string' || !/^[\w.-]{1,100}$/.test(raw.artifact)) {
      throw apiError('BAD_USER_INPUT', 'artifact must be an artifact name');
    }
    out.artifact = raw.artifact;
  }
  if (raw.method !== undefined) {
    if (raw.method !== 'koutrouvelis' && raw.method !== 'mcculloch') {
      throw apiError('BAD_USER_INPUT', 'method must be "koutrouvelis" or "mcculloch"');
    }
    out.method = raw.method;
  }
  if (raw.symmetric !== undefined) {
    if (typeof raw.symmetric !== 'boolean') throw apiError('BAD_USER_INPUT', 'symmetric must be a boolean');
    out.symmetric = raw.symmetric;
  }
  for (const [k, lo, hi] of [
    ['bins', 1, 1000],
    ['resamples', 20, 5000],
    ['step', 0, 2 ** 31 - 1],
  ] as const) {
    const v = raw[k];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
      throw apiError('BAD_USER_INPUT', `${k} must be an integer in [${lo}, ${hi}]`);
    }
    out[k] = v;
  }
  return out;
}

/** Run (or return the cached) stable fit of a run's gradient sample artifact. */
export async function analyzeRunStable(
  repo: RepoDeps,
  runId: string,
  rawParams: Record<string, unknown>,
): Promise<{ resultId: string; cached: boolean }> {
  const params = resolveStableParams(rawParams);
  const artifact = await readArtifact(
    repo,
    runId,
    params.artifact as string,
    params.step as number | undefined,
  );
  // The resolved step is part of the key, so "latest" does not serve a stale fit after a new sample.
  const keyed: JsonObject = { ...params, step: artifact.step };
  const hash = hashParams(keyed);
  const existing = await getAnalysisResults(repo, runId, { estimator: 'stable' });
  const hit = existing.find(
    (r) => r.estimatorVersion === STABLE_ESTIMATOR_VERSION && r.paramsHash === hash && r.status === 'done',
  );
  if (hit) return { resultId: hit.id, cached: true };

  const fit = fitStable(artifact.data, {
    method: params.method as 'koutrouvelis' | 'mcculloch',
    symmetric: params.symmetric as boolean,
    bootstrap: { resamples: params.resamples as number },
  });
  const hist = stableHistogram(
    artifact.data,
    { alpha: fit.alpha, beta: fit.beta, scale: fit.scale, loc: fit.loc },
    { bins: params.bins as number },
  );
  const ci = fit.alphaCI;
  const saved = await saveAnalysisResult(repo, runId, {
    estimator: 'stable',
    estimatorVersion: STABLE_ESTIMATOR_VERSION,
    params: keyed,
    details: {
      n: fit.n,
      method: fit.method,
      symmetric: fit.symmetric,
      blockLength: fit.blockLength,
      llrGaussian: Number.isFinite(fit.llrGaussian) ? fit.llrGaussian : null,
      vuongP: Number.isFinite(fit.vuongP) ? fit.vuongP : null,
      ciMethod: 'block bootstrap percentile',
    },
    scalars: [
      ci
        ? { name: 'alphaDist', value: fit.alpha, ci: { lower: ci.lower, upper: ci.upper, level: ci.level } }
        : { name: 'alphaDist', value: fit.alpha },
      { name: 'stableScale', value: fit.scale },
      { name: 'stableBeta', value: fit.beta },
      { name: 'stableLoc', value: fit.loc },
      ...(Number.isFinite(fit.vuongZ) ? [{ name: 'vuongZ', value: fit.vuongZ }] : []),
    ],
    curves: [
      {
        name: 'gradHist',
        x: hist.centers,
        y: hist.empirical,
        meta: { spacing: hist.spacing, normalised: 'density' },
      },
      { name: 'gradFit', x: hist.centers, y: hist.fitted, meta: { law: 'stable S1' } },
    ],
  });
  return { resultId: saved.id, cached: false };
}

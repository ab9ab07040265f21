/**
 * Estimator `hessian`: the top Hessian eigenvalues over training (seed 000 §1.9, expected to shrink towards 0),
 * one curve per eigenvalue index k (window = k, x = step, y = lambda_k, eigenvalues sorted descending).
 */
import type { AnalysisCurveInput } from '@sgdscope/db/repo/analysis';
import type { RepoDeps } from '@sgdscope/db/repo/context';
import type { RunRecord } from '@sgdscope/db/repo/types';
import { rejectUnknownKeys } from '../params.js';
import type { Estimator, EstimatorOutput } from '../registry.js';
import { requireArtifacts, ScalarList } from './shared.js';

const NAME = 'hessian';

async function run(deps: RepoDeps, runRecord: RunRecord): Promise<EstimatorOutput> {
  const artifacts = await requireArtifacts(deps, runRecord, 'hessian_top_eigenvalues');
  const sorted = artifacts.map((a) => ({ step: a.step, values: Float64Array.from(a.data).sort().reverse() }));
  const k = Math.max(...sorted.map((s) => s.values.length));
  const curves: AnalysisCurveInput[] = [];
  const scalars = new ScalarList();
  for (let i = 0; i < k; i++) {
    const x: number[] = [];
    const y: number[] = [];
    for (const s of sorted) {
      if (i < s.values.length && Number.isFinite(s.values[i])) {
        x.push(s.step);
        y.push(s.values[i]);
      }
    }
    curves.push({ name: 'hessianEig', window: i, x, y });
    // Top eigenvalue at the first and last recorded step: the headline "shrinks over training" comparison.
    if (i === 0 && y.length > 0) {
      scalars.add('hessianTopFirst', -1, y[0]);
      scalars.add('hessianTopLast', -1, y[y.length - 1]);
    }
  }
  return {
    scalars: scalars.items,
    curves,
    details: { steps: sorted.map((s) => s.step), k, method: artifacts[artifacts.length - 1].meta ?? null },
  };
}

export const hessianEstimator: Estimator = {
  name: NAME,
  version: 'hessian-1',
  kinds: ['network'],
  description: 'Top Hessian eigenvalues over training, one curve per index k (seed 000 §1.9).',
  resolveParams: (raw) => {
    rejectUnknownKeys(NAME, raw, []);
    return {};
  },
  run: (deps, runRecord) => run(deps, runRecord),
};

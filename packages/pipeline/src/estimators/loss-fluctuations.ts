/**
 * Estimator `loss-fluctuations`: forward moving variance of the minibatch loss (MATLAB movvar(loss, [0, 100])
 * every 100 steps) and statistics of |Delta L_t| (seed 000 §1.8, Fig. 5e).
 */
import { lossJumpStatistics, movingVariance } from '@sgdscope/analysis';
import type { RepoDeps } from '@sgdscope/db/repo/context';
import type { JsonObject, RunRecord } from '@sgdscope/db/repo/types';
import { MissingDataError } from '../errors.js';
import { intParam, rejectUnknownKeys } from '../params.js';
import type { Estimator, EstimatorOutput } from '../registry.js';
import { requireSeries, ScalarList } from './shared.js';

const NAME = 'loss-fluctuations';

function resolveParams(raw: Readonly<Record<string, unknown>>): JsonObject {
  rejectUnknownKeys(NAME, raw, ['window', 'every']);
  return {
    window: intParam(NAME, raw, 'window', 101, 1, 1_000_000),
    every: intParam(NAME, raw, 'every', 100, 1, 1_000_000),
  };
}

async function run(deps: RepoDeps, runRecord: RunRecord, params: JsonObject): Promise<EstimatorOutput> {
  const loss = await requireSeries(deps, runRecord, 'loss');
  // A diverged run ends in NaN/Inf: analyse the finite prefix, and say where it was cut.
  let n = 0;
  while (n < loss.values.length && Number.isFinite(loss.values[n])) n++;
  if (n < 2) throw new MissingDataError(`run ${runRecord.id}: fewer than 2 finite losses`);
  const values = loss.values.subarray(0, n);
  const mv = movingVariance(values, { window: params.window as number, every: params.every as number });
  const x = Array.from(mv.x, (i) => loss.steps[i]);
  const jumps = lossJumpStatistics(values);
  const scalars = new ScalarList();
  scalars.add('lossJumpMean', -1, jumps.mean);
  scalars.add('lossJumpMedian', -1, jumps.median);
  scalars.add('lossJumpSd', -1, jumps.sd);
  scalars.add('lossJumpP95', -1, jumps.p95);
  scalars.add('lossJumpP99', -1, jumps.p99);
  scalars.add('lossJumpMax', -1, jumps.max);
  return {
    scalars: scalars.items,
    curves: [
      {
        name: 'lossMovVar',
        x,
        y: mv.y,
        meta: { window: params.window as number, every: params.every as number },
      },
    ],
    details: {
      losses: n,
      truncatedAtNonFinite: n < loss.values.length ? loss.steps[n] : null,
      jumps: '|L(t+1) - L(t)| over consecutive recorded minibatch losses',
      gapsInSteps: n > 0 && loss.steps[n - 1] - loss.steps[0] !== n - 1,
    },
  };
}

export const lossFluctuationsEstimator: Estimator = {
  name: NAME,
  version: 'loss-fluctuations-1',
  kinds: ['network', 'fractal_landscape'],
  description: 'Moving variance of the loss and |Delta L| statistics (seed 000 §1.8).',
  resolveParams,
  run,
};

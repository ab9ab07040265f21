/**
 * escapeRateFit: the seed-001 law across a sweep (Thms 3.1/3.2; science-spec §3.1-3.2): per grid point, the
 * escape rate of all its replicate runs pooled with its exact (or censored) CI, then a weighted least-squares fit
 * of -log gamma against B, 1/eta, 1/k or 1/D (SGLD diffusion), with the slope CI and Pearson r.
 */

import type { Interval } from '@sgdscope/analysis';
import { controlAxis, type EscapeControl, escapeRate, fitEscapeLaw } from '@sgdscope/analysis';
import type { RepoDeps } from '@sgdscope/db/repo/context';
import { listSweepRuns } from '@sgdscope/db/repo/pipeline-reads';
import type { RunRecord } from '@sgdscope/db/repo/types';
import { PipelineParamsError } from '../errors.js';
import { readEscapeTimes, resolveEscapeParams } from '../estimators/escape.js';

/** The control variable the API asks for, and the axis -log gamma is linear on. */
export type EscapeAgainst = 'BATCH_SIZE' | 'INV_LR' | 'INV_SHARPNESS' | 'INV_DIFFUSION';

const CONTROL: Record<EscapeAgainst, { control: EscapeControl; keys: readonly string[] }> = {
  BATCH_SIZE: { control: 'batchSize', keys: ['batchSize'] },
  // Toy escape runs call the learning rate `eta`; network runs `learningRate`.
  INV_LR: { control: 'learningRate', keys: ['eta', 'learningRate'] },
  INV_SHARPNESS: { control: 'sharpness', keys: ['sharpness'] },
  // SGLD escape sweeps vary the diffusion coefficient D: -log gamma = Delta L / D + const (seed 001 Thm 3.1).
  INV_DIFFUSION: { control: 'diffusion', keys: ['diffusion'] },
};

export interface EscapeGridPoint {
  /** The control value (B, eta, k or D) and its axis value (B, 1/eta, 1/k or 1/D). */
  readonly control: number;
  readonly x: number;
  readonly rate: number;
  readonly rateCI: Interval;
  readonly negLogRate: number;
  readonly meanEscapeTime: number;
  readonly repeats: number;
  readonly censored: number;
  readonly runs: number;
  readonly method: 'exact' | 'censored-mle';
}

export interface EscapeRateFitResult {
  readonly against: EscapeAgainst;
  readonly unit: 'dynamical' | 'iterations';
  readonly points: EscapeGridPoint[];
  /** Null when fewer than 3 usable grid points (the reason says why). */
  readonly fit: {
    readonly slope: number;
    readonly slopeCI: Interval;
    readonly slopeStdErr: number;
    readonly intercept: number;
    readonly interceptStdErr: number;
    readonly r: number;
    readonly reducedChiSquare: number;
    readonly n: number;
  } | null;
  readonly reason: string | null;
  /** Runs left out, with why (not finished, no escape times, no control value). */
  readonly skippedRuns: { readonly runId: string; readonly reason: string }[];
}

function controlValue(run: RunRecord, keys: readonly string[]): number | null {
  for (const key of keys) {
    const v = run.config[key];
    if (typeof v === 'number' && Number.isFinite(v) && v > 0) return v;
  }
  return null;
}

/**
 * The escape law of a sweep's finished escape runs against `against`. Replicates at the same control value are
 * pooled (their times are iid draws of the same exponential). Options: unit (default dynamical time), numerator
 * and level as in the `escape` estimator.
 */
export async function escapeRateFit(
  deps: RepoDeps,
  sweepId: string,
  against: EscapeAgainst,
  rawOptions: Readonly<Record<string, unknown>> = {},
): Promise<EscapeRateFitResult> {
  const spec = CONTROL[against];
  if (!spec)
    throw new PipelineParamsError(
      `escapeRateFit: against must be BATCH_SIZE, INV_LR, INV_SHARPNESS or INV_DIFFUSION`,
    );
  const options = resolveEscapeParams('escapeRateFit', rawOptions);
  const runs = await listSweepRuns(deps, sweepId);
  const groups = new Map<number, { times: number[]; censored: boolean[]; runs: number }>();
  const skippedRuns: { runId: string; reason: string }[] = [];
  for (const run of runs) {
    if (run.kind !== 'escape') {
      skippedRuns.push({ runId: run.id, reason: `kind ${run.kind}` });
      continue;
    }
    if (run.status !== 'finished') {
      skippedRuns.push({ runId: run.id, reason: `status ${run.status}` });
      continue;
    }
    const value = controlValue(run, spec.keys);
    if (value === null) {
      skippedRuns.push({ runId: run.id, reason: `config has no positive ${spec.keys.join(' or ')}` });
      continue;
    }
    let data: { times: Float64Array; censored: boolean[] };
    try {
      data = await readEscapeTimes(deps, run, options.unit);
    } catch (error) {
      skippedRuns.push({ runId: run.id, reason: (error as Error).message });
      continue;
    }
    const g = groups.get(value) ?? { times: [], censored: [], runs: 0 };
    g.times.push(...data.times);
    g.censored.push(...data.censored);
    g.runs++;
    groups.set(value, g);
  }
  const points: EscapeGridPoint[] = [];
  for (const [value, g] of [...groups.entries()].sort((a, b) => a[0] - b[0])) {
    const r = escapeRate(g.times, {
      censored: g.censored,
      level: options.level,
      numerator: options.numerator,
    });
    if (!(r.rate > 0)) continue; // nothing escaped: no rate to put on a log axis
    points.push({
      control: value,
      x: controlAxis(spec.control, value),
      rate: r.rate,
      rateCI: r.rateCI,
      negLogRate: -Math.log(r.rate),
      meanEscapeTime: r.meanTime,
      repeats: r.n,
      censored: r.censored,
      runs: g.runs,
      method: r.method,
    });
  }
  points.sort((a, b) => a.x - b.x);
  if (points.length < 3) {
    return {
      against,
      unit: options.unit,
      points,
      fit: null,
      reason: `need 3 grid points with a rate, have ${points.length}`,
      skippedRuns,
    };
  }
  const law = fitEscapeLaw(
    points.map((p) => ({ x: p.x, rate: p.rate, rateCI: p.rateCI })),
    options.level,
  );
  return {
    against,
    unit: options.unit,
    points,
    fit: {
      slope: law.slope,
      slopeCI: law.slopeCI,
      slopeStdErr: law.slopeStdErr,
      intercept: law.intercept,
      interceptStdErr: law.interceptStdErr,
      r: law.r,
      reducedChiSquare: law.reducedChiSquare,
      n: law.n,
    },
    reason: null,
    skippedRuns,
  };
}

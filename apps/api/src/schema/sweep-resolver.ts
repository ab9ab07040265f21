/**
 * Sweep-level science: escape-rate law fits (seed 001) and phase diagrams (seed 002), computed with
 * @sgdscope/analysis from what the trainer stored (escape-time artifacts; valley-run summaries).
 */
import {
  controlAxis,
  type EscapeControl,
  type EscapePoint,
  escapeRate,
  fitEscapeLaw,
} from '@sgdscope/analysis/escape/index';
import { estimatePhaseBoundary, type Phase, phaseGrid, type RunPhase } from '@sgdscope/analysis/phases/index';
import { readArtifact } from '@sgdscope/db/repo/artifacts';
import { runsOfSweep } from '@sgdscope/db/repo/queries';
import type { RunRecord } from '@sgdscope/db/repo/types';
import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { ApiContext } from '../context.js';
import { apiError } from '../errors.js';
import { authorize } from '../guard.js';
import { EscapeControlEnum } from './enums.js';
import { EscapeRateFit, type EscapeRatePoint, PhaseDiagram } from './types.js';

/** Config key and axis of each escape control (seed 001: -log gamma linear in B, 1/eta, 1/k). */
const CONTROL: Record<EscapeControlEnum, { keys: string[]; control: EscapeControl }> = {
  BATCH_SIZE: { keys: ['batchSize'], control: 'batchSize' },
  INV_LR: { keys: ['eta', 'learningRate'], control: 'learningRate' },
  INV_SHARPNESS: { keys: ['sharpness'], control: 'sharpness' },
};

function configNumber(run: RunRecord, keys: readonly string[]): number | null {
  for (const k of keys) {
    const v = run.config[k];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return null;
}

@Resolver()
export class SweepResolver {
  @Query(() => EscapeRateFit, {
    description:
      "Escape rate per control value of an ESCAPE sweep (replicates pooled; (n-1)/sum t with exact chi-square CI, censored-exponential MLE when some repeats never escaped) and the WLS fit of -log gamma against B, 1/eta or 1/k. Reads each finished run's `escape_time` and `escaped` artifacts.",
  })
  async escapeRateFit(
    @Ctx() ctx: ApiContext,
    @Arg('sweepId', () => ID, { description: 'Sweep.' }) sweepId: string,
    @Arg('against', () => EscapeControlEnum, { description: 'Control variable.' }) against: EscapeControlEnum,
  ): Promise<EscapeRateFit> {
    await authorize(ctx, 'sweep', sweepId, 'VIEWER');
    const spec = CONTROL[against];
    const runs = (await runsOfSweep(ctx.prisma, sweepId)).filter((r) => r.status === 'finished');
    const pooled = new Map<number, { times: number[]; censored: boolean[]; runs: number }>();
    for (const run of runs) {
      const control = configNumber(run, spec.keys);
      if (control === null) continue;
      const times = await readArtifact(ctx.repo, run.id, 'escape_time');
      const escaped = await readArtifact(ctx.repo, run.id, 'escaped');
      if (times.data.length !== escaped.data.length) {
        throw apiError('BAD_USER_INPUT', `run ${run.id}: escape_time and escaped artifacts differ in length`);
      }
      const entry = pooled.get(control) ?? { times: [], censored: [], runs: 0 };
      entry.times.push(...times.data);
      entry.censored.push(...Array.from(escaped.data, (e) => e === 0));
      entry.runs++;
      pooled.set(control, entry);
    }
    const points: EscapeRatePoint[] = [...pooled.entries()]
      .map(([control, e]) => {
        const r = escapeRate(e.times, { censored: e.censored });
        return {
          control,
          x: controlAxis(spec.control, control),
          runs: e.runs,
          n: r.n,
          escaped: r.escaped,
          rate: r.rate,
          ciLower: r.rateCI.lower,
          ciUpper: r.rateCI.upper,
          negLogRate: -Math.log(r.rate),
          method: r.method,
        };
      })
      .sort((a, b) => a.x - b.x);
    const empty = {
      slope: null,
      slopeStdErr: null,
      slopeCiLower: null,
      slopeCiUpper: null,
      intercept: null,
      pearsonR: null,
      reducedChiSquare: null,
    };
    const usable = points.filter((p) => p.rate > 0 && p.ciLower > 0 && p.ciUpper > p.ciLower);
    if (usable.length < 3) {
      return {
        against,
        points,
        ...empty,
        note: `need at least 3 control values with escapes, got ${usable.length}`,
      };
    }
    const fit = fitEscapeLaw(
      usable.map(
        (p): EscapePoint => ({
          x: p.x,
          rate: p.rate,
          rateCI: { lower: p.ciLower, upper: p.ciUpper, level: 0.95 },
        }),
      ),
    );
    return {
      against,
      points,
      slope: fit.slope,
      slopeStdErr: fit.slopeStdErr,
      slopeCiLower: fit.slopeCI.lower,
      slopeCiUpper: fit.slopeCI.upper,
      intercept: fit.intercept,
      pearsonR: fit.r,
      reducedChiSquare: fit.reducedChiSquare,
      note: null,
    };
  }

  @Query(() => PhaseDiagram, {
    description:
      "Phase diagram of a PHASE_DIAGRAM sweep: every finished run's summary.cells ({eta, shiftVariance, phase}) pooled per (eta, Delta_S) cell, with I/II and II/III boundaries per eta (logistic fit of the phase fraction in log Delta_S, bootstrap CI).",
  })
  async phaseDiagram(
    @Ctx() ctx: ApiContext,
    @Arg('sweepId', () => ID, { description: 'Sweep.' }) sweepId: string,
  ): Promise<PhaseDiagram> {
    await authorize(ctx, 'sweep', sweepId, 'VIEWER');
    const runs = (await runsOfSweep(ctx.prisma, sweepId)).filter((r) => r.status === 'finished');
    const classified: RunPhase[] = [];
    for (const run of runs) {
      const cells = (run.summary as { cells?: unknown } | null)?.cells;
      if (!Array.isArray(cells)) continue;
      for (const c of cells as { eta?: unknown; shiftVariance?: unknown; phase?: unknown }[]) {
        if (typeof c.eta !== 'number' || typeof c.shiftVariance !== 'number') continue;
        if (c.phase !== 'I' && c.phase !== 'II' && c.phase !== 'III') continue;
        classified.push({ eta: c.eta, deltaS: c.shiftVariance, phase: c.phase as Phase });
      }
    }
    if (classified.length === 0) return { cells: [], boundaries: [], runs: runs.length };
    const grid = phaseGrid(classified);
    const majority = (counts: Readonly<Record<Phase, number>>): Phase =>
      (['I', 'II', 'III'] as const).reduce((best, p) => (counts[p] > counts[best] ? p : best), 'I' as Phase);
    const boundaries = (['I', 'II'] as const).flatMap((lower) => {
      const upper: Phase = lower === 'I' ? 'II' : 'III';
      return estimatePhaseBoundary(grid, { lower, upper }).points.map((p) => ({
        between: `${lower}/${upper}`,
        eta: p.eta,
        noise: p.deltaS,
        ciLower: p.ci.lower,
        ciUpper: p.ci.upper,
        ciLevel: p.ci.level,
        method: p.method,
      }));
    });
    return {
      cells: grid.cells.map((c) => ({
        eta: c.eta,
        noise: c.deltaS,
        phase: majority(c.counts),
        n: c.n,
        countI: c.counts.I,
        countII: c.counts.II,
        countIII: c.counts.III,
      })),
      boundaries,
      runs: runs.length,
    };
  }
}

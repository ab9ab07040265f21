/**
 * Sweep-level science: escape-rate law fits (seed 001) and phase diagrams (seed 002). The computation is the
 * pipeline's (one implementation, shared with scripts and tests); this resolver authorizes and maps it onto the
 * schema's types.
 */
import { escapeRateFit, MissingDataError, PipelineParamsError, phaseDiagram } from '@sgdscope/pipeline';
import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { ApiContext } from '../context.js';
import { apiError } from '../errors.js';
import { authorize } from '../guard.js';
import { EscapeControlEnum, type RunKindEnum } from './enums.js';
import { EscapeRateFit, PhaseDiagram, Sweep } from './types.js';

function asUserError(error: unknown): never {
  if (error instanceof MissingDataError || error instanceof PipelineParamsError) {
    throw apiError('BAD_USER_INPUT', error.message);
  }
  throw error;
}

@Resolver()
export class SweepResolver {
  @Query(() => [Sweep], {
    description:
      'Sweeps of a project, newest first, each with its number of runs (list the runs with `runs(filter: { sweepId })`). VIEWER or above.',
  })
  async sweeps(
    @Ctx() ctx: ApiContext,
    @Arg('projectId', () => ID, { description: 'Project.' }) projectId: string,
  ): Promise<Sweep[]> {
    await authorize(ctx, 'project', projectId, 'VIEWER');
    const rows = await ctx.repo.prisma.sweep.findMany({
      where: { projectId },
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      include: { _count: { select: { runs: true } } },
    });
    return rows.map(({ _count, ...sweep }) => ({
      ...sweep,
      kind: sweep.kind.toUpperCase() as RunKindEnum,
      runCount: _count.runs,
    }));
  }

  @Query(() => EscapeRateFit, {
    description:
      "Escape rate per control value of an ESCAPE sweep (replicates pooled; (n-1)/sum t with exact chi-square CI, censored-exponential MLE when some repeats never escaped) and the WLS fit of -log gamma against B, 1/eta or 1/k (rates per unit of dynamical time eta * iterations). Reads each finished run's `escape_time` and `escaped` artifacts.",
  })
  async escapeRateFit(
    @Ctx() ctx: ApiContext,
    @Arg('sweepId', () => ID, { description: 'Sweep.' }) sweepId: string,
    @Arg('against', () => EscapeControlEnum, { description: 'Control variable.' }) against: EscapeControlEnum,
  ): Promise<EscapeRateFit> {
    await authorize(ctx, 'sweep', sweepId, 'VIEWER');
    const result = await escapeRateFit(ctx.repo, sweepId, against).catch(asUserError);
    return {
      against,
      points: result.points.map((p) => ({
        control: p.control,
        x: p.x,
        runs: p.runs,
        n: p.repeats,
        escaped: p.repeats - p.censored,
        rate: p.rate,
        ciLower: p.rateCI.lower,
        ciUpper: p.rateCI.upper,
        negLogRate: p.negLogRate,
        method: p.method,
      })),
      slope: result.fit?.slope ?? null,
      slopeStdErr: result.fit?.slopeStdErr ?? null,
      slopeCiLower: result.fit?.slopeCI.lower ?? null,
      slopeCiUpper: result.fit?.slopeCI.upper ?? null,
      intercept: result.fit?.intercept ?? null,
      pearsonR: result.fit?.r ?? null,
      reducedChiSquare: result.fit?.reducedChiSquare ?? null,
      note: result.reason,
    };
  }

  @Query(() => PhaseDiagram, {
    description:
      "Phase diagram of a PHASE_DIAGRAM sweep: every finished run's classified (eta, Delta_S) cells pooled per cell, the I/II boundary per eta where the phase-II fraction crosses 1/2 (logistic fit in log Delta_S, bootstrap CI), the II/III boundary per eta where the phase-III share of II + III crosses 1/2 (same method), and the hyperbola eta * Delta_S = Delta_c fitted to the I/II boundary.",
  })
  async phaseDiagram(
    @Ctx() ctx: ApiContext,
    @Arg('sweepId', () => ID, { description: 'Sweep.' }) sweepId: string,
  ): Promise<PhaseDiagram> {
    await authorize(ctx, 'sweep', sweepId, 'VIEWER');
    const result = await phaseDiagram(ctx.repo, sweepId).catch(asUserError);
    const majority = (c: (typeof result.grid.cells)[number]) =>
      (['I', 'II', 'III'] as const).reduce((best, p) => (c.counts[p] > c.counts[best] ? p : best));
    return {
      cells: result.grid.cells.map((c) => ({
        eta: c.eta,
        noise: c.deltaS,
        phase: majority(c),
        n: c.n,
        countI: c.counts.I,
        countII: c.counts.II,
        countIII: c.counts.III,
      })),
      boundaries: [result.boundary, result.upperBoundary].flatMap((b) =>
        (b?.points ?? []).map((p) => ({
          between: `${b?.lower}/${b?.upper}`,
          eta: p.eta,
          noise: p.deltaS,
          ciLower: p.ci.lower,
          ciUpper: p.ci.upper,
          ciLevel: p.ci.level,
          method: p.method,
        })),
      ),
      runs: result.runsUsed,
      deltaC: result.hyperbola?.deltaC ?? null,
      deltaCLower: result.hyperbola?.deltaCCI.lower ?? null,
      deltaCUpper: result.hyperbola?.deltaCCI.upper ?? null,
      boundarySlope: result.hyperbola?.slope ?? null,
      note: result.boundaryReason ?? result.hyperbolaReason,
    };
  }
}

import type { PhaseCell } from '../../../../../components/charts/Heatmap';
import { ErrorState } from '../../../../../components/ErrorState';
import {
  type AggregateRow,
  type EscapeFit,
  EscapeFitChart,
  MetricVsKey,
  PhaseDiagramChart,
} from '../../../../../components/SweepCharts';
import { ApiError, gql } from '../../../../../lib/api';
import { ESCAPE_AXES } from '../../../../../lib/escape-axes';
import {
  AggregateDocument,
  type EscapeControl,
  EscapeFitDocument,
  PhaseDiagramDocument,
  type PhaseDiagramQuery,
} from '../../../../../lib/generated';

export const dynamic = 'force-dynamic';

type Search = Promise<Record<string, string | string[] | undefined>>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

type PhaseAnswer = NonNullable<PhaseDiagramQuery['phaseDiagram']>;

/** Majority phase and its share per cell, for the heatmap. */
function toCells(answer: PhaseAnswer): PhaseCell[] {
  return answer.cells.map((c) => {
    const counts = { I: c.countI, II: c.countII, III: c.countIII };
    const phase = Object.entries(counts).sort((a, b) => b[1] - a[1])[0][0] as PhaseCell['phase'];
    return { eta: c.eta, noise: c.noise, phase, fraction: c.n ? counts[phase] / c.n : 0, n: c.n };
  });
}

/** Δc of the hyperbola η·ΔS = Δc through the I/II boundary points: the geometric mean of η·ΔS. */
function hyperbolaDeltaC(answer: PhaseAnswer): number | null {
  const pts = answer.boundaries.filter(
    (b) => b.between.includes('II') && !b.between.includes('III') && b.eta > 0 && b.noise > 0,
  );
  if (pts.length === 0) return null;
  return Math.exp(pts.reduce((s, b) => s + Math.log(b.eta * b.noise), 0) / pts.length);
}

/** A sweep: metric vs config key with error bars, escape-rate fits, and the phase diagram where they apply. */
export default async function SweepPage({
  params,
  searchParams,
}: {
  params: Promise<{ projectId: string; sweepId: string }>;
  searchParams: Search;
}) {
  const { projectId, sweepId } = await params;
  const sp = await searchParams;
  const metric = one(sp.metric) ?? 'alpha';
  const window = Number(one(sp.window) ?? 0);
  const x = one(sp.x) ?? 'batchSize';
  const series = one(sp.series);
  let rows: AggregateRow[];
  try {
    rows = (
      await gql(AggregateDocument, {
        projectId,
        groupBy: series ? [x, series] : [x],
        metric: { source: 'SCALAR', name: metric, window },
        filter: { sweepId },
      })
    ).aggregate;
  } catch (e) {
    return <ErrorState error={e} />;
  }
  /** Runs a query whose failure for a sweep of another kind (bad input / not applicable) just hides a figure. */
  const optional = async <T,>(send: () => Promise<T>): Promise<T | null> => {
    try {
      return await send();
    } catch (e) {
      if (e instanceof ApiError && (e.code === 'BAD_USER_INPUT' || e.code === 'GRAPHQL_VALIDATION_FAILED'))
        return null;
      throw e;
    }
  };
  const fits: EscapeFit[] = [];
  for (const against of Object.keys(ESCAPE_AXES) as EscapeControl[]) {
    const f = await optional(() => gql(EscapeFitDocument, { sweepId, against })).catch(() => null);
    if (f?.escapeRateFit && new Set(f.escapeRateFit.points.map((p) => p.x)).size > 1)
      fits.push(f.escapeRateFit);
  }
  const phase = await optional(() => gql(PhaseDiagramDocument, { sweepId })).catch(() => null);

  return (
    <section>
      <p>
        <a href={`/projects/${projectId}?sweep=${sweepId}`}>← runs</a>
      </p>
      <h1>Sweep</h1>
      <form method="get" className="filters" aria-label="Choose the plotted metric">
        <label>
          Metric <input name="metric" defaultValue={metric} size={10} />
        </label>
        <label>
          Window <input name="window" defaultValue={String(window)} size={3} />
        </label>
        <label>
          x key <input name="x" defaultValue={x} size={12} />
        </label>
        <label>
          Series key <input name="series" defaultValue={series ?? ''} size={12} placeholder="e.g. shortcut" />
        </label>
        <button type="submit">Plot</button>
      </form>
      <div className="figures">
        <MetricVsKey rows={rows} xKey={x} seriesKey={series} metric={metric} window={window} />
        {fits.map((f) => (
          <EscapeFitChart key={f.against} fit={f} />
        ))}
        {phase?.phaseDiagram && phase.phaseDiagram.cells.length > 0 ? (
          <PhaseDiagramChart
            cells={toCells(phase.phaseDiagram)}
            boundary={phase.phaseDiagram.boundaries
              .filter((b) => !b.between.includes('III'))
              .map((b) => ({ eta: b.eta, noise: b.noise, lower: b.ciLower, upper: b.ciUpper }))}
            upperBoundary={phase.phaseDiagram.boundaries
              .filter((b) => b.between === 'II/III')
              .map((b) => ({ eta: b.eta, noise: b.noise, lower: b.ciLower, upper: b.ciUpper }))}
            deltaC={hyperbolaDeltaC(phase.phaseDiagram)}
          />
        ) : null}
      </div>
    </section>
  );
}

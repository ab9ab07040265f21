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
import { AGGREGATE, ESCAPE_FIT, PHASE_DIAGRAM } from '../../../../../lib/queries';

export const dynamic = 'force-dynamic';

type Search = Promise<Record<string, string | string[] | undefined>>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

interface PhaseAnswer {
  cells: PhaseCell[];
  boundary: Array<{ eta: number; noise: number; lower?: number; upper?: number }>;
  hyperbola: { deltaC: number; deltaCStdErr: number | null } | null;
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
      await gql<{ aggregate: AggregateRow[] }>(AGGREGATE, {
        projectId,
        groupBy: series ? [x, series] : [x],
        metric: { source: 'SCALAR', name: metric, window },
        filter: { sweepId },
      })
    ).aggregate;
  } catch (e) {
    return <ErrorState error={e} />;
  }
  const optional = async <T,>(q: string, v: Record<string, unknown>): Promise<T | null> => {
    try {
      return await gql<T>(q, v);
    } catch (e) {
      if (e instanceof ApiError && (e.code === 'BAD_USER_INPUT' || e.code === 'GRAPHQL_VALIDATION_FAILED'))
        return null;
      throw e;
    }
  };
  const fits: EscapeFit[] = [];
  for (const against of ['BATCH_SIZE', 'INV_LR', 'INV_SHARPNESS']) {
    const f = await optional<{ escapeRateFit: EscapeFit }>(ESCAPE_FIT, { sweepId, against }).catch(
      () => null,
    );
    if (f?.escapeRateFit && f.escapeRateFit.points.length > 1) fits.push(f.escapeRateFit);
  }
  const phase = await optional<{ phaseDiagram: PhaseAnswer }>(PHASE_DIAGRAM, { sweepId }).catch(() => null);

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
        <MetricVsKey rows={rows} xKey={x} seriesKey={series} metric={metric} />
        {fits.map((f) => (
          <EscapeFitChart key={f.against} fit={f} />
        ))}
        {phase?.phaseDiagram && phase.phaseDiagram.cells.length > 0 ? (
          <PhaseDiagramChart
            cells={phase.phaseDiagram.cells}
            boundary={phase.phaseDiagram.boundary}
            deltaC={phase.phaseDiagram.hyperbola?.deltaC ?? null}
          />
        ) : null}
      </div>
    </section>
  );
}

'use client';

import { runColor } from '../lib/colors';
import { ESCAPE_AXES } from '../lib/escape-axes';
import type { EscapeFitQuery } from '../lib/generated';
import { ChartFrame } from './charts/ChartFrame';
import { ErrorBarChart, type ErrorBarGroup } from './charts/ErrorBarChart';
import { type PhaseCell, PhaseHeatmap } from './charts/Heatmap';
import { LogLogChart } from './charts/LogLogChart';
import { num } from './format';

export interface AggregateRow {
  keys: unknown[];
  n: number;
  mean: number | null;
  ciLower: number | null;
  ciUpper: number | null;
}

/** Metric vs the first group key, one series per value of the second key, mean ± 95% CI over replicates. */
export function MetricVsKey(props: {
  rows: ReadonlyArray<AggregateRow>;
  xKey: string;
  seriesKey?: string;
  metric: string;
  window: number;
}) {
  const groups = new Map<string, ErrorBarGroup['points'][number][]>();
  for (const r of props.rows) {
    const x = Number(r.keys[0]);
    if (!Number.isFinite(x) || r.mean === null) continue;
    const label = props.seriesKey ? `${props.seriesKey}=${String(r.keys[1])}` : props.metric;
    const err = r.ciUpper !== null ? r.ciUpper - r.mean : 0;
    const list = groups.get(label) ?? [];
    list.push({ x, y: r.mean, err, n: r.n });
    groups.set(label, list);
  }
  const series: ErrorBarGroup[] = Array.from(groups.entries()).map(([label, points], i) => ({
    key: label,
    label,
    color: runColor(i),
    points: points.sort((a, b) => a.x - b.x),
  }));
  return (
    <ChartFrame
      id={`sweep-${props.metric}-vs-${props.xKey}`}
      title={`${props.metric} vs ${props.xKey}`}
      caption="Mean ± 95% CI (t-based) over all replicates of each grid point."
      data={props.rows.map((r) => ({
        keys: JSON.stringify(r.keys),
        n: r.n,
        mean: r.mean,
        ciLower: r.ciLower,
        ciUpper: r.ciUpper,
      }))}
      empty={series.length === 0}
      emptyText={
        props.rows.every((r) => r.mean === null)
          ? `No run of this sweep has a finished "${props.metric}" at window ${props.window} yet: pick a metric and window its runs have (window -1 for run-level metrics).`
          : `No group has a numeric ${props.xKey} and a value of "${props.metric}".`
      }
    >
      <ErrorBarChart groups={series} xLabel={props.xKey} yLabel={props.metric} logX />
    </ChartFrame>
  );
}

/** The API's escape-law fit, as the generated client types it. */
export type EscapeFit = EscapeFitQuery['escapeRateFit'];

/** −log γ against the control variable with the weighted fit line and Pearson r (seed 001 Figs. 3–5). */
export function EscapeFitChart({ fit }: { fit: EscapeFit }) {
  const pts = fit.points.filter((p) => p.rate > 0).map((p) => ({ x: p.x, y: p.negLogRate }));
  const xs = pts.map((p) => p.x);
  const { slope, intercept } = fit;
  const line =
    xs.length && slope !== null && intercept !== null
      ? [Math.min(...xs), Math.max(...xs)].map((x) => ({ x, y: intercept + slope * x }))
      : [];
  return (
    <ChartFrame
      id={`escape-${fit.against}`}
      title={`−log γ vs ${ESCAPE_AXES[fit.against]}`}
      caption={`slope ${num(fit.slope)} ± ${num(fit.slopeStdErr)}, Pearson r = ${num(fit.pearsonR, 4)}, ${fit.points.length} grid points${fit.note ? ` — ${fit.note}` : ''}`}
      data={fit.points}
      empty={pts.length === 0}
    >
      <LogLogChart
        logX={false}
        logY={false}
        xLabel={ESCAPE_AXES[fit.against]}
        yLabel="−log γ"
        series={[
          { key: 'points', label: 'measured', color: '#0072B2', points: pts, markers: true },
          { key: 'fit', label: 'weighted fit', color: '#D55E00', dashed: true, points: line },
        ]}
      />
    </ChartFrame>
  );
}

export function PhaseDiagramChart(props: {
  cells: ReadonlyArray<PhaseCell>;
  boundary: ReadonlyArray<{ eta: number; noise: number; lower?: number; upper?: number }>;
  upperBoundary?: ReadonlyArray<{ eta: number; noise: number; lower?: number; upper?: number }>;
  deltaC: number | null;
}) {
  const etas = Array.from(new Set(props.cells.map((c) => c.eta))).sort((a, b) => a - b);
  const analytic = props.deltaC ? etas.map((eta) => ({ eta, noise: (props.deltaC as number) / eta })) : [];
  return (
    <ChartFrame
      id="phase-diagram"
      title="Phase diagram over (η, ΔS)"
      caption={`Cells coloured by majority phase (I: global minimum, II: flattest solution, III: divergence). Filled dots: estimated I/II boundary with CI; hollow dots: II/III boundary with CI; dashed: fitted hyperbola η·ΔS = Δc${props.deltaC ? ` = ${num(props.deltaC)}` : ''}.`}
      data={props.cells.map((c) => ({ ...c }))}
      empty={props.cells.length === 0}
    >
      <PhaseHeatmap
        cells={props.cells}
        boundary={props.boundary}
        upperBoundary={props.upperBoundary}
        analytic={analytic}
      />
    </ChartFrame>
  );
}

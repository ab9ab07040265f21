'use client';

import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { logTicks, thinLogX } from '../../lib/colors';

export interface XYSeries {
  readonly key: string;
  readonly label: string;
  readonly color: string;
  readonly points: ReadonlyArray<{ x: number; y: number }>;
  /** Drawn dashed and thin: fitted power laws, theory overlays. */
  readonly dashed?: boolean;
  /** Draw a marker at every point (measurements, as opposed to curves). */
  readonly markers?: boolean;
}

const fmt = (v: number) =>
  v !== 0 && (Math.abs(v) >= 1e4 || Math.abs(v) < 1e-2) ? v.toExponential(1) : String(+v.toPrecision(3));

/**
 * Several curves on shared axes, log-log by default (MSD per window, β(τ), Δr² vs Δs, MSL vs Δr).
 * Non-positive values are dropped on log axes rather than breaking the chart.
 */
export function LogLogChart(props: {
  series: ReadonlyArray<XYSeries>;
  xLabel: string;
  yLabel: string;
  logX?: boolean;
  logY?: boolean;
  markersX?: ReadonlyArray<{ x: number; label: string; color?: string }>;
  height?: number;
  legend?: boolean;
  /** Most points drawn per curve on a log x axis (thinned evenly in log x). */
  maxPoints?: number;
}) {
  const logX = props.logX ?? true;
  const logY = props.logY ?? true;
  const keep = (p: { x: number; y: number }) =>
    Number.isFinite(p.x) && Number.isFinite(p.y) && (!logX || p.x > 0) && (!logY || p.y > 0);
  const kept = props.series.map((s) => {
    const finite = s.points.filter(keep);
    return logX ? thinLogX(finite, props.maxPoints ?? 200) : finite;
  });
  const xTicks = logX ? logTicks(kept.flatMap((p) => p.map((q) => q.x))) : undefined;
  const yTicks = logY ? logTicks(kept.flatMap((p) => p.map((q) => q.y))) : undefined;
  return (
    <ResponsiveContainer width="100%" height={props.height ?? 320}>
      <LineChart margin={{ top: 8, right: 16, bottom: 24, left: 16 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
        <XAxis
          dataKey="x"
          type="number"
          scale={logX ? 'log' : 'linear'}
          domain={xTicks ? [xTicks[0], xTicks[xTicks.length - 1]] : ['auto', 'auto']}
          ticks={xTicks}
          allowDataOverflow
          tickFormatter={fmt}
          label={{ value: props.xLabel, position: 'insideBottom', offset: -12 }}
        />
        <YAxis
          dataKey="y"
          type="number"
          scale={logY ? 'log' : 'linear'}
          domain={yTicks ? [yTicks[0], yTicks[yTicks.length - 1]] : ['auto', 'auto']}
          ticks={yTicks}
          allowDataOverflow
          tickFormatter={fmt}
          label={{ value: props.yLabel, angle: -90, position: 'insideLeft' }}
        />
        <Tooltip formatter={(v) => (typeof v === 'number' ? fmt(v) : String(v))} />
        {props.legend === false ? null : <Legend verticalAlign="top" height={28} />}
        {props.series.map((s, i) => (
          <Line
            key={s.key}
            name={s.label}
            data={kept[i]}
            dataKey="y"
            stroke={s.color}
            strokeWidth={s.dashed ? 1 : 1.5}
            strokeDasharray={s.dashed ? '5 4' : undefined}
            dot={s.markers ? { r: 3, fill: s.color } : false}
            isAnimationActive={false}
          />
        ))}
        {(props.markersX ?? []).map((m) => (
          <ReferenceLine
            key={`${m.label}-${m.x}`}
            x={m.x}
            stroke={m.color ?? '#888'}
            strokeDasharray="2 2"
            label={m.label}
          />
        ))}
      </LineChart>
    </ResponsiveContainer>
  );
}

'use client';

import {
  Area,
  CartesianGrid,
  ComposedChart,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { logTicks } from '../../lib/colors';
import type { SeriesBuckets } from '../../lib/types';

/**
 * A downsampled per-step series: the mean per bucket as a line inside the bucket's min–max band, so spikes
 * that downsampling would average away stay visible.
 */
export function SeriesChart(props: {
  series: SeriesBuckets;
  logX?: boolean;
  logY?: boolean;
  height?: number;
}) {
  const s = props.series;
  const data = s.stepStart.map((start, i) => ({
    step: Math.max(1, Math.round(((start ?? 0) + (s.stepEnd[i] ?? 0)) / 2)),
    mean: s.mean[i],
    range: s.min[i] !== null && s.max[i] !== null ? [s.min[i], s.max[i]] : null,
  }));
  const positive = (v: number | null) => v !== null && v > 0;
  const logY = (props.logY ?? false) && data.every((d) => d.mean === null || positive(d.mean));
  const xTicks = props.logX ? logTicks(data.map((d) => d.step)) : undefined;
  return (
    <ResponsiveContainer width="100%" height={props.height ?? 260}>
      <ComposedChart data={data} margin={{ top: 8, right: 16, bottom: 24, left: 16 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
        <XAxis
          dataKey="step"
          type="number"
          scale={props.logX ? 'log' : 'linear'}
          domain={xTicks ? [xTicks[0], xTicks[xTicks.length - 1]] : ['auto', 'auto']}
          ticks={xTicks}
          label={{ value: 'step', position: 'insideBottom', offset: -12 }}
        />
        <YAxis scale={logY ? 'log' : 'linear'} domain={['auto', 'auto']} allowDataOverflow />
        <Tooltip />
        <Area
          dataKey="range"
          stroke="none"
          fill="#0072B2"
          fillOpacity={0.18}
          isAnimationActive={false}
          name="min–max"
        />
        <Line dataKey="mean" stroke="#0072B2" dot={false} isAnimationActive={false} name={s.name} />
      </ComposedChart>
    </ResponsiveContainer>
  );
}

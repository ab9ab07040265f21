'use client';

import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

/** Gradient-component histogram (density) on a log y axis with the fitted stable and Gaussian densities over it. */
export function HistogramChart(props: {
  bins: ReadonlyArray<{ x: number; density: number; stable?: number; gaussian?: number }>;
  height?: number;
}) {
  const data = props.bins.map((b) => ({
    x: +b.x.toPrecision(4),
    density: b.density > 0 ? b.density : null,
    stable: b.stable && b.stable > 0 ? b.stable : null,
    gaussian: b.gaussian && b.gaussian > 0 ? b.gaussian : null,
  }));
  return (
    <ResponsiveContainer width="100%" height={props.height ?? 300}>
      <ComposedChart data={data} margin={{ top: 8, right: 16, bottom: 24, left: 16 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
        <XAxis dataKey="x" label={{ value: 'gradient component', position: 'insideBottom', offset: -12 }} />
        <YAxis
          scale="log"
          domain={['auto', 'auto']}
          allowDataOverflow
          label={{ value: 'density', angle: -90, position: 'insideLeft' }}
        />
        <Tooltip />
        <Legend verticalAlign="top" height={28} />
        <Bar dataKey="density" name="histogram" fill="#9ecae1" isAnimationActive={false} />
        <Line dataKey="stable" name="stable fit" stroke="#D55E00" dot={false} isAnimationActive={false} />
        <Line
          dataKey="gaussian"
          name="Gaussian fit"
          stroke="#0072B2"
          strokeDasharray="5 4"
          dot={false}
          isAnimationActive={false}
        />
      </ComposedChart>
    </ResponsiveContainer>
  );
}

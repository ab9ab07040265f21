'use client';

import {
  CartesianGrid,
  ErrorBar,
  Legend,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

export interface ErrorBarGroup {
  readonly key: string;
  readonly label: string;
  readonly color: string;
  /** err is the half-width of the 95% CI. */
  readonly points: ReadonlyArray<{ x: number; y: number; err: number; n: number }>;
}

/** Metric vs a config key, mean ± 95% CI over replicates, one colour per group (seed 000 Fig. 3 style). */
export function ErrorBarChart(props: {
  groups: ReadonlyArray<ErrorBarGroup>;
  xLabel: string;
  yLabel: string;
  logX?: boolean;
  height?: number;
}) {
  return (
    <ResponsiveContainer width="100%" height={props.height ?? 320}>
      <ScatterChart margin={{ top: 8, right: 16, bottom: 24, left: 16 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
        <XAxis
          dataKey="x"
          type="number"
          scale={props.logX ? 'log' : 'linear'}
          domain={['auto', 'auto']}
          label={{ value: props.xLabel, position: 'insideBottom', offset: -12 }}
        />
        <YAxis
          dataKey="y"
          type="number"
          domain={['auto', 'auto']}
          label={{ value: props.yLabel, angle: -90, position: 'insideLeft' }}
        />
        <Tooltip />
        <Legend verticalAlign="top" height={28} />
        {props.groups.map((g) => (
          <Scatter
            key={g.key}
            name={g.label}
            data={[...g.points]}
            fill={g.color}
            line
            isAnimationActive={false}
          >
            <ErrorBar dataKey="err" direction="y" stroke={g.color} width={4} />
          </Scatter>
        ))}
      </ScatterChart>
    </ResponsiveContainer>
  );
}

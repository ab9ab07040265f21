'use client';

import { useState } from 'react';
import { runColor } from '../lib/colors';
import type { AnalysisCurve, RunDetail } from '../lib/types';
import { ChartFrame } from './charts/ChartFrame';
import { LogLogChart, type XYSeries } from './charts/LogLogChart';
import { num, withCi } from './format';

type Run = Pick<RunDetail, 'id' | 'name' | 'config' | 'analyses' | 'metrics'>;

const CURVES: ReadonlyArray<{ name: string; title: string; x: string; y: string; logY?: boolean }> = [
  { name: 'msd', title: 'MSD', x: 'lag τ', y: 'MSD' },
  { name: 'beta', title: 'β(τ)', x: 'lag τ', y: 'β', logY: false },
  { name: 'contour', title: 'Δr² vs Δs', x: 'Δs', y: 'Δr²' },
  { name: 'msl', title: 'MSL vs Δr', x: 'Δr', y: 'MSL' },
];

function curvePoints(c: AnalysisCurve) {
  return c.x.flatMap((x, i) => (x === null || c.y[i] === null ? [] : [{ x, y: c.y[i] as number }]));
}

/**
 * Runs overlaid (one Okabe–Ito colour per run) for a chosen window, plus small multiples per run, an aligned
 * metric table and the config keys that differ.
 */
export function CompareView(props: {
  runs: ReadonlyArray<Run>;
  diff: ReadonlyArray<{ key: string; values: unknown[] }>;
}) {
  const windows = Array.from(
    new Set(
      props.runs.flatMap((r) =>
        r.analyses.flatMap((a) => a.curves.filter((c) => c.name === 'msd').map((c) => c.window)),
      ),
    ),
  ).sort((a, b) => a - b);
  const [win, setWin] = useState<number>(windows[0] ?? 0);
  const metricNames = Array.from(
    new Set(props.runs.flatMap((r) => r.metrics.map((m) => `${m.name}|${m.window}`))),
  ).sort();
  return (
    <div>
      <h2>Config differences</h2>
      {props.diff.length === 0 ? (
        <p className="empty">The configs are identical.</p>
      ) : (
        <table className="diff">
          <thead>
            <tr>
              <th scope="col">Key</th>
              {props.runs.map((r, i) => (
                <th key={r.id} scope="col" style={{ color: runColor(i) }}>
                  {r.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {props.diff.map((d) => (
              <tr key={d.key} className="differs">
                <th scope="row">{d.key}</th>
                {d.values.map((v, i) => (
                  <td key={props.runs[i]?.id ?? i}>
                    {v === null || v === undefined ? '—' : JSON.stringify(v)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Metrics</h2>
      <table className="aligned">
        <thead>
          <tr>
            <th scope="col">Metric (window)</th>
            {props.runs.map((r, i) => (
              <th key={r.id} scope="col" style={{ color: runColor(i) }}>
                {r.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {metricNames.map((key) => {
            const [name, w] = key.split('|');
            return (
              <tr key={key}>
                <th scope="row">{`${name}${Number(w) >= 0 ? ` (w${w})` : ''}`}</th>
                {props.runs.map((r) => (
                  <td key={r.id}>
                    {withCi(r.metrics.find((m) => m.name === name && m.window === Number(w)))}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
      <h2>Curves</h2>
      {windows.length > 1 ? (
        <label>
          Window{' '}
          <select value={win} onChange={(e) => setWin(Number(e.target.value))}>
            {windows.map((w) => (
              <option key={w} value={w}>{`w${w}`}</option>
            ))}
          </select>
        </label>
      ) : null}
      {CURVES.map((spec) => {
        const series: XYSeries[] = props.runs.flatMap((r, i) =>
          r.analyses
            .flatMap((a) => a.curves)
            .filter((c) => c.name === spec.name && (c.window === win || c.window === -1))
            .slice(0, 1)
            .map((c) => ({
              key: `${r.id}-${spec.name}`,
              label: r.name,
              color: runColor(i),
              points: curvePoints(c),
            })),
        );
        return (
          <ChartFrame
            key={spec.name}
            id={`compare-${spec.name}`}
            title={`${spec.title} — overlaid`}
            data={series.flatMap((s) => s.points.map((p) => ({ run: s.label, x: p.x, y: p.y })))}
            empty={series.length === 0}
          >
            <LogLogChart series={series} xLabel={spec.x} yLabel={spec.y} logY={spec.logY} />
          </ChartFrame>
        );
      })}
      <h2>Small multiples (MSD, all windows)</h2>
      <div className="multiples">
        {props.runs.map((r, i) => {
          const curves = r.analyses.flatMap((a) => a.curves).filter((c) => c.name === 'msd');
          return (
            <ChartFrame
              key={r.id}
              id={`multiple-${i}`}
              title={r.name}
              data={curves.flatMap((c) => curvePoints(c).map((p) => ({ window: c.window, ...p })))}
              empty={curves.length === 0}
            >
              <LogLogChart
                height={220}
                maxPoints={80}
                legend={false}
                series={curves.map((c, j) => ({
                  key: `${j}`,
                  label: `w${c.window}`,
                  color: runColor(i),
                  points: curvePoints(c),
                }))}
                xLabel="τ"
                yLabel="MSD"
              />
            </ChartFrame>
          );
        })}
      </div>
      <p className="muted">Values shown with 3 significant digits; {num(props.runs.length)} runs.</p>
    </div>
  );
}

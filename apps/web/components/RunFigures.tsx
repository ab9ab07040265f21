'use client';

import { sequentialColor } from '../lib/colors';
import type { AnalysisCurve, AnalysisResult, RunDetail, ScalarEstimate } from '../lib/types';
import { ChartFrame } from './charts/ChartFrame';
import { HistogramChart } from './charts/HistogramChart';
import { LogLogChart, type XYSeries } from './charts/LogLogChart';
import { SeriesChart } from './charts/SeriesChart';
import { num, withCi } from './format';

function points(c: AnalysisCurve): Array<{ x: number; y: number }> {
  const out: Array<{ x: number; y: number }> = [];
  for (let i = 0; i < c.x.length; i++) {
    const y = c.y[i];
    const x = c.x[i];
    if (x !== null && y !== null && Number.isFinite(y)) out.push({ x, y });
  }
  return out;
}

function curvesNamed(analyses: ReadonlyArray<AnalysisResult>, name: string): AnalysisCurve[] {
  return analyses.flatMap((a) => a.curves.filter((c) => c.name === name)).sort((a, b) => a.window - b.window);
}

function scalarsNamed(analyses: ReadonlyArray<AnalysisResult>, name: string): ScalarEstimate[] {
  return analyses.flatMap((a) => a.scalars.filter((s) => s.name === name));
}

/** Per-window curves coloured by window start tw on the viridis map (early = dark, late = yellow). */
function byWindow(curves: ReadonlyArray<AnalysisCurve>, label: string): XYSeries[] {
  const n = Math.max(1, curves.length - 1);
  return curves.map((c, i) => ({
    key: `${c.name}-${c.window}`,
    label: `${label} tw=${c.tw ?? c.window}`,
    color: sequentialColor(i / n),
    points: points(c),
  }));
}

/** Power law a·τ^α through the window's MSD at its first lag, for the fitted exponent. */
function fitLines(msd: ReadonlyArray<AnalysisCurve>, alphas: ReadonlyArray<ScalarEstimate>): XYSeries[] {
  return msd.flatMap((c, i) => {
    const a = alphas.find((s) => s.window === c.window);
    const p = points(c);
    if (!a || p.length < 2) return [];
    const mid = p[Math.floor(p.length / 2)];
    const first = p[0];
    const last = p[p.length - 1];
    const at = (x: number) => mid.y * (x / mid.x) ** a.value;
    return [
      {
        key: `fit-${c.window}`,
        label: `fit α=${num(a.value)}`,
        color: sequentialColor(i / Math.max(1, msd.length - 1)),
        dashed: true,
        points: [
          { x: first.x, y: at(first.x) },
          { x: last.x, y: at(last.x) },
        ],
      },
    ];
  });
}

function rowsOf(series: ReadonlyArray<XYSeries>): Array<Record<string, unknown>> {
  return series.flatMap((s) => s.points.map((p) => ({ curve: s.label, x: p.x, y: p.y })));
}

export function RunFigures({ run }: { run: RunDetail }) {
  const a = run.analyses.filter((r) => r.status === 'DONE');
  const loss = run.series.find((s) => s.name === 'loss');
  const otherSeries = run.series.filter((s) => s.name !== 'loss');
  const msd = curvesNamed(a, 'msd');
  const alphas = scalarsNamed(a, 'alpha');
  const tau0 = scalarsNamed(a, 'tau0');
  const msdSeries = [...byWindow(msd, 'MSD'), ...fitLines(msd, alphas)];
  const beta = byWindow(curvesNamed(a, 'beta'), 'β');
  const contour = byWindow(curvesNamed(a, 'contour'), 'Δr²');
  const msl = byWindow(curvesNamed(a, 'msl'), 'MSL');
  const hessian = curvesNamed(a, 'hessianEig');
  const movvar = curvesNamed(a, 'lossMovVar');
  const hist = curvesNamed(a, 'gradHist');
  const known = new Set([
    'msd',
    'beta',
    'contour',
    'msl',
    'hessianEig',
    'lossMovVar',
    'gradHist',
    'trajectory2d',
  ]);
  const others = a.flatMap((r) => r.curves.filter((c) => !known.has(c.name)));
  const otherNames = Array.from(new Set(others.map((c) => c.name)));

  return (
    <div className="figures">
      <ChartFrame
        id="loss"
        title="Minibatch loss"
        caption="Mean per step bucket (log-spaced in time) inside the bucket's min–max band."
        data={
          loss
            ? loss.stepStart.map((s, i) => ({
                step: s,
                mean: loss.mean[i],
                min: loss.min[i],
                max: loss.max[i],
              }))
            : []
        }
        empty={!loss}
      >
        {loss ? <SeriesChart series={loss} logX /> : null}
      </ChartFrame>
      {movvar.length > 0 ? (
        <ChartFrame
          id="loss-movvar"
          title="Moving variance of the loss"
          data={rowsOf(byWindow(movvar, 'var'))}
        >
          <LogLogChart
            series={byWindow(movvar, 'var')}
            xLabel="step"
            yLabel="Var L (101-step window)"
            logX={false}
            legend={false}
          />
        </ChartFrame>
      ) : null}
      <ChartFrame
        id="msd"
        title="Mean squared displacement per window"
        caption={
          <>
            Time-averaged MSD(τ) for each window, coloured by window start tw (viridis: dark = early). Dashed:
            fitted power laws. α per window:{' '}
            {alphas.map((s) => `w${s.window}: ${withCi(s)}`).join('; ') || '—'}. τ0:{' '}
            {tau0.map((s) => `w${s.window}: ${num(s.value)}`).join('; ') || '—'}.
          </>
        }
        data={rowsOf(msdSeries)}
        empty={msd.length === 0}
      >
        <LogLogChart
          series={msdSeries}
          xLabel="lag τ (steps)"
          yLabel="MSD"
          legend={msd.length <= 8}
          markersX={tau0.filter((t) => t.window === 0).map((t) => ({ x: t.value, label: 'τ0' }))}
        />
      </ChartFrame>
      <ChartFrame
        id="beta"
        title="Log-derivative β(τ)"
        caption="β = Δ ln MSD / Δ ln τ over 20 lags; β > 1 superdiffusive."
        data={rowsOf(beta)}
        empty={beta.length === 0}
      >
        <LogLogChart series={beta} xLabel="lag τ" yLabel="β" logY={false} legend={beta.length <= 8} />
      </ChartFrame>
      <ChartFrame
        id="grad-hist"
        title="Gradient components: histogram and stable fit"
        caption={`αdist per window: ${
          scalarsNamed(a, 'alphaDist')
            .map((s) => `w${s.window}: ${withCi(s)}`)
            .join('; ') || '—'
        }`}
        data={hist.flatMap((c) => c.x.map((x, i) => ({ window: c.window, x, density: c.y[i] })))}
        empty={hist.length === 0}
      >
        {hist.length > 0 ? (
          <HistogramChart
            bins={hist[hist.length - 1].x.flatMap((x, i) => {
              const meta = hist[hist.length - 1].meta as { stable?: number[]; gaussian?: number[] } | null;
              // FloatList bins may hold null where the API had no finite value: such a bin cannot be drawn.
              if (x === null) return [];
              return [
                {
                  x,
                  density: hist[hist.length - 1].y[i] ?? 0,
                  stable: meta?.stable?.[i],
                  gaussian: meta?.gaussian?.[i],
                },
              ];
            })}
          />
        ) : null}
      </ChartFrame>
      <ChartFrame
        id="contour"
        title="End-to-end distance vs contour length"
        caption={`Δr² ~ Δs^λ, Df = 2/λ: ${withCi(scalarsNamed(a, 'Df')[0])}; λ = ${withCi(scalarsNamed(a, 'lambda')[0])}`}
        data={rowsOf(contour)}
        empty={contour.length === 0}
      >
        <LogLogChart series={contour} xLabel="contour length Δs" yLabel="Δr²" legend={contour.length <= 8} />
      </ChartFrame>
      <ChartFrame
        id="msl"
        title="Mean squared loss vs distance"
        caption={`MSL ~ Δr^(2H): 2H = ${withCi(scalarsNamed(a, 'mslExponent')[0])}`}
        data={rowsOf(msl)}
        empty={msl.length === 0}
      >
        <LogLogChart series={msl} xLabel="distance Δr" yLabel="MSL" legend={msl.length <= 8} />
      </ChartFrame>
      <ChartFrame
        id="hessian"
        title="Top Hessian eigenvalues over training"
        data={rowsOf(byWindow(hessian, 'λ'))}
        empty={hessian.length === 0}
      >
        <LogLogChart
          series={hessian.map((c, i) => ({
            key: `h${i}`,
            label: `λ${c.window + 1}`,
            color: sequentialColor(i / Math.max(1, hessian.length - 1)),
            points: points(c),
          }))}
          xLabel="step"
          yLabel="eigenvalue"
          logX={false}
          logY={false}
          legend={hessian.length <= 10}
        />
      </ChartFrame>
      {otherSeries.map((s) => (
        <ChartFrame
          key={s.name}
          id={`series-${s.name}`}
          title={`Series: ${s.name}`}
          data={s.stepStart.map((st, i) => ({ step: st, mean: s.mean[i] }))}
        >
          <SeriesChart series={s} logX />
        </ChartFrame>
      ))}
      {otherNames.map((name) => {
        const series = byWindow(
          others.filter((c) => c.name === name),
          name,
        );
        return (
          <ChartFrame key={name} id={`curve-${name}`} title={name} data={rowsOf(series)}>
            <LogLogChart
              series={series}
              xLabel="x"
              yLabel={name}
              logX={false}
              logY={false}
              legend={series.length <= 8}
            />
          </ChartFrame>
        );
      })}
    </div>
  );
}

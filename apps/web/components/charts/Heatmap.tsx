'use client';

import { useId } from 'react';
import { logGridIndex } from '../../lib/grid-scale';

/**
 * Phase diagram over a log-log (η, ΔS) grid. recharts has no heatmap, so this is plain SVG: one rect per cell,
 * coloured by the majority phase, opacity by its fraction; boundary points and an analytic curve on top. The
 * axes are index axes with log interpolation between grid values (see `logGridIndex`).
 */
export interface PhaseCell {
  readonly eta: number;
  readonly noise: number;
  readonly phase: 'I' | 'II' | 'III';
  readonly fraction: number;
  readonly n: number;
}

const PHASE_COLORS = { I: '#0072B2', II: '#E69F00', III: '#999999' } as const;

export function PhaseHeatmap(props: {
  cells: ReadonlyArray<PhaseCell>;
  boundary?: ReadonlyArray<{ eta: number; noise: number; lower?: number; upper?: number }>;
  /** II/III boundary points, drawn hollow. */
  upperBoundary?: ReadonlyArray<{ eta: number; noise: number; lower?: number; upper?: number }>;
  analytic?: ReadonlyArray<{ eta: number; noise: number }>;
  width?: number;
  height?: number;
}) {
  // Curves and error bars are clipped to the grid, so the fitted hyperbola never runs through the legend band.
  const clipId = `phase-grid-${useId().replace(/:/g, '')}`;
  const W = props.width ?? 560;
  const H = props.height ?? 420;
  // The legend gets its own band above the grid (it used to sit inside the top row and hide its cells).
  const legendBand = { top: 6, height: 12 };
  const m = { l: 64, r: 16, t: legendBand.top + legendBand.height + 10, b: 48 };
  const etas = Array.from(new Set(props.cells.map((c) => c.eta))).sort((a, b) => a - b);
  const noises = Array.from(new Set(props.cells.map((c) => c.noise))).sort((a, b) => a - b);
  if (etas.length === 0 || noises.length === 0) return <p className="empty">No cells.</p>;
  const cw = (W - m.l - m.r) / etas.length;
  const ch = (H - m.t - m.b) / noises.length;
  // Cells sit at their grid index, so columns tile without gaps on grids that are not log-uniform; curves and
  // boundary points go through the same index mapping (linear in log between grid values).
  const etaIndex = logGridIndex(etas);
  const noiseIndex = logGridIndex(noises);
  const px = (eta: number) => m.l + (etaIndex(eta) + 0.5) * cw;
  const py = (s: number) => H - m.b - (noiseIndex(s) + 0.5) * ch;
  const inside = (p: { eta: number; noise: number }) => p.eta > 0 && p.noise > 0;
  return (
    <svg
      data-chart="phase"
      width={W}
      height={H}
      role="img"
      aria-label="Phase diagram over learning rate and noise"
    >
      <defs>
        <clipPath id={clipId}>
          <rect x={m.l} y={m.t} width={W - m.l - m.r} height={H - m.t - m.b} />
        </clipPath>
      </defs>
      {props.cells.map((c) => (
        <rect
          key={`${c.eta}-${c.noise}`}
          data-cell={c.phase}
          x={px(c.eta) - cw / 2}
          y={py(c.noise) - ch / 2}
          width={cw}
          height={ch}
          fill={PHASE_COLORS[c.phase]}
          fillOpacity={0.25 + 0.75 * c.fraction}
        >
          <title>{`η=${c.eta} ΔS=${c.noise}: phase ${c.phase} (${Math.round(c.fraction * 100)}% of ${c.n})`}</title>
        </rect>
      ))}
      {props.analytic && props.analytic.length > 1 ? (
        <polyline
          clipPath={`url(#${clipId})`}
          fill="none"
          stroke="#000"
          strokeDasharray="6 4"
          points={props.analytic
            .filter(inside)
            .map((p) => `${px(p.eta)},${py(p.noise)}`)
            .join(' ')}
        />
      ) : null}
      {(props.boundary ?? []).filter(inside).map((b) => (
        <g key={`b-${b.eta}`}>
          {b.lower && b.upper ? (
            <line
              clipPath={`url(#${clipId})`}
              x1={px(b.eta)}
              x2={px(b.eta)}
              y1={py(b.lower)}
              y2={py(b.upper)}
              stroke="#000"
            />
          ) : null}
          <circle cx={px(b.eta)} cy={py(b.noise)} r={3.5} fill="#000" />
        </g>
      ))}
      {(props.upperBoundary ?? []).filter(inside).map((b) => (
        <g key={`u-${b.eta}`} data-boundary="II/III">
          {b.lower && b.upper ? (
            <line
              clipPath={`url(#${clipId})`}
              x1={px(b.eta)}
              x2={px(b.eta)}
              y1={py(b.lower)}
              y2={py(b.upper)}
              stroke="#000"
            />
          ) : null}
          <circle cx={px(b.eta)} cy={py(b.noise)} r={3.5} fill="#fff" stroke="#000" strokeWidth={1.5} />
        </g>
      ))}
      {etas.map((e) => (
        <text key={`xt-${e}`} x={px(e)} y={H - m.b + 14} fontSize={10} textAnchor="middle">
          {e.toPrecision(2)}
        </text>
      ))}
      {noises.map((s) => (
        <text key={`yt-${s}`} x={m.l - 6} y={py(s) + 3} fontSize={10} textAnchor="end">
          {s.toPrecision(2)}
        </text>
      ))}
      <text x={(W + m.l) / 2} y={H - 8} textAnchor="middle" fontSize={12}>
        learning rate η (log)
      </text>
      <text transform={`translate(14 ${(H - m.b) / 2}) rotate(-90)`} textAnchor="middle" fontSize={12}>
        noise ΔS (log)
      </text>
      <g data-legend="phase">
        {(['I', 'II', 'III'] as const).map((p, i) => (
          <g key={p} transform={`translate(${m.l + i * 90} ${legendBand.top})`}>
            <rect width={legendBand.height} height={legendBand.height} fill={PHASE_COLORS[p]} />
            <text x={16} y={10} fontSize={11}>{`phase ${p}`}</text>
          </g>
        ))}
      </g>
    </svg>
  );
}

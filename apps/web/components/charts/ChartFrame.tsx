'use client';

import { type ReactNode, useRef } from 'react';
import { exportCsv, exportPng, exportSvg } from '../../lib/export';

/**
 * Every figure sits in a frame with a title, a caption that says what is plotted (for screen readers too),
 * and export buttons for SVG, PNG and the plotted data as CSV.
 */
export function ChartFrame(props: {
  id: string;
  title: string;
  caption?: ReactNode;
  data: ReadonlyArray<Record<string, unknown>>;
  children: ReactNode;
  empty?: boolean;
  /** What to say instead of the figure when `empty` (default: no data yet). */
  emptyText?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  return (
    <figure className="chart" data-chart-id={props.id} aria-labelledby={`${props.id}-title`}>
      <div className="chart-head">
        <h3 id={`${props.id}-title`}>{props.title}</h3>
        <div className="chart-actions">
          <button type="button" onClick={() => exportSvg(ref.current, props.id)} disabled={props.empty}>
            SVG
          </button>
          <button type="button" onClick={() => exportPng(ref.current, props.id)} disabled={props.empty}>
            PNG
          </button>
          <button type="button" onClick={() => exportCsv(props.data, props.id)} disabled={props.empty}>
            CSV
          </button>
        </div>
      </div>
      <div ref={ref} className="chart-body">
        {props.empty ? (
          <p className="empty">{props.emptyText ?? 'No data yet for this figure.'}</p>
        ) : (
          props.children
        )}
      </div>
      {props.caption ? <figcaption>{props.caption}</figcaption> : null}
    </figure>
  );
}

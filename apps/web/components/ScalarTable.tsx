import type { AnalysisResult } from '../lib/types';
import { num } from './format';

/** Every scalar of every analysis with its CI and the estimator version that produced it. */
export function ScalarTable({ analyses }: { analyses: ReadonlyArray<AnalysisResult> }) {
  const rows = analyses.flatMap((a) => a.scalars.map((s) => ({ a, s })));
  if (rows.length === 0) return <p className="empty">No analysis results yet.</p>;
  return (
    <table className="scalars">
      <thead>
        <tr>
          <th scope="col">Metric</th>
          <th scope="col">Window</th>
          <th scope="col">Value</th>
          <th scope="col">Std. err.</th>
          <th scope="col">CI</th>
          <th scope="col">Estimator</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(({ a, s }) => (
          <tr key={`${a.id}-${s.name}-${s.window}`}>
            <td>{s.name}</td>
            <td>{s.window < 0 ? 'run' : s.window}</td>
            <td>{num(s.value, 4)}</td>
            <td>{num(s.stdErr, 2)}</td>
            <td>
              {s.ciLower !== null && s.ciUpper !== null
                ? `[${num(s.ciLower)}, ${num(s.ciUpper)}]${s.ciLevel ? ` (${Math.round(s.ciLevel * 100)}%)` : ''}`
                : '—'}
            </td>
            <td>
              {a.estimator} <code>{a.estimatorVersion}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

import type { ScalarEstimate } from '../lib/types';

/** A number with 3–4 significant digits; exponent form for very large or small magnitudes. */
export function num(v: number | null | undefined, digits = 3): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(digits - 1);
  return String(+v.toPrecision(digits));
}

/** "1.23 [1.10, 1.35]" or "1.23 ± 0.05": every scalar shown with its uncertainty when it has one. */
export function withCi(s: ScalarEstimate | undefined): string {
  if (!s) return '—';
  if (s.ciLower !== null && s.ciUpper !== null)
    return `${num(s.value)} [${num(s.ciLower)}, ${num(s.ciUpper)}]`;
  if (s.stdErr !== null) return `${num(s.value)} ± ${num(s.stdErr, 2)}`;
  return num(s.value);
}

/** The run-level value of a metric, or the first window's when the metric is per window. */
export function pickMetric(
  metrics: ReadonlyArray<ScalarEstimate>,
  name: string,
  window?: number,
): ScalarEstimate | undefined {
  const matches = metrics.filter((m) => m.name === name);
  if (window !== undefined) return matches.find((m) => m.window === window);
  return matches.find((m) => m.window === -1) ?? matches.sort((a, b) => a.window - b.window)[0];
}

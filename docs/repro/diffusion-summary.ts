/**
 * Seed-to-seed spread of the windowed diffusion metrics (seed 000 §3): reads several `sgdscope analyze trajectory
 * --json` outputs of replicate runs and prints, per window, mean ± SD over runs of alpha, tau0, alphaShort and
 * alphaLong (the OLS standard errors understate this spread; see packages/analysis/README.md), and each run's t0.
 *
 * Run: npx tsx docs/repro/diffusion-summary.ts run1.json run2.json ...
 */
import { readFileSync } from 'node:fs';

interface WindowJson {
  readonly tw: number;
  readonly alpha: number;
  readonly tau0: number | null;
  readonly alphaShort: number | null;
  readonly alphaLong: number | null;
}
interface TrajectoryJson {
  readonly t0: number | null;
  readonly windows: WindowJson[];
}

const runs = process.argv.slice(2).map((f) => JSON.parse(readFileSync(f, 'utf8')) as TrajectoryJson);
function stat(values: (number | null)[]): string {
  const xs = values.filter((v): v is number => v !== null);
  if (xs.length === 0) return 'n/a';
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, xs.length - 1));
  return `${mean.toFixed(3)} ± ${sd.toFixed(3)} (n=${xs.length})`;
}
console.log(`runs: ${runs.length}; t0 per run: ${runs.map((r) => String(r.t0)).join(', ')}`);
for (let w = 0; w < runs[0].windows.length; w++) {
  const at = runs.map((r) => r.windows[w]);
  console.log(
    `tw=${at[0].tw}: alpha ${stat(at.map((x) => x.alpha))}; tau0 ${stat(at.map((x) => x.tau0))}; ` +
      `alphaShort ${stat(at.map((x) => x.alphaShort))}; alphaLong ${stat(at.map((x) => x.alphaLong))}`,
  );
}

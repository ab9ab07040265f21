/**
 * Seed 002 near the I/II transition (science-spec §2.3 critical exponents, §3.4): reads a one-eta
 * phase_diagram run, locates Delta_c at the search-time peak (`peakLocation`), and fits on each side the
 * search-time exponent t_s ~ |Delta - Delta_c|^-nu (mean field: nu = 1) and, above Delta_c, the order parameter
 * x_s^2 ~ (Delta - Delta_c)^1, with Delta = eta * Delta_S the effective noise level.
 *
 * Run: npx tsx docs/repro/phase-critical.ts <out>/valley-critical
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fitCriticalExponent, peakLocation } from '@sgdscope/analysis';

interface Cell {
  readonly eta: number;
  readonly shiftVariance: number;
  readonly phase: string;
  readonly phaseCounts: Record<string, number>;
  readonly medianAbsX: number | null;
  readonly searchTime: number | null;
}

const record = JSON.parse(readFileSync(join(process.argv[2], 'run.json'), 'utf8')) as {
  summary: { cells: Cell[] };
};
const cells = record.summary.cells.filter((c) => c.searchTime !== null && c.medianAbsX !== null);
for (const c of record.summary.cells) {
  console.log(
    `Delta=${(c.eta * c.shiftVariance).toPrecision(4)} phase ${c.phase} (I/II/III ${c.phaseCounts.I}/${c.phaseCounts.II}/${c.phaseCounts.III}) ` +
      `median|x| ${c.medianAbsX?.toFixed(4)} t_s ${c.searchTime?.toFixed(1)}`,
  );
}
const delta = cells.map((c) => c.eta * c.shiftVariance);
const ts = cells.map((c) => c.searchTime as number);
const xs2 = cells.map((c) => (c.medianAbsX as number) ** 2);
const deltaC = peakLocation(delta, ts);
console.log(`Delta_c at the search-time peak: ${deltaC.toPrecision(4)}`);
const describe = (label: string, f: ReturnType<typeof fitCriticalExponent>) =>
  console.log(
    `${label}: exponent ${f.exponent.toFixed(3)} ± ${f.stdErr.toFixed(3)} CI [${f.ci.lower.toFixed(3)}, ${f.ci.upper.toFixed(3)}] r ${f.r.toFixed(3)} n ${f.n}`,
  );
for (const side of ['below', 'above'] as const) {
  try {
    describe(`t_s ${side} Delta_c`, fitCriticalExponent(delta, ts, deltaC, side));
  } catch (e) {
    console.log(`t_s ${side}: ${(e as Error).message}`);
  }
}
try {
  describe('x_s^2 above Delta_c', fitCriticalExponent(delta, xs2, deltaC, 'above'));
} catch (e) {
  console.log(`x_s^2 above: ${(e as Error).message}`);
}

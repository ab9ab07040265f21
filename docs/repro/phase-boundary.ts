/**
 * Seed 002 (supplement; science-spec §2.3, §3.4): reads a `sgdscope train` phase_diagram run directory and
 * estimates the I/II boundary per learning rate (logistic fit of the phase-II fraction in log Delta_S,
 * bootstrap CI), fits the hyperbola eta Delta_S = Delta_c (`fitHyperbola`, with the free log-log slope, -1
 * expected), the II/III boundary the same way, and the steady-state <y^2> growth exponent in Delta_S.
 *
 * Run: npx tsx docs/repro/phase-boundary.ts <out>/valley-phase
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  estimatePhaseBoundary,
  fitHyperbola,
  fitLine,
  type Phase,
  phaseGrid,
  type RunPhase,
} from '@sgdscope/analysis';

interface Cell {
  readonly eta: number;
  readonly shiftVariance: number;
  readonly phase: Phase;
  readonly phaseCounts: Record<Phase, number>;
  readonly meanVarY: number | null;
  readonly medianAbsX: number | null;
  readonly searchTime: number | null;
}

const runDir = process.argv[2];
const record = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as { summary: { cells: Cell[] } };
const cells = record.summary.cells;
const runs: RunPhase[] = [];
for (const c of cells) {
  for (const phase of ['I', 'II', 'III'] as const) {
    for (let i = 0; i < c.phaseCounts[phase]; i++) runs.push({ eta: c.eta, deltaS: c.shiftVariance, phase });
  }
}
const etas = [...new Set(cells.map((c) => c.eta))];
console.log('phase map (rows eta, columns Delta_S; cell phase, then counts I/II/III):');
for (const eta of etas) {
  const row = cells.filter((c) => c.eta === eta);
  console.log(
    `eta=${eta}: ` +
      row
        .map(
          (c) => `${c.shiftVariance}:${c.phase}(${c.phaseCounts.I}/${c.phaseCounts.II}/${c.phaseCounts.III})`,
        )
        .join(' '),
  );
}
const grid = phaseGrid(runs);
const lowerUpper: [Phase, Phase][] = [
  ['I', 'II'],
  ['II', 'III'],
];
for (const [lower, upper] of lowerUpper) {
  const boundary = estimatePhaseBoundary(grid, { lower, upper, resamples: 400, seed: 1 });
  console.log(`${lower}/${upper} boundary:`);
  for (const p of boundary.points) {
    console.log(
      `  eta=${p.eta} Delta_S*=${p.deltaS.toPrecision(3)} CI [${p.ci.lower.toPrecision(3)}, ${p.ci.upper.toPrecision(3)}] ` +
        `eta*Delta_S*=${(p.eta * p.deltaS).toPrecision(3)} (${p.method}, ${p.cells} cells)`,
    );
  }
  if (boundary.noCrossing.length > 0) console.log(`  no crossing at eta = ${boundary.noCrossing.join(', ')}`);
  // Only the I/II boundary is predicted to be a hyperbola; II/III is asymmetric in (eta, Delta_S) (spec §2.3).
  if (lower === 'I' && boundary.points.length >= 2) {
    const h = fitHyperbola(boundary.points);
    console.log(
      `  hyperbola eta*Delta_S = Delta_c: Delta_c ${h.deltaC.toPrecision(3)} CI [${h.deltaCCI.lower.toPrecision(3)}, ` +
        `${h.deltaCCI.upper.toPrecision(3)}]; free slope of log Delta_S* on log eta ${h.slope.toFixed(3)} +- ${h.slopeStdErr.toFixed(3)} (n=${h.n})`,
    );
  }
}
// Seed 002: steady-state variance of y grows linearly with Delta_S (slope 1 in log-log), per eta over non-diverged cells.
for (const eta of etas) {
  const ok = cells.filter((c) => c.eta === eta && c.phase !== 'III' && c.meanVarY !== null && c.meanVarY > 0);
  if (ok.length < 3) continue;
  const fit = fitLine(
    ok.map((c) => Math.log(c.shiftVariance)),
    ok.map((c) => Math.log(c.meanVarY as number)),
  );
  console.log(
    `eta=${eta}: <y^2> ~ Delta_S^s, s = ${fit.slope.toFixed(3)} +- ${fit.slopeStdErr.toFixed(3)} over ${ok.length} cells`,
  );
}

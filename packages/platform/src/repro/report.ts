/**
 * Markdown tables of the reproduction results. Each table is a named section; docs/reproduction.md holds
 * the same sections between `<!-- repro:NAME -->` and `<!-- /repro:NAME -->` markers, which `--write-report`
 * rewrites, so the report's numbers are always the ones the platform measured (prose around them is written
 * by people and says what the numbers mean).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { DiffusionWindow, ReproResults, Spread } from './measure.js';

export const REPORT_PATH = fileURLToPath(new URL('../../../../docs/reproduction.md', import.meta.url));

function f(v: number | null | undefined, digits = 3): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits);
}

/** t0 is null when no window is one power law within the RMSE threshold (the seed's regime 2 never starts). */
function t0Text(v: number | null): string {
  return v === null ? 'none' : f(v, 0);
}

function pm(s: Spread | null, digits = 3): string {
  return s ? `${f(s.mean, digits)} ± ${f(s.sd, digits)}` : '–';
}

function ci(lower: number | null, upper: number | null, digits = 3): string {
  return lower === null || upper === null ? '' : ` [${f(lower, digits)}, ${f(upper, digits)}]`;
}

function table(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

function tw(w: DiffusionWindow): string {
  return w.tw === null ? String(w.window) : String(w.tw);
}

const FIRST_WINDOWS = 5;
const LONG_WINDOWS = [5, 8, 10, 12, 15, 17, 19];

function diffusionMain(r: ReproResults): string {
  const geo = new Map(r.geometry.windows.map((w) => [w.window, w]));
  const msl = new Map(r.msl.windows.map((w) => [w.window, w]));
  const rows = r.diffusion.windows
    .slice(0, FIRST_WINDOWS)
    .map((w) => [
      tw(w),
      w.alphaStdErr === null ? f(w.alpha) : `${f(w.alpha)} ± ${f(w.alphaStdErr)}`,
      f(w.rmse),
      f(w.tau0, 0),
      f(w.alphaShort),
      f(w.alphaLong),
      f(w.betaAbove1From, 0),
      `${f(geo.get(w.window)?.Df, 2)} (${f(geo.get(w.window)?.lambda, 2)})`,
      f(msl.get(w.window)?.twoH, 2),
    ]);
  return `${table(['window t_w', 'α (full range)', 'RMSE', 'τ0', 'α below τ0', 'α above τ0', 'β > 1 from τ =', 'Df (λ)', '2H (MSL)'], rows)}

α ± its stored standard error (a coordinate jackknife over 16 weight groups from \`diffusion-3\` on; see §1.1 for the seed-to-seed spread). t0 = ${t0Text(r.diffusion.t0)} (\`diffusion\` ${r.diffusion.version}, params ${JSON.stringify(r.diffusion.params)}; Df by \`geometry\` ${r.geometry.version} and 2H by \`msl\` ${r.msl.version}, both on a 256-dimensional JL sketch).`;
}

function diffusionReplicates(r: ReproResults): string {
  const rows = r.diffusion.replicates.perWindow
    .slice(0, FIRST_WINDOWS)
    .map((w) => [String(w.window * 1000), pm(w.alpha), pm(w.tau0, 1), pm(w.alphaShort), pm(w.alphaLong)]);
  return `${table(['t_w', 'α (full)', 'τ0', 'α below τ0', 'α above τ0'], rows)}

Mean ± SD over ${r.diffusion.replicates.runIds.length} runs (seeds 0, 5, 6); t0 per run: ${r.diffusion.replicates.t0.map(t0Text).join(', ')}.`;
}

function diffusionLong(r: ReproResults): string {
  const ws = r.diffusion.windows.filter((w) => LONG_WINDOWS.includes(w.window));
  const header = ['t_w', ...ws.map(tw)];
  return table(header, [
    ['α (full)', ...ws.map((w) => f(w.alpha))],
    ['τ0', ...ws.map((w) => f(w.tau0, 0))],
    ['α below τ0', ...ws.map((w) => f(w.alphaShort))],
    ['α above τ0', ...ws.map((w) => f(w.alphaLong))],
    ['Df', ...ws.map((w) => f(r.geometry.windows.find((g) => g.window === w.window)?.Df, 2))],
  ]);
}

function diffusionEq3(r: ReproResults): string {
  const ws = r.diffusion.eq3.windows.slice(0, 4);
  return `${table(
    ['eq3 window', 'α (full)', 'RMSE', 'τ0', 'α below τ0', 'α above τ0'],
    ws.map((w) => [tw(w), f(w.alpha), f(w.rmse), f(w.tau0, 0), f(w.alphaShort), f(w.alphaLong)]),
  )}

eq3 t0 = ${t0Text(r.diffusion.eq3.t0)}.`;
}

function gradients(r: ReproResults): string {
  const main = r.gradients.perRun[0];
  const pick = main.windows.filter((w) => w.window < FIRST_WINDOWS || w.window % 5 === 4);
  const rows = pick.map((w) => [
    String(w.window * 1000),
    `**${f(w.alphaDist)}**${ci(w.ciLower, w.ciUpper)}`,
    f(w.beta, 2),
    f(w.vuongZ, 1),
    f(w.zeroFraction, 2),
  ]);
  const reps = r.gradients.perRun
    .slice(1)
    .map((run) => `${run.name}: ${run.windows.map((w) => f(w.alphaDist)).join(', ')}`)
    .join('; ');
  return `${table(['window t_w', 'αdist [95% CI]', 'β', 'Vuong Z', 'exact-zero fraction'], rows)}

\`gradient-stable\` ${r.gradients.version}, default params. Replicates (windows 0–4): ${reps}.`;
}

function landscape(r: ReproResults): string {
  const parts: string[] = [];
  if (r.landscape) {
    const s = r.landscape.scalars.map((x) => `${x.name} = ${f(x.value, 2)}`).join(', ');
    parts.push(`Loss surface (\`landscape\` ${r.landscape.version}): ${s}.`);
  } else parts.push('Loss surface: no `landscape` result.');
  if (r.hessian) {
    const rows = r.hessian.byStep
      .filter((s, i) => i < 6 || s.step % 5000 === 0)
      .map((s) => [String(s.step), s.top.map((v) => f(v, 2)).join(', ')]);
    parts.push(`${table(['step', 'top Hessian eigenvalues'], rows)}\n\n\`hessian\` ${r.hessian.version}.`);
  }
  return parts.join('\n\n');
}

function toys(r: ReproResults): string {
  const rows = r.toys.runs.map((t) => [
    t.landscape,
    f(t.eta, 3),
    pm(t.alpha, 2),
    pm(t.alphaEarly, 2),
    `${f(t.alphaDist)}${ci(t.alphaDistCi[0], t.alphaDistCi[1])}`,
    f(t.vuongZ, 1),
    String(t.walkers),
  ]);
  return `${table(['landscape', 'η', 'α whole walk', 'α first 144 steps', 'gradient αdist [95% CI]', 'Vuong Z', 'walkers'], rows)}

Mean ± SD over walkers; \`toy-walk\` ${r.toys.version}, params ${JSON.stringify(r.toys.params)}.`;
}

const AXIS_LABEL: Record<string, string> = {
  BATCH_SIZE: 'B',
  INV_LR: '1/η',
  INV_SHARPNESS: '1/k',
  INV_DIFFUSION: '1/D',
};

function escapeLaws(r: ReproResults): string {
  const rows = r.escape.map((e) => {
    const y = e.points.map((p) => p.negLogRate);
    return [
      e.sweep,
      AXIS_LABEL[e.against] ?? e.against,
      String(e.points.length),
      y.length ? `${f(Math.min(...y), 2)} → ${f(Math.max(...y), 2)}` : '–',
      `${f(e.slope, 3)}${ci(e.slopeCiLower, e.slopeCiUpper, 3)}`,
      `**${f(e.pearsonR, 4)}**`,
      f(e.reducedChiSquare, 2),
    ];
  });
  const ll = r.sgldLogLogSlope;
  return `${table(['sweep', 'axis', 'cells', '−log γ range', 'slope [95% CI]', 'Pearson r', 'χ²_red'], rows)}

SGLD, log γ against log k over k ≤ 2: slope ${ll ? `${f(ll.slope, 2)} ± ${f(ll.stdErr, 2)} (n = ${ll.n})` : '–'} (Theorem 3.1: 1).`;
}

function phase(r: ReproResults): string {
  const rows = r.phase.boundaries.map((b) => [
    b.between,
    f(b.eta, 2),
    `${f(b.noise, 4)}${ci(b.ciLower, b.ciUpper, 4)}`,
    f(b.eta * b.noise, 4),
  ]);
  const phases = ['I', 'II', 'III']
    .map((p) => `${p}: ${r.phase.cells.filter((c) => c.phase === p).length}`)
    .join(', ');
  return `${table(['boundary', 'η', 'Δ_S* [95% CI]', 'η·Δ_S*'], rows)}

Hyperbola η Δ_S = Δc: Δc = ${f(r.phase.deltaC, 4)}${ci(r.phase.deltaCLower, r.phase.deltaCUpper, 4)}, free log–log slope ${f(r.phase.boundarySlope, 2)} (−1 predicted). Cells by majority phase: ${phases} (of ${r.phase.cells.length}).${r.phase.note ? ` Note: ${r.phase.note}` : ''}`;
}

function critical(r: ReproResults): string {
  const fits = r.critical.fits.map((x) => [
    x.label,
    `${f(x.exponent, 2)} ± ${f(x.stdErr, 2)}`,
    ci(x.ciLower, x.ciUpper, 2).trim(),
    String(x.n),
  ]);
  return `Search-time peak at Δ = ηΔ_S = ${f(r.critical.deltaCAtPeak, 4)}.

${table(['observable', 'exponent', '95% CI', 'n'], fits)}`;
}

function resnet(r: ReproResults): string {
  const s = r.resnet?.summary;
  const net = r.network.summary;
  return `ResNet-14 (${s?.parameterCount ?? '–'} parameters): ${f(Number(s?.msPerStep), 0)} ms/step wall, ${f(Number(s?.cpuMsPerStep), 0)} ms CPU, trajectory logging ${f(Number(s?.trajectoryMsPerStep), 1)} ms/step. MNIST MLP (${net?.parameterCount ?? '–'} parameters): ${f(Number(net?.msPerStep), 1)} ms/step wall, ${f(Number(net?.cpuMsPerStep), 1)} ms CPU, ${f(Number(net?.trajectoryMsPerStep), 2)} ms logging; final minibatch loss ${f(Number(net?.finalLoss), 4)}.`;
}

const SECTIONS: Record<string, (r: ReproResults) => string> = {
  'diffusion-main': diffusionMain,
  'diffusion-replicates': diffusionReplicates,
  'diffusion-long': diffusionLong,
  'diffusion-eq3': diffusionEq3,
  gradients,
  landscape,
  toys,
  escape: escapeLaws,
  phase,
  critical,
  'step-cost': resnet,
};

export function renderResultsMarkdown(r: ReproResults): { whole: string; sections: Map<string, string> } {
  const sections = new Map<string, string>();
  for (const [name, render] of Object.entries(SECTIONS)) sections.set(name, render(r));
  const whole = [
    `# Reproduction results (generated by \`npm run repro\`, ${r.measuredAt})`,
    '',
    `Project ${r.projectId}; every number below was measured through the platform's GraphQL API.`,
    ...[...sections].flatMap(([name, text]) => ['', `## ${name}`, '', text]),
    '',
  ].join('\n');
  return { whole, sections };
}

/** Rewrites the marked sections of docs/reproduction.md; returns how many were replaced. */
export async function updateReport(sections: Map<string, string>, path = REPORT_PATH): Promise<number> {
  let text = await readFile(path, 'utf8');
  let replaced = 0;
  for (const [name, body] of sections) {
    const open = `<!-- repro:${name} -->`;
    const close = `<!-- /repro:${name} -->`;
    const a = text.indexOf(open);
    const b = text.indexOf(close);
    if (a < 0 || b < a) continue;
    text = `${text.slice(0, a + open.length)}\n${body}\n${text.slice(b)}`;
    replaced++;
  }
  await writeFile(path, text);
  return replaced;
}

/**
 * Seed 000 §4 (Fig. 8) at CPU scale: the SGD walker on diamond-square fractal landscapes and the three
 * controls (shuffled-and-smoothed, cone, paraboloid), through the trainer's own experiment function.
 * Per walker: one power-law fit of the time-averaged MSD over the whole walk (alpha), the RMSE crossover tau0
 * with alphaShort/alphaLong, and the spec §5.11 split at basin entry is NOT attempted (no rule is implemented).
 * Per landscape: the alpha-stable index of all recorded gradient components (Koutrouvelis, block bootstrap).
 *
 * Run: npx tsx docs/repro/fractal-toy.ts [repeats=8] [steps=1000] [eta=0.02] [sigma=0.01]
 */
import { analyzeWindow, fitStable } from '@sgdscope/analysis';
import { fractalConfigSchema, runFractalExperiment } from '@sgdscope/trainer/experiments/fractal';
import { MemoryRecorder } from '@sgdscope/trainer/recording/memory-recorder';

const repeats = Number(process.argv[2] ?? 8);
const steps = Number(process.argv[3] ?? 1000);
const eta = Number(process.argv[4] ?? 0.02);
const sigma = Number(process.argv[5] ?? 0.01);
const landscapes = ['fractal', 'shuffled', 'cone', 'paraboloid'] as const;

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}
function sd(xs: number[]): number {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, xs.length - 1));
}
const fmt = (x: number | null | undefined, digits = 3): string => (x == null ? 'null' : x.toFixed(digits));

for (const landscape of landscapes) {
  const started = performance.now();
  const config = fractalConfigSchema.parse({ landscape, steps, repeats, eta, sigma, seed: 11 });
  const recorder = new MemoryRecorder();
  await runFractalExperiment(config, recorder);
  const chunks = recorder.chunks();
  const d = chunks[0].d;
  const rows = chunks.reduce((n, c) => n + c.rows, 0);
  const all = new Float64Array(rows * d);
  let at = 0;
  for (const c of chunks) {
    all.set(c.data.subarray(0, c.rows * c.d) as Float32Array, at);
    at += c.rows * c.d;
  }
  const alphas: number[] = [];
  const shortAlphas: number[] = [];
  const longAlphas: number[] = [];
  const tau0s: string[] = [];
  const earlyAlphas: number[] = [];
  for (let r = 0; r < repeats; r++) {
    // One window of `steps` rows (rows 0..steps-1) of walker r's (x, y) columns.
    const walk = new Float64Array(steps * 2);
    for (let t = 0; t < steps; t++) {
      walk[2 * t] = all[t * d + 2 * r];
      walk[2 * t + 1] = all[t * d + 2 * r + 1];
    }
    const w = analyzeWindow({ rows: steps, d: 2, data: walk }, { windowSize: steps });
    alphas.push(w.alpha);
    if (w.alphaShort !== null) shortAlphas.push(w.alphaShort);
    if (w.alphaLong !== null) longAlphas.push(w.alphaLong);
    tau0s.push(String(w.tau0));
    // The seed's cone MSD uses the first 144 steps only; report the same early-window fit for every landscape.
    const early = 144;
    const e = analyzeWindow({ rows: early, d: 2, data: walk.subarray(0, early * 2) }, { windowSize: early });
    earlyAlphas.push(e.alpha);
  }
  const gradients = recorder.artifacts('gradients')[0].data;
  const finite = Array.from(gradients).filter(Number.isFinite);
  const stable = fitStable(finite);
  const summary = recorder.summary as {
    repeats: { clampedSteps: number; surfaceDimension: number | null }[];
  };
  const clamped = summary.repeats.map((x) => x.clampedSteps);
  const dims = summary.repeats.map((x) => x.surfaceDimension).filter((x): x is number => x !== null);
  const se = (xs: number[]) => sd(xs) / Math.sqrt(xs.length);
  console.log(
    [
      `== ${landscape}: ${repeats} walkers x ${steps} steps, eta ${config.eta}, sigma ${config.sigma} (${((performance.now() - started) / 1000).toFixed(1)} s)`,
      `  alpha (whole walk)      mean ${fmt(mean(alphas))} +- ${fmt(se(alphas))} (SE over walkers), per walker [${alphas.map((a) => fmt(a, 2)).join(', ')}]`,
      `  alpha (first 144 steps) mean ${fmt(mean(earlyAlphas))} +- ${fmt(se(earlyAlphas))}`,
      `  tau0 per walker [${tau0s.join(', ')}]`,
      `  alphaShort mean ${shortAlphas.length ? fmt(mean(shortAlphas)) : 'n/a'} (n=${shortAlphas.length}), alphaLong mean ${longAlphas.length ? fmt(mean(longAlphas)) : 'n/a'} (n=${longAlphas.length})`,
      `  gradient alphaDist ${fmt(stable.alpha)} CI [${fmt(stable.alphaCI?.lower)}, ${fmt(stable.alphaCI?.upper)}] beta ${fmt(stable.beta)} vuongZ ${fmt(stable.vuongZ, 1)} LLR/n ${fmt(stable.llrPerN, 4)} n=${stable.n}`,
      `  clamped steps per walker [${clamped.join(', ')}]; landscape surface dimension (variogram) ${dims.length ? fmt(mean(dims)) : 'n/a'}`,
    ].join('\n'),
  );
}

/**
 * Stable-fit benchmark (run through bench/index.ts): point estimate of S(alpha, beta, scale, loc) on 20,000
 * stable samples (alpha = 1.5, beta = 0.3), target < 50 ms. Baseline measured in the same run: one copy + sort
 * of the same Float64Array (the McCulloch step's floor). Reported separately: McCulloch alone, the
 * block-bootstrap CI (B = 200; `--quick`: 50), the Vuong test (interpolated and exact density) and the MLE
 * cross-check (skipped with `--quick`).
 * Times are medians over repetitions after one warm-up.
 */
import { createRng, stableSample } from '../src/random.js';
import { blockBootstrap, fitStableMle, fitStableParams, vuongVsGaussian } from '../src/stable/index.js';

const quick = process.argv.includes('--quick');
const n = 20_000;
const rng = createRng(2026);
const data = Float64Array.from({ length: n }, () => stableSample(rng, 1.5, 0.3, 1, 0));

function medianMs(fn: () => unknown, reps: number): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(reps / 2)];
}

console.log(`\n## Stable fit: n=${n} samples of S(1.5, 0.3, 1, 0)${quick ? ' (quick)' : ''}`);
const sortMs = medianMs(() => Float64Array.from(data).sort(), 21);
const ecfMs = medianMs(() => fitStableParams(data), 21);
const mcMs = medianMs(() => fitStableParams(data, { method: 'mcculloch' }), 21);
const fit = fitStableParams(data);
console.log(`baseline: copy + sort of ${n} doubles     ${sortMs.toFixed(2)} ms`);
console.log(
  `Koutrouvelis (default) point estimate     ${ecfMs.toFixed(2)} ms  (${(ecfMs / sortMs).toFixed(1)}x sort; target < 50 ms: ${ecfMs < 50 ? 'met' : 'MISSED'})`,
);
console.log(
  `McCulloch point estimate                  ${mcMs.toFixed(2)} ms  (${(mcMs / sortMs).toFixed(1)}x sort)`,
);
console.log(
  `  -> alpha=${fit.alpha.toFixed(4)} beta=${fit.beta.toFixed(3)} scale=${fit.scale.toFixed(4)} loc=${fit.loc.toFixed(4)}`,
);

const B = quick ? 50 : 200;
let t = performance.now();
const boot = blockBootstrap(data, (s) => fitStableParams(s).alpha, { resamples: B, seed: 1 });
const bootMs = performance.now() - t;
console.log(
  `block-bootstrap CI, B=${B}, block ${boot.blockLength}: ${bootMs.toFixed(0)} ms  (${(bootMs / sortMs).toFixed(0)}x sort)  ` +
    `alpha 95% CI [${boot.ci.lower.toFixed(4)}, ${boot.ci.upper.toFixed(4)}]`,
);

t = performance.now();
const v = vuongVsGaussian(data, fit);
const vuongMs = performance.now() - t;
console.log(
  `Vuong test on ${n} values (interpolated density): ${vuongMs.toFixed(0)} ms  Z=${v.vuongZ.toFixed(2)}`,
);
const exactN = 2000;
t = performance.now();
const ve = vuongVsGaussian(data.subarray(0, exactN), fit, 'exact');
const exactMs = performance.now() - t;
console.log(
  `Vuong test on ${exactN} values (exact Nolan integral): ${exactMs.toFixed(0)} ms (${((1000 * exactMs) / exactN).toFixed(0)} us/value)  Z=${ve.vuongZ.toFixed(2)}`,
);
if (!quick) {
  t = performance.now();
  const m = fitStableMle(data.subarray(0, 5000));
  console.log(
    `MLE cross-check on 5000 values: ${(performance.now() - t).toFixed(0)} ms, alpha=${m.params.alpha.toFixed(4)} ` +
      `(${m.evaluations} densities), logLik ${m.logLikelihood.toFixed(2)} vs start ${m.startLogLikelihood.toFixed(2)}`,
  );
}

/**
 * Seed 000 §1.7 (Fig. 5): alpha-stable fit of each window's 5000 sampled minibatch-gradient components, once on
 * all of them and once without exact zeros. About 37% of an MNIST MLP's sampled components are exactly zero
 * (first-layer weights of pixels that are blank in every digit, and dead ReLUs); that point mass makes the
 * quantile/ECF estimators return alpha at their lower bound (0.1), so the nonzero fit is the meaningful one.
 *
 * Run: npx tsx docs/repro/stable-nonzero.ts <runDir>/artifacts/gradient_sample/*.npy
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { decodeNpy, fitStable } from '@sgdscope/analysis';

const fmt = (x: number | undefined): string => (x === undefined ? 'null' : x.toFixed(3));
for (const file of process.argv.slice(2)) {
  // A plain Uint8Array copy: decodeNpy given a Node Buffer returns the header bytes too (Buffer#slice is a view).
  const { data } = decodeNpy(new Uint8Array(readFileSync(file)));
  const all = Array.from(data);
  const nonzero = all.filter((v) => v !== 0);
  for (const [label, sample] of [
    ['all', all],
    ['nonzero', nonzero],
  ] as const) {
    const fit = fitStable(sample);
    console.log(
      `${basename(file)} ${label.padEnd(7)} n=${fit.n} alphaDist ${fmt(fit.alpha)} ` +
        `[${fmt(fit.alphaCI?.lower)}, ${fmt(fit.alphaCI?.upper)}] beta ${fmt(fit.beta)} ` +
        `scale ${fit.scale.toExponential(3)} vuongZ ${fit.vuongZ.toFixed(1)} LLR/n ${fit.llrPerN.toFixed(3)}`,
    );
  }
}

/**
 * When a window's long-lag exponent alphaLong means something (shared by the `diffusion` and `toy-walk`
 * estimators, which both store it per window).
 */
import type { JsonObject } from '@sgdscope/db/repo/types';

/**
 * Least span of the long-lag fit range [tau0, maxLag], in decades of lag, for `alphaLong` to be stored.
 * alphaLong is an OLS slope of log10 MSD on log10 tau over every integer lag of the range, so its lever arm is
 * log10(maxLag / tau0), not the number of lags: scanCrossover already guarantees minFitPoints lags, but ten lags
 * at the end of a 1000-step walk span 0.004 decades. Neighbouring TAMSD lags share almost all their
 * displacements, and a lag tau holds only about N / tau independent ones, so near the end of the walk the curve
 * is one realisation's wiggle and its slope means nothing (seeded Brownian walks: tau0 = 974, alphaLong = 59.6;
 * tau0 = 766, alphaLong = -5.4). Half a decade (maxLag / tau0 >= 3.16) keeps tau0 <= 316 on a 1000-step walk,
 * where the range still starts at lags with >= 3 independent displacements; it keeps the crossovers
 * tau0 ~ 60-110 that docs/repro measures on 1000-step network windows (a full decade would drop those) and seed
 * 000's typed-in tau0 constants (45-400) up to 316.
 */
export const MIN_LONG_DECADES = 0.5;

/**
 * Null when alphaLong of this window may be stored; otherwise the `details.skipped` entry that says why (its
 * lag range [tau0, maxLag] spans fewer than MIN_LONG_DECADES). No tau0 (no crossover): nothing to skip here.
 */
export function alphaLongSkip(
  window: number,
  tau0: number | null,
  lags: ArrayLike<number>,
): JsonObject | null {
  if (tau0 === null || lags.length === 0) return null;
  const maxLag = lags[lags.length - 1];
  const decades = Math.log10(maxLag / tau0);
  if (decades >= MIN_LONG_DECADES) return null;
  return {
    window,
    quantity: 'alphaLong',
    tau0,
    maxLag,
    decades,
    reason: `long-lag range [${tau0}, ${maxLag}] spans ${decades.toFixed(3)} decades, fewer than ${MIN_LONG_DECADES}`,
  };
}

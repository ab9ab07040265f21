/**
 * Transverse-excursion test of self-affinity (seed 000, "self-affine rather than self-similar"; Hwang et al.
 * 2016; science-spec §1.5): for random fragments of a path, compare how the squared chord
 * ||w_end - w_start||^2 and the squared largest perpendicular distance of an intermediate point from that
 * chord scale with fragment length. A self-similar path scales both alike (their ratio is scale-free); a
 * self-affine one scales them with different exponents.
 */
import { createRng } from '../random.js';
import { fitLine } from '../regression.js';
import { AnalysisInputError, type Curve, type RowChunk } from '../types.js';
import { WindowGeometry } from './window-geometry.js';

export interface TransverseExcursionOptions {
  /** Fragment lengths in steps (default: 8 log-spaced lengths from 8 to N/2; shorter ones bias the max). */
  readonly fragmentLengths?: readonly number[];
  /** Random fragments per length (default 200; the seed used 50, which leaves the exponents too noisy to classify). */
  readonly fragmentsPerLength?: number;
  readonly seed?: number;
  /**
   * Largest |transverse exponent - chord exponent| still called self-similar (default 0.4). Exponents of squared
   * lengths: a Brownian path gives 1 and 1, a drift-dominated (ballistic along, diffusive across) path 2 and 1.
   * One 1000-step Brownian window scatters the difference by up to ~0.3 (12 seeds checked), hence 0.4.
   */
  readonly tolerance?: number;
}

export interface TransverseExcursionResult {
  /** Slope of mean ln(chord^2) against ln(fragment length). */
  readonly chordExponent: number;
  /** Slope of mean ln(max perpendicular^2) against ln(fragment length). */
  readonly transverseExponent: number;
  /** Per-fragment regression slope of ln(perpendicular^2) on ln(chord^2): 1 for self-similar scaling. */
  readonly transverseVsChordSlope: number;
  readonly classification: 'self-similar' | 'self-affine';
  /** Geometric means per fragment length (x = length in steps). */
  readonly chord: Curve;
  readonly transverse: Curve;
  readonly fragments: number;
}

/**
 * Run the transverse-excursion test on one window. Log-averages are used for the same reason as in Df:
 * heavy-tailed steps would otherwise let single jumps dominate the means.
 */
export function transverseExcursion(
  window: RowChunk | WindowGeometry,
  options: TransverseExcursionOptions = {},
): TransverseExcursionResult {
  const g = window instanceof WindowGeometry ? window : new WindowGeometry(window);
  const n = g.rows;
  const lengths = options.fragmentLengths ?? defaultLengths(n);
  const perLength = options.fragmentsPerLength ?? 200;
  const rng = createRng(options.seed ?? 1);
  const lnLen: number[] = [];
  const meanLnChord: number[] = [];
  const meanLnPerp: number[] = [];
  const allLnChord: number[] = [];
  const allLnPerp: number[] = [];
  for (const m of lengths) {
    if (!Number.isInteger(m) || m < 2 || m > n - 1) {
      throw new AnalysisInputError(
        `transverse excursion: fragment length ${m} must be an integer in [2, ${n - 1}]`,
      );
    }
    let sc = 0;
    let sp = 0;
    let used = 0;
    for (let f = 0; f < perLength; f++) {
      const s = rng.int(n - m);
      const e = s + m;
      const chord2 = g.sqDistance(s, e);
      if (!(chord2 > 0)) continue;
      let perp2 = 0;
      for (let k = s + 1; k < e; k++) {
        const along = g.displacementDot(s, k, e);
        const p = g.sqDistance(s, k) - (along * along) / chord2;
        if (p > perp2) perp2 = p;
      }
      if (!(perp2 > 0)) continue;
      sc += Math.log(chord2);
      sp += Math.log(perp2);
      allLnChord.push(Math.log(chord2));
      allLnPerp.push(Math.log(perp2));
      used++;
    }
    if (used === 0) continue;
    lnLen.push(Math.log(m));
    meanLnChord.push(sc / used);
    meanLnPerp.push(sp / used);
  }
  if (lnLen.length < 2)
    throw new AnalysisInputError('transverse excursion: fewer than 2 usable fragment lengths');
  const chordExponent = fitLine(lnLen, meanLnChord).slope;
  const transverseExponent = fitLine(lnLen, meanLnPerp).slope;
  const tolerance = options.tolerance ?? 0.4;
  return {
    chordExponent,
    transverseExponent,
    transverseVsChordSlope: fitLine(allLnChord, allLnPerp).slope,
    classification:
      Math.abs(transverseExponent - chordExponent) <= tolerance ? 'self-similar' : 'self-affine',
    chord: { x: lnLen.map(Math.exp), y: meanLnChord.map(Math.exp) },
    transverse: { x: lnLen.map(Math.exp), y: meanLnPerp.map(Math.exp) },
    fragments: allLnChord.length,
  };
}

function defaultLengths(n: number): number[] {
  const hi = Math.floor(n / 2);
  if (hi < 16)
    throw new AnalysisInputError(`transverse excursion: window of ${n} rows is too short (need 32)`);
  const out = new Set<number>();
  for (let k = 0; k < 8; k++) out.add(Math.round(8 * (hi / 8) ** (k / 7)));
  return [...out];
}

/**
 * Parameters of an alpha-stable law and the conversions between Nolan's S0 and S1 parameterisations.
 * S1 (Samorodnitsky–Taqqu) is what results report, as scipy and stableSample do; S0 is continuous in alpha
 * and a true location-scale family, so estimators iterate in S0 and convert at the end (Nolan 2020, §1.3).
 */
export interface StableParams {
  /** Tail index alpha in (0, 2]. */
  readonly alpha: number;
  /** Skewness beta in [-1, 1]. */
  readonly beta: number;
  /** Scale c > 0. */
  readonly scale: number;
  /** Location in S1 (for alpha > 1 this is the mean). */
  readonly loc: number;
}

/** Nolan's S0 location from S1 parameters: delta0 = delta1 + beta c tan(pi alpha/2) (alpha != 1), + (2/pi) beta c ln c (alpha = 1). */
export function s1ToS0Loc(p: StableParams): number {
  if (p.alpha === 1) return p.loc + (2 / Math.PI) * p.beta * p.scale * Math.log(p.scale);
  return p.loc + p.beta * p.scale * Math.tan((Math.PI * p.alpha) / 2);
}

/** Inverse of s1ToS0Loc: the S1 location from an S0 location. */
export function s0ToS1Loc(alpha: number, beta: number, scale: number, loc0: number): number {
  if (alpha === 1) return loc0 - (2 / Math.PI) * beta * scale * Math.log(scale);
  return loc0 - beta * scale * Math.tan((Math.PI * alpha) / 2);
}

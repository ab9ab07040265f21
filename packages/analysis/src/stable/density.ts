import { logGamma } from '../special.js';
import type { StableParams } from './params.js';

/*
 * Stable density by Nolan's (1997) integral representation, "Numerical calculation of stable densities and
 * distribution functions", Commun. Stat. Stoch. Models 13(4): 759–774, Theorem 1. In S1 coordinates the
 * standard density at y > 0 is  f(y) = alpha / (pi |alpha - 1| y) * ∫_{-theta0}^{pi/2} g(θ) e^{-g(θ)} dθ,
 * g(θ) = y^{alpha/(alpha-1)} V(θ), and f(y; beta) = f(-y; -beta) for y < 0. g is monotone in θ, so the
 * integrand g e^{-g} peaks where g = 1: we locate that point by bisection and integrate each side with
 * adaptive Gauss–Kronrod, which keeps ~1e-9 relative accuracy from the mode out to the far tails.
 */

const HALF_PI = Math.PI / 2;
/** Within this distance of alpha = 1 (beta != 0) Nolan's alpha != 1 formula loses precision: interpolate in S0. */
const NEAR_ONE = 2e-3;
/**
 * Within NEAR_ZERO * alpha^(1/alpha) of S1's y = 0 (Nolan's zeta) the peak of g e^{-g} can collapse onto the
 * θ = −θ0 end, where θ is not representable finely enough (scipy's piecewise method has the same guard). Where
 * the density is positive around 0 we interpolate quadratically through the closed form at 0 and the integral
 * at ±h (relative error ~h² f''/f ≲ 1e-4); where it vanishes (Lévy-like edges) the integral is used as is.
 */
const NEAR_ZERO = 5e-3;

// 7-point Gauss and 15-point Kronrod nodes/weights on [-1, 1] (QUADPACK qk15).
const XGK = [
  0.9914553711208126, 0.9491079123427585, 0.8648644233597691, 0.7415311855993945, 0.5860872354676911,
  0.4058451513773972, 0.20778495500789848, 0,
];
const WGK = [
  0.022935322010529224, 0.06309209262997856, 0.10479001032225019, 0.14065325971552592, 0.1690047266392679,
  0.19035057806478542, 0.20443294007529889, 0.20948214108472782,
];
const WG = [0.1294849661688697, 0.27970539148927664, 0.3818300505051189, 0.4179591836734694];

function kronrod(f: (t: number) => number, a: number, b: number): [number, number] {
  const c = 0.5 * (a + b);
  const h = 0.5 * (b - a);
  const fc = f(c);
  let resK = fc * WGK[7];
  let resG = fc * WG[3];
  for (let j = 0; j < 7; j++) {
    const dx = h * XGK[j];
    const s = f(c - dx) + f(c + dx);
    resK += WGK[j] * s;
    if (j % 2 === 1) resG += WG[(j - 1) / 2] * s;
  }
  return [resK * h, Math.abs((resK - resG) * h)];
}

/** Adaptive Gauss–Kronrod (G7/K15) integral of a non-negative function, bisecting the worst interval first. */
function integrate(f: (t: number) => number, a: number, b: number, pieces = 4, relTol = 1e-10): number {
  if (!(b > a)) return 0;
  const intervals: [number, number, number, number][] = [];
  let total = 0;
  let error = 0;
  for (let i = 0; i < pieces; i++) {
    const lo = a + ((b - a) * i) / pieces;
    const hi = a + ((b - a) * (i + 1)) / pieces;
    const [v, e] = kronrod(f, lo, hi);
    intervals.push([lo, hi, v, e]);
    total += v;
    error += e;
  }
  for (let iter = 0; iter < 400 && error > relTol * Math.abs(total) && error > 1e-300; iter++) {
    let worst = 0;
    for (let i = 1; i < intervals.length; i++) if (intervals[i][3] > intervals[worst][3]) worst = i;
    const [lo, hi, v, e] = intervals[worst];
    const mid = 0.5 * (lo + hi);
    if (!(mid > lo && mid < hi)) break;
    const [v1, e1] = kronrod(f, lo, mid);
    const [v2, e2] = kronrod(f, mid, hi);
    intervals[worst] = [lo, mid, v1, e1];
    intervals.push([mid, hi, v2, e2]);
    total += v1 + v2 - v;
    error += e1 + e2 - e;
  }
  return total;
}

/**
 * The point in [a, b] where the monotone function logG crosses level (an end if it never does), by the Illinois
 * variant of regula falsi on a bracket, with bisection steps as a fallback. With a = 0 the search runs in log s
 * from 1e-300: peaks of large |y| sit at s ~ 1e-14 or closer to 0, which a linear search cannot resolve.
 */
function crossing(
  logG: (t: number) => number,
  a: number,
  b: number,
  increasing: boolean,
  level: number,
): number {
  const geometric = a === 0 && b > 0;
  const toX = (u: number): number => (geometric ? Math.exp(u) : u);
  // Signed so that h < 0 below the crossing; clamped so infinite ends still give finite secants.
  const h = (u: number): number => {
    const v = logG(toX(u)) - level;
    const signed = increasing ? v : -v;
    return Number.isNaN(signed) ? Number.NaN : Math.max(-1e4, Math.min(1e4, signed));
  };
  let lo = geometric ? Math.log(1e-300) : a;
  let hi = geometric ? Math.log(b) : b;
  let hLo = h(lo);
  let hHi = h(hi);
  // The exact ends can be unevaluable (sin of a rounding-level negative number at s = b): step inside.
  for (let k = 12; Number.isNaN(hHi) && k > 2; k--) {
    hi = geometric ? Math.log(b) + Math.log1p(-(10 ** -k)) : b - 10 ** -k * (b - a);
    hHi = h(hi);
  }
  for (let k = 12; Number.isNaN(hLo) && k > 2; k--) {
    lo = geometric ? Math.log(1e-300) + 20 * (13 - k) : a + 10 ** -k * (b - a);
    hLo = h(lo);
  }
  if (!(hLo < 0)) return toX(lo);
  if (!(hHi > 0)) return toX(hi);
  let side = 0;
  for (let i = 0; i < 200 && hi - lo > 1e-13 * Math.max(1, Math.abs(lo), Math.abs(hi)); i++) {
    let mid = (lo * hHi - hi * hLo) / (hHi - hLo);
    // Fall back to bisection when the secant lands outside the bracket or too close to an end.
    if (!(mid > lo + 1e-3 * (hi - lo) && mid < hi - 1e-3 * (hi - lo)) || i % 8 === 7) mid = 0.5 * (lo + hi);
    const hm = h(mid);
    if (Number.isNaN(hm)) {
      // Unevaluable interior point (rounding at an extreme end): shrink towards the finite side.
      hi = mid;
      continue;
    }
    if (hm < 0) {
      lo = mid;
      hLo = hm;
      if (side === -1) hHi /= 2;
      side = -1;
    } else {
      hi = mid;
      hHi = hm;
      if (side === 1) hLo /= 2;
      side = 1;
    }
    if (hm === 0) break;
  }
  return toX(0.5 * (lo + hi));
}

/**
 * ∫ f from `from` to `to`, on pieces whose widths double away from `from` starting at `width`: a peak sitting at
 * `from` is then resolved however narrow it is relative to the whole range.
 */
function integrateAwayFrom(f: (t: number) => number, from: number, to: number, width: number): number {
  const length = Math.abs(to - from);
  const dir = to > from ? 1 : -1;
  if (!(length > 0)) return 0;
  let w = Math.min(Math.max(width, length * 1e-15), length);
  let start = 0;
  let total = 0;
  while (start < length) {
    const end = Math.min(length, start + w);
    const lo = from + dir * start;
    const hi = from + dir * end;
    total += integrate(f, Math.min(lo, hi), Math.max(lo, hi), 1);
    start = end;
    w *= 2;
  }
  return total;
}

/**
 * ∫ g e^{-g} over [a, b] given log g (monotone). The integrand peaks where g = 1 (or at an end when g never
 * reaches 1) and is negligible where g < e^-40 or g > 60 relative to that maximum, so only the band between those
 * crossings is integrated, outward from the peak on pieces scaled to its local width (where log g moves by 1).
 * This keeps the quadrature from missing a peak that has collapsed to a sliver (large |x|, alpha near 1 or 2).
 * With a = 0 the ends and crossings are probed geometrically, down to s = 1e-300.
 */
function peakIntegral(logG: (t: number) => number, a: number, b: number): number {
  const integrand = (t: number): number => {
    const lg = logG(t);
    // exp(lg - e^lg) = g e^{-g} without Infinity * 0 when g overflows.
    const v = Math.exp(lg - Math.exp(lg));
    return Number.isNaN(v) ? 0 : v;
  };
  const span = b - a;
  let endA = logG(a === 0 ? 1e-300 : a + 1e-12 * span);
  if (Number.isNaN(endA)) endA = logG(a + 1e-9 * span);
  let endB = logG(b - 1e-12 * span);
  if (Number.isNaN(endB)) endB = logG(b - 1e-9 * span);
  const increasing = endA < endB;
  const lowest = Math.min(endA, endB);
  const highest = Math.max(endA, endB);
  const peakLevel = Math.min(Math.max(0, lowest), highest);
  const at = (level: number): number => crossing(logG, a, b, increasing, level);
  const peak = at(peakLevel);
  const small = at(Math.min(-40, highest - 40));
  const large = at(
    lowest > 0 ? lowest + Math.log1p(60 * Math.exp(-lowest)) : Math.log(60 + Math.exp(lowest)),
  );
  const [lo, hi] = increasing ? [small, large] : [large, small];
  // Local widths of the peak on each side (log g moves by 1), floored so pieces never shrink to nothing.
  const below = Math.abs(peak - at(peakLevel - 1));
  const above = Math.abs(at(peakLevel + 1) - peak);
  const [wLo, wHi] = increasing ? [below, above] : [above, below];
  const floor = 1e-6 * Math.abs(hi - lo);
  return (
    integrateAwayFrom(integrand, peak, lo, Math.max(wLo, floor * 1e-9)) +
    integrateAwayFrom(integrand, peak, hi, Math.max(wHi, floor * 1e-9))
  );
}

/**
 * Standard S1 density f(y; alpha, beta), alpha != 1, y > 0 (Nolan 1997 Thm 1 shifted to S1 coordinates).
 * Integrated over s = π/2 − θ rather than θ: for large y the peak of g e^{-g} sits within 1e-12 of θ = π/2,
 * where π/2 − θ is not representable but s is, so cos θ = sin s keeps full relative precision (integrating in θ
 * lost ~1% at y = 1e6 for alpha = 1.99).
 */
function densityPositiveSide(y: number, alpha: number, beta: number): number {
  const tanZeta = beta * Math.tan((Math.PI * alpha) / 2);
  const theta0 = Math.atan(tanZeta) / alpha;
  if (theta0 <= -HALF_PI + 1e-15) return 0;
  const am1 = alpha - 1;
  const logCosAT0 = Math.log(Math.cos(alpha * theta0));
  const logY = Math.log(y);
  // At s = 0 (θ = π/2) the factors are written around their end values so that tiny s keeps its precision:
  // sin(α(θ0 + θ)) = sin(f0 + α s) with f0 = π − α(θ0 + π/2), and cos(αθ0 + (α−1)θ) = sin(d0 + (α−1) s) with
  // d0 = π/2 − αθ0 − (α−1)π/2. Both offsets are analytically 0 for some totally skewed laws; rounding noise
  // below 1e-12 is snapped to 0, or the logs would see sin of a tiny negative number.
  let f0 = Math.PI - alpha * (theta0 + HALF_PI);
  if (Math.abs(f0) < 1e-12) f0 = 0;
  let d0 = HALF_PI - alpha * theta0 - am1 * HALF_PI;
  if (Math.abs(d0) < 1e-12) d0 = 0;
  const logG = (s: number): number => {
    const cosT = Math.sin(s);
    const sinA = Math.sin(f0 + alpha * s);
    const cosRest = Math.sin(d0 + am1 * s);
    return (
      (alpha / am1) * logY +
      logCosAT0 / am1 +
      (alpha / am1) * (Math.log(cosT) - Math.log(sinA)) +
      Math.log(cosRest) -
      Math.log(cosT)
    );
  };
  const integral = peakIntegral(logG, 0, HALF_PI + theta0);
  return (alpha / (Math.PI * Math.abs(am1) * y)) * integral;
}

/**
 * Standard S1 density at alpha = 1, beta > 0 (Nolan 1997 Thm 1, alpha = 1 branch). The θ-range [−π/2, π/2] is
 * split at 0 and each half is integrated in its distance to its outer end (π/2 − θ and θ + π/2), because the
 * peak of g e^{-g} moves within 1e-10 of ±π/2 for |x| ~ 1e9, below what θ itself resolves.
 */
function densityAlphaOne(x: number, beta: number): number {
  // Beyond |x| = 1e10, log g = shift + (terms of size |shift|) cancels to ~|x|·1e-16 absolute: use the tail
  // asymptote (1 ± beta)/(π x²), whose relative error O(log|x|/|x|) is below 1e-8 there.
  if (Math.abs(x) > 1e10) return (1 + Math.sign(x) * beta) / (Math.PI * x * x);
  const shift = (-Math.PI * x) / (2 * beta);
  const logGUpper = (s: number): number => {
    const a = HALF_PI + beta * (HALF_PI - s);
    return (
      shift + Math.log((2 / Math.PI) * a) - Math.log(Math.sin(s)) + (a * Math.cos(s)) / (Math.sin(s) * beta)
    );
  };
  const logGLower = (r: number): number => {
    const a = (1 - beta) * HALF_PI + beta * r;
    return (
      shift + Math.log((2 / Math.PI) * a) - Math.log(Math.sin(r)) - (a * Math.cos(r)) / (Math.sin(r) * beta)
    );
  };
  return (peakIntegral(logGUpper, 0, HALF_PI) + peakIntegral(logGLower, 0, HALF_PI)) / (2 * beta);
}

/** Standard (scale 1, loc 0) S1 stable density. */
function standardDensity(y: number, alpha: number, beta: number): number {
  if (alpha === 2) return Math.exp(-(y * y) / 4) / (2 * Math.sqrt(Math.PI));
  if (alpha === 1) {
    if (beta === 0) return 1 / (Math.PI * (1 + y * y));
    return beta > 0 ? densityAlphaOne(y, beta) : densityAlphaOne(-y, -beta);
  }
  const h = NEAR_ZERO * alpha ** (1 / alpha);
  if (y !== 0 && Math.abs(y) < h) {
    const f0 = standardDensity(0, alpha, beta);
    const fp = densityPositiveSide(h, alpha, beta);
    const fm = densityPositiveSide(h, alpha, -beta);
    if (f0 > 0 && fp > 0 && fm > 0) {
      const s = y / h;
      return f0 + 0.5 * s * (fp - fm) + 0.5 * s * s * (fp + fm - 2 * f0);
    }
  }
  if (y === 0) {
    // Nolan's closed form at the S0 point zeta = -beta tan(pi alpha/2), which is S1's y = 0.
    const zeta = -beta * Math.tan((Math.PI * alpha) / 2);
    const theta0 = Math.atan(-zeta) / alpha;
    if (Math.abs(theta0) >= HALF_PI - 1e-12) return 0;
    return (
      (Math.exp(logGamma(1 + 1 / alpha)) * Math.cos(theta0)) /
      (Math.PI * (1 + zeta * zeta) ** (1 / (2 * alpha)))
    );
  }
  return y > 0 ? densityPositiveSide(y, alpha, beta) : densityPositiveSide(-y, alpha, -beta);
}

/** Standard S0 density (S0 is continuous in alpha): f0(z) = f1(z + beta tan(pi alpha/2)) for alpha != 1. */
function standardDensityS0(z: number, alpha: number, beta: number): number {
  if (alpha === 1) return standardDensity(z, 1, beta);
  return standardDensity(z + beta * Math.tan((Math.PI * alpha) / 2), alpha, beta);
}

/**
 * Density of S(alpha, beta, scale, loc) in S1 at x (Nolan 1997 integral; exact closed forms at alpha = 2,
 * and at alpha = 1, beta = 0). For 0 < |alpha - 1| < 2e-3, where the integral is ill-conditioned,
 * the density is interpolated linearly in alpha between alpha = 1 ± 2e-3 at fixed S0 location (S0 is continuous).
 */
export function stableDensity(x: number, p: StableParams): number {
  const { alpha, beta, scale, loc } = p;
  if (!(alpha > 0 && alpha <= 2) || !(beta >= -1 && beta <= 1) || !(scale > 0)) {
    throw new RangeError(`stableDensity: invalid parameters alpha=${alpha}, beta=${beta}, scale=${scale}`);
  }
  if (alpha !== 1 && Math.abs(alpha - 1) < NEAR_ONE) {
    const z = (x - (loc + beta * scale * Math.tan((Math.PI * alpha) / 2))) / scale;
    const w = (alpha - (1 - NEAR_ONE)) / (2 * NEAR_ONE);
    return (
      ((1 - w) * standardDensityS0(z, 1 - NEAR_ONE, beta) + w * standardDensityS0(z, 1 + NEAR_ONE, beta)) /
      scale
    );
  }
  if (alpha === 1) {
    const shift = (2 / Math.PI) * beta * scale * Math.log(scale);
    return standardDensity((x - loc - shift) / scale, 1, beta) / scale;
  }
  return standardDensity((x - loc) / scale, alpha, beta) / scale;
}

/** log of the smallest positive double: the floor for densities that underflow. */
export const LOG_DENSITY_FLOOR = Math.log(Number.MIN_VALUE);

/**
 * Natural log of stableDensity, floored at LOG_DENSITY_FLOOR (≈ −744.4) where the density underflows (the short
 * tail of a totally skewed law, or outside its support), so one such value cannot turn a log-likelihood into
 * −Infinity or NaN; the floor still penalises it by ~744 nats.
 */
export function stableLogDensity(x: number, p: StableParams): number {
  const f = stableDensity(x, p);
  return f > 0 ? Math.log(f) : LOG_DENSITY_FLOOR;
}

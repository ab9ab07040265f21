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
 * Within NEAR_ZERO * alpha^(1/alpha) of S1's y = 0 (Nolan's zeta) the peak of g e^{-g} collapses onto an endpoint
 * and quadrature fails; scipy's piecewise method has the same guard. There we interpolate quadratically through
 * the closed form at 0 and the integral at ±h.
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
function integrate(f: (t: number) => number, a: number, b: number, relTol = 1e-10): number {
  if (!(b > a)) return 0;
  const intervals: [number, number, number, number][] = [];
  let total = 0;
  let error = 0;
  const pieces = 4;
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

/** The θ in [a, b] where the monotone function logG crosses level, by bisection (an endpoint if it never does). */
function crossing(
  logG: (t: number) => number,
  a: number,
  b: number,
  increasing: boolean,
  level: number,
): number {
  let lo = a;
  let hi = b;
  for (let i = 0; i < 48; i++) {
    const mid = 0.5 * (lo + hi);
    if (logG(mid) < level === increasing) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/**
 * ∫ g e^{-g} over [a, b] given log g (monotone in θ). The integrand is negligible where g < e^-40 or g > 60 (levels taken relative to
 * the integrand's maximum when g never reaches 1), so
 * only the band between those crossings is integrated, split at the peak g = 1: this keeps the quadrature
 * from missing a peak that has collapsed to a sliver (large |x|, or alpha near 1 where the exponents are huge).
 */
function peakIntegral(logG: (t: number) => number, a: number, b: number): number {
  const integrand = (t: number): number => {
    const lg = logG(t);
    // exp(lg - e^lg) = g e^{-g} without Infinity * 0 when g overflows.
    const v = Math.exp(lg - Math.exp(lg));
    return Number.isNaN(v) ? 0 : v;
  };
  const span = b - a;
  const endA = logG(a + 1e-9 * span);
  const endB = logG(b - 1e-9 * span);
  const increasing = endA < endB;
  const lowest = Math.min(endA, endB);
  const highest = Math.max(endA, endB);
  const peak = crossing(logG, a, b, increasing, 0);
  // Cut levels relative to the largest integrand value, which sits at g = 1 or at an end when g never reaches 1.
  const small = crossing(logG, a, b, increasing, Math.min(-40, highest - 40));
  const large = crossing(
    logG,
    a,
    b,
    increasing,
    lowest > 0 ? lowest + Math.log1p(60 * Math.exp(-lowest)) : Math.log(60 + Math.exp(lowest)),
  );
  const [lo, hi] = increasing ? [small, large] : [large, small];
  return integrate(integrand, lo, peak) + integrate(integrand, peak, hi);
}

/** Standard S1 density f(y; alpha, beta), alpha != 1, y > 0 (Nolan 1997 Thm 1 shifted to S1 coordinates). */
function densityPositiveSide(y: number, alpha: number, beta: number): number {
  const tanZeta = beta * Math.tan((Math.PI * alpha) / 2);
  const theta0 = Math.atan(tanZeta) / alpha;
  if (theta0 <= -HALF_PI + 1e-15) return 0;
  const am1 = alpha - 1;
  const logCosAT0 = Math.log(Math.cos(alpha * theta0));
  const logY = Math.log(y);
  const logG = (t: number): number => {
    const cosT = Math.cos(t);
    const sinA = Math.sin(alpha * (theta0 + t));
    const cosRest = Math.cos(alpha * theta0 + am1 * t);
    return (
      (alpha / am1) * logY +
      logCosAT0 / am1 +
      (alpha / am1) * (Math.log(cosT) - Math.log(sinA)) +
      Math.log(cosRest) -
      Math.log(cosT)
    );
  };
  const integral = peakIntegral(logG, -theta0, HALF_PI);
  return (alpha / (Math.PI * Math.abs(am1) * y)) * integral;
}

/** Standard S1 density at alpha = 1, beta > 0 (Nolan 1997 Thm 1, alpha = 1 branch). */
function densityAlphaOne(x: number, beta: number): number {
  const shift = (-Math.PI * x) / (2 * beta);
  const logG = (t: number): number => {
    const a = HALF_PI + beta * t;
    return shift + Math.log((2 / Math.PI) * a) - Math.log(Math.cos(t)) + (a * Math.tan(t)) / beta;
  };
  return peakIntegral(logG, -HALF_PI, HALF_PI) / (2 * beta);
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
    const s = y / h;
    return f0 + 0.5 * s * (fp - fm) + 0.5 * s * s * (fp + fm - 2 * f0);
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

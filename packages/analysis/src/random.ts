/**
 * Seeded random numbers, so every synthetic ground-truth case and every bootstrap is reproducible.
 * xoshiro128** (Blackman & Vigna) seeded through splitmix32: fast, 2^128 period, good equidistribution.
 */
export interface Rng {
  /** Uniform on [0, 1). */
  next(): number;
  /** Standard normal N(0, 1). */
  normal(): number;
  /** Integer uniform on [0, n). */
  int(n: number): number;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** A seeded generator. The same seed always yields the same sequence. */
export function createRng(seed: number): Rng {
  const init = splitmix32(seed);
  let a = init();
  let b = init();
  let c = init();
  let d = init();
  if ((a | b | c | d) === 0) a = 1;
  const nextU32 = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5) >>> 0, 7), 9) >>> 0;
    const t = (b << 9) >>> 0;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };
  let spare: number | null = null;
  const next = (): number => (nextU32() * 2 ** 21 + (nextU32() >>> 11)) / 2 ** 53;
  return {
    next,
    normal(): number {
      // Marsaglia polar method; caches the second deviate.
      if (spare !== null) {
        const v = spare;
        spare = null;
        return v;
      }
      let u: number;
      let v: number;
      let s: number;
      do {
        u = 2 * next() - 1;
        v = 2 * next() - 1;
        s = u * u + v * v;
      } while (s >= 1 || s === 0);
      const f = Math.sqrt((-2 * Math.log(s)) / s);
      spare = v * f;
      return u * f;
    },
    int(n: number): number {
      return Math.floor(next() * n);
    },
  };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/**
 * One draw from the alpha-stable law S(alpha, beta, scale, loc) in Nolan's S1 parameterisation
 * (characteristic function exp(-|scale t|^alpha (1 - i beta sign(t) tan(pi alpha/2)) + i loc t) for alpha != 1),
 * by the Chambers-Mallows-Stuck method (Weron 1996 form).
 */
export function stableSample(rng: Rng, alpha: number, beta = 0, scale = 1, loc = 0): number {
  const v = Math.PI * (rng.next() - 0.5);
  let w: number;
  do {
    w = -Math.log(rng.next());
  } while (!Number.isFinite(w) || w === 0);
  if (alpha === 1) {
    const half = Math.PI / 2;
    const x =
      (1 / half) *
      ((half + beta * v) * Math.tan(v) - beta * Math.log((half * w * Math.cos(v)) / (half + beta * v)));
    return scale * x + (2 / Math.PI) * beta * scale * Math.log(scale) + loc;
  }
  const t = beta * Math.tan((Math.PI * alpha) / 2);
  const b = Math.atan(t) / alpha;
  const s = (1 + t * t) ** (1 / (2 * alpha));
  const x =
    ((s * Math.sin(alpha * (v + b))) / Math.cos(v) ** (1 / alpha)) *
    (Math.cos(v - alpha * (v + b)) / w) ** ((1 - alpha) / alpha);
  return scale * x + loc;
}

/**
 * Least-squares line fits shared by every power-law and linear-law estimator in the package.
 */
export interface LineFit {
  readonly slope: number;
  readonly intercept: number;
  /** Standard error of the slope (classical OLS/WLS formula, n - 2 degrees of freedom). */
  readonly slopeStdErr: number;
  readonly interceptStdErr: number;
  /** Root-mean-square residual with divisor n (the project's RMSE convention). */
  readonly rmse: number;
  /** Pearson correlation of x and y (unweighted). */
  readonly r: number;
  readonly n: number;
}

/** Ordinary least squares y = intercept + slope x. Optional weights make it weighted least squares. */
export function fitLine(x: ArrayLike<number>, y: ArrayLike<number>, weights?: ArrayLike<number>): LineFit {
  const n = x.length;
  if (n !== y.length) throw new RangeError(`fitLine: x has ${n} points but y has ${y.length}`);
  if (n < 2) throw new RangeError(`fitLine: need at least 2 points, got ${n}`);
  let sw = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i] : 1;
    sw += w;
    sx += w * x[i];
    sy += w * y[i];
  }
  const mx = sx / sw;
  const my = sy / sw;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i] : 1;
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxx += w * dx * dx;
    sxy += w * dx * dy;
    syy += w * dy * dy;
  }
  if (sxx === 0) throw new RangeError('fitLine: all x values are equal');
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let ssr = 0;
  let wssr = 0;
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i] : 1;
    const e = y[i] - intercept - slope * x[i];
    ssr += e * e;
    wssr += w * e * e;
  }
  const dof = n - 2;
  // With weights w = 1/sigma^2 the slope variance is 1/sxx scaled by the reduced chi-square.
  const s2 = dof > 0 ? wssr / dof : Number.NaN;
  const slopeStdErr = Math.sqrt(s2 / sxx);
  const interceptStdErr = Math.sqrt(s2 * (1 / sw + (mx * mx) / sxx));
  // Pearson r is always the unweighted correlation, as the seeds report it.
  let r: number;
  if (weights) {
    let ux = 0;
    let uy = 0;
    for (let i = 0; i < n; i++) {
      ux += x[i];
      uy += y[i];
    }
    ux /= n;
    uy /= n;
    let a = 0;
    let bx = 0;
    let by = 0;
    for (let i = 0; i < n; i++) {
      a += (x[i] - ux) * (y[i] - uy);
      bx += (x[i] - ux) ** 2;
      by += (y[i] - uy) ** 2;
    }
    r = a / Math.sqrt(bx * by);
  } else {
    r = sxy / Math.sqrt(sxx * syy);
  }
  return { slope, intercept, slopeStdErr, interceptStdErr, rmse: Math.sqrt(ssr / n), r, n };
}

/** Fit log10(y) = a + b log10(x) over points with x > 0 and y > 0 (others are skipped). */
export function fitPowerLaw(x: ArrayLike<number>, y: ArrayLike<number>): LineFit {
  const lx: number[] = [];
  const ly: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (x[i] > 0 && y[i] > 0 && Number.isFinite(x[i]) && Number.isFinite(y[i])) {
      lx.push(Math.log10(x[i]));
      ly.push(Math.log10(y[i]));
    }
  }
  return fitLine(lx, ly);
}

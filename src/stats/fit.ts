// Least-squares fits: the scaling checks' log-log exponent, the services' memory slope and the history's
// covariate line all rest on the same centred sums, computed once here.

export interface LinearFit {
  slope: number;
  intercept: number;
  /** Coefficient of determination; 1 when all points lie on the line. */
  r2: number;
}

/** The means of x and y and the centred sums of squares and products a least-squares line is made of. */
export interface CentredSums {
  mx: number;
  my: number;
  sxx: number;
  sxy: number;
  syy: number;
}

/** Plain left-to-right sums, so every caller gets the same floating-point result for the same points. */
export function centredSums(xs: readonly number[], ys: readonly number[]): CentredSums {
  const n = xs.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += xs[i] as number;
    my += ys[i] as number;
  }
  mx /= n;
  my /= n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] as number) - mx;
    const dy = (ys[i] as number) - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  return { mx, my, sxx, sxy, syy };
}

export function linearFit(xs: readonly number[], ys: readonly number[]): LinearFit {
  const n = xs.length;
  if (n !== ys.length) throw new Error('linearFit: xs and ys differ in length');
  if (n < 2) throw new Error('linearFit: needs at least two points');
  const { mx, my, sxx, sxy, syy } = centredSums(xs, ys);
  if (sxx === 0) throw new Error('linearFit: all x values are equal');
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx, r2: syy === 0 ? 1 : (sxy * sxy) / (sxx * syy) };
}

/**
 * The least-squares slope of y over x, or 0 when there is none (fewer than two points, or one x value):
 * for a trend reported as a metric, where "no trend seen" is the honest reading of too little data.
 */
export function slopeOrZero(xs: readonly number[], ys: readonly number[]): number {
  if (xs.length < 2) return 0;
  const { sxx, sxy } = centredSums(xs, ys);
  return sxx > 0 ? sxy / sxx : 0;
}

/**
 * Slope of log(y) against log(x): the exponent k in y ≈ c·x^k. 1 is linear, 2 quadratic.
 * Non-positive values have no logarithm and are rejected.
 */
export function logLogSlope(xs: readonly number[], ys: readonly number[]): LinearFit {
  for (const v of [...xs, ...ys]) {
    if (!(v > 0)) throw new Error(`logLogSlope: values must be positive (got ${v})`);
  }
  return linearFit(xs.map(Math.log), ys.map(Math.log));
}

// Least-squares fits used by scaling checks.

export interface LinearFit {
  slope: number;
  intercept: number;
  /** Coefficient of determination; 1 when all points lie on the line. */
  r2: number;
}

export function linearFit(xs: readonly number[], ys: readonly number[]): LinearFit {
  const n = xs.length;
  if (n !== ys.length) throw new Error('linearFit: xs and ys differ in length');
  if (n < 2) throw new Error('linearFit: needs at least two points');
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
  if (sxx === 0) throw new Error('linearFit: all x values are equal');
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx, r2: syy === 0 ? 1 : (sxy * sxy) / (sxx * syy) };
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

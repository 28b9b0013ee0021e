// Draws from common distributions on top of the seeded uniform generator in rng.ts, so simulations and
// resampling are reproducible from a seed.

/** A uniform generator on [0, 1), e.g. makeRng(seed) from rng.ts. */
export type Uniform = () => number;

/** One standard normal draw (Box-Muller; the second value of the pair is dropped to keep this stateless). */
export function normalDraw(rng: Uniform): number {
  let u = rng();
  // log(0) is -Infinity: redraw the one value that would produce it.
  while (u === 0) u = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** exp(N(mu, sigma²)): multiplicative noise, the usual shape of timing variation. */
export function lognormalDraw(rng: Uniform, mu = 0, sigma = 1): number {
  return Math.exp(mu + sigma * normalDraw(rng));
}

/** A uniform integer in [0, n). */
export function randomIndex(rng: Uniform, n: number): number {
  return Math.min(n - 1, Math.floor(rng() * n));
}

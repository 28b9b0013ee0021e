// Ranks with ties: tied values share the mean of the positions they occupy (midranks), as the rank tests
// need. Doubled midranks are always integers, which lets the exact distributions count in integers.

export interface Ranking {
  /** Midrank (1-based) of each value, in input order. */
  ranks: number[];
  /** 2 × midrank, an integer. */
  doubled: number[];
  /** Size of every group of tied values (groups of one included). */
  groups: number[];
  /** Σ (t³ − t) over tie groups: the variance correction of the normal approximations. */
  tieTerm: number;
  /** True when some value occurs more than once. */
  hasTies: boolean;
}

export function rank(values: readonly number[]): Ranking {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (values[a] as number) - (values[b] as number));
  const ranks = new Array<number>(n);
  const doubled = new Array<number>(n);
  const groups: number[] = [];
  let tieTerm = 0;
  let i = 0;
  while (i < n) {
    let j = i + 1;
    while (j < n && values[order[j] as number] === values[order[i] as number]) j++;
    // Positions i+1 .. j share the midrank (i + 1 + j) / 2.
    const twice = i + 1 + j;
    for (let k = i; k < j; k++) {
      ranks[order[k] as number] = twice / 2;
      doubled[order[k] as number] = twice;
    }
    const t = j - i;
    groups.push(t);
    tieTerm += t * t * t - t;
    i = j;
  }
  return { ranks, doubled, groups, tieTerm, hasTies: tieTerm > 0 };
}

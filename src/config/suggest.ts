// "Did you mean" suggestions by edit distance, counting a swap of neighbours as one typo.

/** Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent transpositions. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array(rows * cols).fill(0);
  const at = (i: number, j: number) => d[i * cols + j] as number;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, at(i - 2, j - 2) + 1);
      d[i * cols + j] = v;
    }
  }
  return at(rows - 1, cols - 1);
}

/**
 * The candidate nearest to a misspelt word, within a distance that grows with its length; undefined when none
 * is that near. Ties go to a candidate with the same letters, since a swap of two keys ("p59", "medain") is the
 * commonest typo. Case is ignored. Every "did you mean" (config keys, suite kinds, criteria) asks this one.
 */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  const letters = [...w].sort().join('');
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const cand of candidates) {
    const lc = cand.toLowerCase();
    const d = editDistance(w, lc);
    if (d > limit) continue;
    const score = d * 2 + ([...lc].sort().join('') === letters ? 0 : 1);
    if (score < bestScore) {
      bestScore = score;
      best = cand;
    }
  }
  return best;
}

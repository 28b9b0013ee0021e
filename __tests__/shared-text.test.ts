// The shared text helpers: percentages (one formatter for every report, warning and log line) and the one
// "did you mean" that config keys, suite kinds and criteria all ask.

import { describe, expect, it } from 'vitest';
import { editDistance, suggest } from '../src/config/suggest.ts';
import { formatPercent, percentMagnitude, wholePercent } from '../src/model/percent.ts';
import { makeRng } from '../src/stats/rng.ts';

describe('percentages', () => {
  it('writes a change with its sign, one decimal below 100% and none above', () => {
    expect(formatPercent(0.071)).toBe('+7.1%');
    expect(formatPercent(-0.12)).toBe('-12.0%');
    expect(formatPercent(2.5)).toBe('+250%');
    expect(formatPercent(-0.0004)).toBe('0.0%');
    expect(formatPercent(Number.NaN)).toBe('n/a');
    expect(formatPercent(Number.POSITIVE_INFINITY)).toBe('+∞%');
    expect(formatPercent(Number.NEGATIVE_INFINITY)).toBe('-∞%');
  });

  it('reads back the change it was given, to its precision, on seeded random fractions', () => {
    const rng = makeRng(53);
    for (let i = 0; i < 2000; i++) {
      const f = (rng() - 0.5) * 10 ** (rng() * 4 - 2);
      const text = formatPercent(f);
      const back = Number(text.replace('%', '')) / 100;
      // Half the last written digit: 0.05 points below 100%, 0.5 above.
      const step = Math.abs(f) >= 1 ? 0.005 : 0.0005;
      expect(Math.abs(back - f)).toBeLessThanOrEqual(step + 1e-12);
      if (back !== 0) expect(Math.sign(back)).toBe(Math.sign(f));
      const magnitude = percentMagnitude(f);
      expect(magnitude).toBe(text === '0.0%' ? '0.0%' : text.replace(/^[+-]/, ''));
    }
  });

  it('writes whole percentages for shares and settings', () => {
    expect(wholePercent(0.05)).toBe('5%');
    expect(wholePercent(0.424)).toBe('42%');
    expect(wholePercent(1)).toBe('100%');
    expect(percentMagnitude(Number.POSITIVE_INFINITY)).toBe('∞%');
  });
});

describe('did you mean', () => {
  it('suggests only within a distance that grows with the length of the word', () => {
    expect(suggest('tmie', ['time', 'warmup'])).toBe('time');
    expect(suggest('zzzzzz', ['time', 'warmup'])).toBeUndefined();
    expect(suggest('WARMUP', ['time', 'warmup'])).toBe('warmup');
  });

  it('breaks a tie in favour of the candidate with the same letters (a swap of two keys)', () => {
    // "p59" is one edit from both; only p95 holds the same letters.
    expect(editDistance('p59', 'p50')).toBe(editDistance('p59', 'p95'));
    expect(suggest('p59', ['p50', 'p95'])).toBe('p95');
    expect(suggest('p59', ['p95', 'p50'])).toBe('p95');
  });

  it('accepts any iterable of candidates, a Set or a Map key view as well as an array', () => {
    const keys = new Map([
      ['threshold', 1],
      ['timeout', 2],
    ]);
    expect(suggest('treshold', keys.keys())).toBe('threshold');
    expect(suggest('timout', new Set(['threshold', 'timeout']))).toBe('timeout');
  });

  it('never suggests something farther than the limit, on seeded random words', () => {
    const rng = makeRng(59);
    const word = () => Array.from({ length: 1 + Math.floor(rng() * 9) }, () => 'abcde'[Math.floor(rng() * 5)]).join('');
    for (let i = 0; i < 300; i++) {
      const w = word();
      const candidates = Array.from({ length: 6 }, word);
      const s = suggest(w, candidates);
      const distances = candidates.map((c) => editDistance(w, c));
      const nearest = Math.min(...distances);
      const limit = Math.max(1, Math.floor(w.length / 3));
      if (nearest > limit) expect(s).toBeUndefined();
      else expect(editDistance(w, s as string)).toBe(nearest);
    }
  });
});

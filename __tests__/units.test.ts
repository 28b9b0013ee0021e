import { describe, expect, it } from 'vitest';
import { matchesGlob, selectorMatches } from '../src/model/glob.ts';
import { formatMetricId, parseMetricId, splitParams } from '../src/model/metric-id.ts';
import { convert, dimensionOf, formatValue, parseAs, parseQuantity, UnitError } from '../src/model/units.ts';

describe('units', () => {
  it('parses quantities with SI prefixes and units', () => {
    expect(parseQuantity('250ms')).toEqual({ value: 250, unit: 'ms' });
    expect(parseQuantity('100k/s')).toEqual({ value: 100_000, unit: '/s' });
    expect(parseQuantity('1.5M events/s')).toEqual({ value: 1_500_000, unit: 'events/s' });
    expect(parseQuantity('100,000')).toEqual({ value: 100_000, unit: '' });
    expect(parseQuantity('5%')).toEqual({ value: 5, unit: '%' });
    expect(parseQuantity('1e3 us')).toEqual({ value: 1000, unit: 'us' });
    expect(() => parseQuantity('fast')).toThrow(UnitError);
    expect(() => parseQuantity('5 parsecs')).toThrow(/unknown unit "parsecs"/);
  });

  it('converts within a dimension and refuses across dimensions', () => {
    expect(convert(1, 's', 'ms')).toBe(1000);
    expect(convert(1500, 'us', 'ms')).toBeCloseTo(1.5);
    expect(convert(2, 'GiB', 'MiB')).toBe(2048);
    expect(convert(120, '/min', 'req/s')).toBeCloseTo(2);
    expect(() => convert(1, 's', 'req/s')).toThrow(/cannot convert time \(s\) to rate \(req\/s\)/);
    expect(parseAs('30s', 'ms')).toBe(30_000);
    expect(() => parseAs('30', 'ms')).toThrow(/needs a unit/);
    expect(dimensionOf('events/s')).toBe('rate');
    expect(dimensionOf('MB')).toBe('size');
  });

  it('round-trips every time unit through conversion', () => {
    for (const u of ['ns', 'us', 'µs', 'ms', 's', 'm', 'h']) {
      for (const v of [0.001, 1, 37.5, 1e6]) expect(convert(convert(v, u, 'ms'), 'ms', u)).toBeCloseTo(v, 6);
    }
  });

  it('formats values for humans', () => {
    expect(formatValue(1234, 'ms')).toBe('1.23 s');
    expect(formatValue(0.456, 'ms')).toBe('456 µs');
    expect(formatValue(125_000, 'events/s')).toBe('125k events/s');
    expect(formatValue(52_000_000, 'B')).toBe('52 MB');
    expect(formatValue(1.234, '%')).toBe('1.23%');
  });
});

describe('metric ids and globs', () => {
  it('formats and parses ids with parameters', () => {
    const id = formatMetricId('graph', 'plan/deep', { nodes: 1000, mode: 'fast' });
    expect(id).toBe('graph/plan/deep[nodes=1000,mode=fast]');
    expect(parseMetricId(id)).toEqual({ suite: 'graph', name: 'plan/deep', params: { nodes: 1000, mode: 'fast' } });
    expect(splitParams('a/b')).toEqual({ base: 'a/b' });
    expect(() => parseMetricId('nosuite')).toThrow(/<suite>\/<name>/);
  });

  it('matches * within a segment and ** across', () => {
    expect(matchesGlob('api/*/latency', 'api/create/latency')).toBe(true);
    expect(matchesGlob('api/*/latency', 'api/a/b/latency')).toBe(false);
    expect(matchesGlob('api/**/latency', 'api/a/b/latency')).toBe(true);
    expect(matchesGlob('api/**', 'api/x')).toBe(true);
    expect(matchesGlob('api/*', 'apiX/x')).toBe(false);
  });

  it('selects parameter sets as subsets', () => {
    expect(selectorMatches('graph/plan', 'graph/plan[nodes=1000]')).toBe(true);
    expect(selectorMatches('graph/plan[nodes=1000]', 'graph/plan[nodes=1000,mode=a]')).toBe(true);
    expect(selectorMatches('graph/plan[nodes=1000]', 'graph/plan[nodes=100]')).toBe(false);
    expect(selectorMatches('graph/*[nodes=1e3]', 'graph/plan[nodes=1000]')).toBe(true);
    expect(selectorMatches('graph/plan[nodes=1000]', 'graph/plan')).toBe(false);
    expect(selectorMatches('graph/pla', 'graph/plan[nodes=1]')).toBe(false);
  });
});

describe('byte rates', () => {
  it('reads MB/s as megabytes per second, not as an SI prefix on a rate', () => {
    expect(parseQuantity('0.5MB/s')).toEqual({ value: 0.5, unit: 'MB/s' });
    expect(parseQuantity('512KiB/s')).toEqual({ value: 512, unit: 'KiB/s' });
    // The prefix still scales plain rates.
    expect(parseQuantity('1.5M/s')).toEqual({ value: 1_500_000, unit: '/s' });
    expect(parseQuantity('2k req/s')).toEqual({ value: 2000, unit: 'req/s' });
  });

  it('converts between byte rates and refuses to mix them with event rates', () => {
    expect(convert(500, 'KB/s', 'MB/s')).toBeCloseTo(0.5, 12);
    expect(convert(1, 'MiB/s', 'KB/s')).toBeCloseTo(1048.576, 9);
    expect(convert(60, 'MB/min', 'MB/s')).toBeCloseTo(1, 12);
    expect(() => convert(1, 'MB/s', 'req/s')).toThrow(/bandwidth \(MB\/s\) to rate \(req\/s\)/);
    expect(formatValue(0.0025, 'MB/s')).toBe('2.5 KB/s');
  });
});

// A criterion as written in perf.yml: `expect: SELECTOR [STAT] OP VALUE`, with an optional label.

export interface CriterionConfig {
  name?: string;
  expect: string;
  /** Where it is written, such as `perf.yml:12:13`: errors about it lead with this, so users find the line. */
  where?: string;
}

export type Stat = 'mean' | 'median' | 'min' | 'max' | 'p50' | 'p75' | 'p90' | 'p95' | 'p99' | 'p999' | 'sd' | 'n';
export type Op = '<' | '<=' | '>' | '>=' | '==' | '!=';

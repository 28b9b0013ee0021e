// What every adapter writes into: metrics under the suite with clean ids, capped samples, and warnings for
// entries it had to skip, so one bad entry costs that entry and not the file.

import { makeMetric } from '../../src/model/make-metric.ts';
import type { Params } from '../../src/model/metric-id.ts';
import type { Better, Metric, MetricStats } from '../../src/model/results.ts';
import { IngestError } from './errors.ts';
import { capSamples, MAX_SAMPLES } from './stats.ts';

const MAX_WARNINGS = 50;

export interface MetricDraft {
  name: string;
  params?: Params;
  unit: string;
  better: Better;
  /** Raw values in `unit` (repetitions, rounds, windows): the gate's statistics run on them. */
  samples?: number[];
  /**
   * The samples are separate processes (hyperfine's runs): replicates. Otherwise they are iterations, rounds
   * or windows of one run, which describe that run (Metric.sampling).
   */
  replicates?: boolean;
  /** The tool's summary; computed from all samples when absent. */
  stats?: MetricStats;
}

export class Collector {
  readonly warnings: string[] = [];
  private readonly byId = new Map<string, Metric>();
  private reduced = 0;
  private unshown = 0;

  constructor(
    readonly suite: string,
    readonly source: string,
    /** Direction for custom entries that say nothing about it (the CLI's choice of bigger/smaller is better). */
    readonly better?: Better,
  ) {}

  warn(message: string): void {
    // A broken file can have thousands of bad lines: the first few say what is wrong.
    if (this.warnings.length < MAX_WARNINGS) this.warnings.push(message);
    else this.unshown++;
  }

  /** Run one entry's reading; an IngestError skips the entry with a warning, anything else is a bug and escapes. */
  entry(read: () => void): void {
    try {
      read();
    } catch (err) {
      if (!(err instanceof IngestError)) throw err;
      this.warn(`${err.message}; entry skipped`);
    }
  }

  add(draft: MetricDraft): Metric | undefined {
    // Copy only when something must go: a large run's samples are kept as they are.
    let samples = draft.samples?.every(Number.isFinite) ? draft.samples : draft.samples?.filter(Number.isFinite);
    let stats = draft.stats;
    if (samples && samples.length === 0) samples = undefined;
    if (!samples && !stats) {
      // Every value overflowed or was not a number (1e309 ns, say): nothing to compare, and no reason to fail
      // the other results for it.
      this.warn(`${this.source}: no value of ${draft.name} is a finite number; it is left out`);
      return undefined;
    }
    if (samples && samples.length > MAX_SAMPLES) {
      // Stats describe every value; the kept samples are quantiles standing for them.
      stats ??= makeMetric({
        suite: this.suite,
        name: draft.name,
        unit: draft.unit,
        better: draft.better,
        samples,
      }).stats;
      samples = capSamples(samples).samples;
      this.reduced++;
    }
    const metric = makeMetric({
      suite: this.suite,
      name: draft.name,
      ...(draft.params ? { params: draft.params } : {}),
      unit: draft.unit,
      better: draft.better,
      ...(samples ? { samples, windows: !draft.replicates } : {}),
      ...(stats ? { stats } : {}),
    });
    const overflow = nonFinite(metric.stats);
    if (overflow) {
      // Finite values near the largest double can still overflow a sum or a spread.
      this.warn(
        `${this.source}: ${metric.id} has values too large to summarise (stats.${overflow} is ${metric.stats[overflow]}); it is left out`,
      );
      return undefined;
    }
    if (this.byId.has(metric.id)) {
      this.warn(`${this.source}: two results are both named ${metric.id}; kept the first`);
      return undefined;
    }
    this.byId.set(metric.id, metric);
    return metric;
  }

  /**
   * The metrics read; a file that yields none is an error, never an empty pass. `where` is what the reader
   * searched (a JSON path, or the file's lines), `empty` that there was nothing to search.
   */
  finish(expected: string, where = '', empty = false): Metric[] {
    if (this.reduced > 0) {
      this.warnings.push(
        `${this.source}: ${this.reduced} metric(s) had more than ${MAX_SAMPLES} raw values; kept ${MAX_SAMPLES} evenly spaced quantiles of each (their stats use every value)`,
      );
    }
    if (this.unshown > 0) this.warnings.push(`${this.source}: ${this.unshown} more warning(s) not shown`);
    if (this.byId.size === 0) {
      const why = this.warnings.find((w) => w.endsWith('entry skipped'));
      const found = why ? `no usable entry (first problem: ${why})` : empty ? 'an empty file' : 'none';
      throw new IngestError(this.source, where, expected, found);
    }
    return [...this.byId.values()];
  }
}

/** The first stats field that is not a finite number (a loop, not Object.entries: it runs once per metric). */
function nonFinite(stats: MetricStats): keyof MetricStats | undefined {
  for (const key in stats) {
    const v = stats[key as keyof MetricStats];
    if (v !== undefined && !Number.isFinite(v)) return key as keyof MetricStats;
  }
  return undefined;
}

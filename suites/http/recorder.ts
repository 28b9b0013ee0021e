// What a worker thread measures, per request name and per sample window: HDR histograms of latency (and
// of ttfb / first event for streams) in microseconds, counts, errors and failure reasons. Encoded
// losslessly for the main thread, which merges every worker's histograms before taking percentiles.

import * as hdr from 'hdr-histogram-js';

export type Histogram = hdr.Histogram;

/** Whole-run histograms keep 3 significant digits; per-window ones need only their median (2 digits). */
export function newHistogram(digits: 2 | 3 = 3): Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: digits,
    autoResize: true,
  });
}

export interface EncodedSeries {
  full: string;
  windows: (string | null)[];
}

export class Series {
  readonly full = newHistogram(3);
  readonly windows: (Histogram | undefined)[];

  constructor(windows: number) {
    this.windows = new Array(windows).fill(undefined);
  }

  record(win: number, ms: number): void {
    const us = Math.max(1, Math.round(ms * 1000));
    this.full.recordValue(us);
    let h = this.windows[win];
    if (!h) {
      h = newHistogram(2);
      this.windows[win] = h;
    }
    h.recordValue(us);
  }

  encode(): EncodedSeries {
    return {
      full: hdr.encodeIntoCompressedBase64(this.full),
      windows: this.windows.map((h) => (h ? hdr.encodeIntoCompressedBase64(h) : null)),
    };
  }
}

export interface EncodedRequest {
  latency: EncodedSeries;
  /** Completed requests (answered or failed) per window, by start time. */
  counts: number[];
  errors: number[];
  failures: Record<string, number>;
  ttfb?: EncodedSeries;
  firstEvent?: EncodedSeries;
  /** [window, events/s] of each stream with at least two events. */
  eventRates: [number, number][];
}

export class RequestRecorder {
  readonly latency: Series;
  readonly counts: number[];
  readonly errors: number[];
  readonly failures = new Map<string, number>();
  readonly ttfb: Series | undefined;
  readonly firstEvent: Series | undefined;
  readonly eventRates: [number, number][] = [];

  constructor(windows: number, stream: boolean) {
    this.latency = new Series(windows);
    this.counts = new Array(windows).fill(0);
    this.errors = new Array(windows).fill(0);
    this.ttfb = stream ? new Series(windows) : undefined;
    this.firstEvent = stream ? new Series(windows) : undefined;
  }

  fail(win: number, reason: string): void {
    this.errors[win] = (this.errors[win] ?? 0) + 1;
    this.failures.set(reason, (this.failures.get(reason) ?? 0) + 1);
  }

  encode(): EncodedRequest {
    return {
      latency: this.latency.encode(),
      counts: this.counts,
      errors: this.errors,
      failures: Object.fromEntries(this.failures),
      ...(this.ttfb ? { ttfb: this.ttfb.encode() } : {}),
      ...(this.firstEvent ? { firstEvent: this.firstEvent.encode() } : {}),
      eventRates: this.eventRates,
    };
  }
}

export function decodeHistogram(text: string): Histogram {
  return hdr.decodeFromCompressedBase64(text, 32, false);
}

// When a producer sends what: its quota as fast as the broker takes it (closed model), or at a fixed rate
// (open model), for a number of events or a duration. In the open model each event is stamped with the
// time it was due, not the time it was sent, so a stalled broker shows up as latency instead of hiding it.

import { nowUs } from './event.ts';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

/** What a producer reports after a round: events the broker accepted, and when it sent the first and last. */
export interface ProduceReport {
  count: number;
  firstUs: number;
  lastUs: number;
  error?: string;
}

export interface Pace {
  /** When the producer started (epoch µs). */
  readonly startUs: number;
  /** Events this producer sends at most this round. */
  readonly limit: number;
  /** The timestamp event `seq` carries. */
  stamp(seq: number): number;
  /**
   * The batches to send, in order: events `first` to `first + n - 1` (at most `batch`), each when it is
   * due, until the limit or the round's duration is reached or `going()` turns false.
   */
  batches(batch: number, going: () => boolean): AsyncGenerator<{ first: number; n: number; index: number }>;
}

export function makePace(
  spec: { ratePerProducer?: number; durationMs?: number },
  quota: number,
  startUs = nowUs(),
): Pace {
  const rate = spec.ratePerProducer;
  const intervalUs = rate ? 1e6 / rate : 0;
  const stamp = rate ? (seq: number) => Math.round(startUs + seq * intervalUs) : nowUs;
  const endUs = spec.durationMs !== undefined ? startUs + spec.durationMs * 1000 : Number.POSITIVE_INFINITY;
  // In the open model the round holds exactly the events due before its end, however late they are sent.
  const limit =
    rate && spec.durationMs !== undefined ? Math.min(quota, Math.ceil((spec.durationMs * 1000) / intervalUs)) : quota;
  return {
    startUs,
    limit,
    stamp,
    async *batches(batch, going) {
      let seq = 0;
      let index = 0;
      while (seq < limit && going()) {
        let due = limit;
        if (rate) {
          const now = nowUs();
          due = Math.min(limit, Math.floor((now - startUs) / intervalUs) + 1);
          if (due <= seq) {
            await sleep((startUs + seq * intervalUs - now) / 1000);
            continue;
          }
        } else if (endUs !== Number.POSITIVE_INFINITY && nowUs() >= endUs) return;
        const n = Math.min(batch, due - seq);
        yield { first: seq, n, index: index++ };
        seq += n;
      }
    },
  };
}

// The peers' rules (peers.ts) on real results documents: the baseline, a head run and the main runs before it.

import type { Metric, ResultsDocument } from '../src/model/results.ts';
import { PEERS, type PeerInput, peerFlags } from './peers.ts';

const valuesOf = (m: Metric): number[] => (m.samples && m.samples.length > 0 ? m.samples : [m.stats.median]);
const byId = (doc: ResultsDocument) => new Map(doc.suites.flatMap((s) => s.metrics).map((m) => [m.id, m]));

/** Per peer rule, the ids it flags as regressed in `head` against `base`, with `mains` (oldest first) as history. */
export function peerVerdicts(
  base: ResultsDocument,
  head: ResultsDocument,
  mains: readonly ResultsDocument[],
): Record<string, string[]> {
  const b = byId(base);
  const runs = mains.map(byId);
  const inputs = new Map<string, PeerInput>();
  for (const [id, h] of byId(head)) {
    const m = b.get(id);
    if (!m) continue;
    inputs.set(id, {
      better: h.better,
      base: valuesOf(m),
      head: valuesOf(h),
      history: runs.flatMap((r) => {
        const x = r.get(id);
        return x ? [valuesOf(x)] : [];
      }),
    });
  }
  return Object.fromEntries(PEERS.map((p) => [p.name, peerFlags(p, inputs)]));
}

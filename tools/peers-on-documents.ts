// The peers' rules (peers.ts) on real results documents: the baseline, a head run and the main runs before it.

import type { ResultsDocument } from '../src/model/results.ts';
import { PEERS, peerFlags, peerInputsOf } from './peers.ts';

/** Per peer rule, the ids it flags as regressed in `head` against `base`, with `mains` (oldest first) as history. */
export function peerVerdicts(
  base: ResultsDocument,
  head: ResultsDocument,
  mains: readonly ResultsDocument[],
): Record<string, string[]> {
  const inputs = peerInputsOf(base, head, mains);
  return Object.fromEntries(PEERS.map((p) => [p.name, peerFlags(p, inputs)]));
}

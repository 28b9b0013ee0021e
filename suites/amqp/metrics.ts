// Rounds to metrics: the shared broker metrics (src/broker/metrics.ts) plus RabbitMQ's redelivered count.

import { roundsToMetrics as brokerMetrics } from '../../src/broker/metrics.ts';
import type { Metric } from '../../src/model/results.ts';
import type { RoundResult } from './round.ts';

export function roundsToMetrics(
  suite: string,
  rounds: RoundResult[],
  opts: { consumers: number; crash: boolean },
): Metric[] {
  return brokerMetrics(suite, rounds, opts, [{ name: 'redelivered', pick: (r) => r.redelivered }]);
}

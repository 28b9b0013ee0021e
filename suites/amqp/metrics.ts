// Rounds to metrics: the shared broker metrics (suites/broker/metrics.ts) plus RabbitMQ's redelivered count.

import type { Metric } from '../../src/model/results.ts';
import { roundsToMetrics as brokerMetrics } from '../broker/metrics.ts';
import type { RoundResult } from './round.ts';

export function roundsToMetrics(
  suite: string,
  rounds: RoundResult[],
  opts: { consumers: number; crash: boolean },
): Metric[] {
  return brokerMetrics(suite, rounds, opts, [{ name: 'redelivered', pick: (r) => r.redelivered }]);
}

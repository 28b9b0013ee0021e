// Rounds to metrics: the shared broker metrics (suites/broker/metrics.ts); Redis Streams adds none.

export { roundsToMetrics } from '../broker/metrics.ts';

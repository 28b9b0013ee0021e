// Rounds to metrics: the shared broker metrics (src/broker/metrics.ts); Redis Streams adds none.

export { roundsToMetrics } from '../../src/broker/metrics.ts';

// The units of the metrics a broker suite yields (metrics.ts), by the last segment of their names.
export const BROKER_METRIC_UNITS: Readonly<Record<string, string>> = {
  throughput: 'events/s',
  latency: 'ms',
  lost: 'count',
  duplicates: 'count',
  redelivered: 'count',
  unconfirmed: 'count',
  backlog: 'events',
  recovery: 'ms',
};

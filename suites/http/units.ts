// The units of the metrics an http suite yields (metrics.ts), by the last segment of their names.
export const HTTP_METRIC_UNITS: Readonly<Record<string, string>> = {
  throughput: 'req/s',
  error_rate: '%',
  latency: 'ms',
  ttfb: 'ms',
  first_event: 'ms',
  events_per_s: 'events/s',
  dropped: 'count',
  late: 'count',
};

// A bench yields one metric per case and parameter set: the time per operation.
export const BENCH_METRIC_UNITS: Readonly<Record<string, string>> = { '*': 'ms' };

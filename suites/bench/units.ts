// A bench yields one metric per case and parameter set, the time per operation, and with `memory: true`
// the bytes allocated per operation and the longest GC pause of each case.
export const BENCH_METRIC_UNITS: Readonly<Record<string, string>> = { '*': 'ms', alloc: 'B', gc_pause: 'ms' };

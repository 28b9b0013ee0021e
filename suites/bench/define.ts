// The API of benchmark files: `export default defineBench({ params, setup, benches })`.

export type ParamValue = string | number;
export type ParamGrid = Record<string, readonly ParamValue[]>;
/** One point of a parameter grid: `{ nodes: 1000 }`. */
export type ParamsOf<G extends ParamGrid> = { [K in keyof G]: G[K][number] };

export interface BenchOptions {
  /** Time budget per case and process, e.g. "500ms" or 500 (ms). */
  time?: string | number;
  /** Warm-up time per case and process. */
  warmup?: string | number;
  /** Minimum iterations per case and process. */
  iterations?: number;
}

export interface BenchDefinition<G extends ParamGrid = ParamGrid, S = undefined> {
  /** Parameter grid: every combination is one case, named `bench[k=v,...]`. */
  params?: G;
  /**
   * Runs before each case (one bench at one parameter point) in each process, outside the timing: build inputs
   * here. Every bench gets its own state, so a bench that mutates it cannot skew another.
   */
  setup?: (params: ParamsOf<G>) => S | Promise<S>;
  /** Runs after each case, also when the bench threw: release what setup took. */
  teardown?: (state: S, params: ParamsOf<G>) => unknown;
  /** The timed functions, by name; sync or async. */
  benches: Record<string, (state: S, params: ParamsOf<G>) => unknown>;
  options?: BenchOptions;
}

export const BENCH_TAG = Symbol.for('perf-action.bench');

export type TaggedBench = BenchDefinition<ParamGrid, unknown> & { [BENCH_TAG]: true };

export function defineBench<const G extends ParamGrid = Record<never, never>, S = undefined>(
  definition: BenchDefinition<G, S>,
): BenchDefinition<G, S> {
  return Object.assign(definition, { [BENCH_TAG]: true });
}

/** Every combination of a grid, in declaration order (the first key varies slowest). */
export function expandGrid(grid: ParamGrid | undefined): Array<Record<string, ParamValue>> {
  let out: Array<Record<string, ParamValue>> = [{}];
  for (const [key, values] of Object.entries(grid ?? {})) {
    if (!Array.isArray(values) || values.length === 0) {
      throw new Error(`params.${key} must be a non-empty array of numbers or strings`);
    }
    out = out.flatMap((partial) => values.map((v) => ({ ...partial, [key]: v })));
  }
  return out;
}

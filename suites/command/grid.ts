// Parameter grids: `params: { AGENTS: [5, 10], MODE: [a, b] }` -> every combination, in declaration order.

export type ParamSet = Record<string, string | number>;

export function expandGrid(params: Record<string, Array<string | number>> | undefined): ParamSet[] {
  let sets: ParamSet[] = [{}];
  for (const [name, values] of Object.entries(params ?? {})) {
    sets = sets.flatMap((set) => values.map((v) => ({ ...set, [name]: v })));
  }
  return sets;
}

/** The set as environment variables for the command. */
export function paramEnv(set: ParamSet): Record<string, string> {
  return Object.fromEntries(Object.entries(set).map(([k, v]) => [k, String(v)]));
}

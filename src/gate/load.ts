// The config as every entry reads it: user TypeScript enabled, the runner's secrets hidden while it loads,
// criteria checked (their syntax, and their units where the suite's kind knows the metric's). The environment it returns is the one the pull request's code (suites, services,
// commands) gets; the caller keeps its own for its own calls (GitHub, the cache).

import path from 'node:path';
import { type LoadedConfig, loadConfig } from '../config/load.ts';
import { checkCriteria } from '../criteria/index.ts';
import { checkCriteriaUnits } from '../criteria/units-check.ts';
import type { Registry } from '../runner/registry.ts';
import { loadScrubbed } from '../runner/scrub.ts';
import { registerTsLoader } from '../runner/ts-loader.ts';

export interface GateConfig {
  loaded: LoadedConfig;
  /** The environment scrubbed of the runner's secrets, with the config's `pass-env` names let through. */
  suiteEnv: NodeJS.ProcessEnv;
}

export async function loadGateConfig(
  file: string | undefined,
  at: { cwd: string; env: NodeJS.ProcessEnv; registry: Registry },
): Promise<GateConfig> {
  registerTsLoader({ ...at.registry.api });
  const { loaded, env } = await loadScrubbed(at.env, (e) =>
    loadConfig(file, { kinds: at.registry.kinds, cwd: at.cwd, env: e }),
  );
  checkCriteria(loaded.config.criteria);
  checkCriteriaUnits(
    loaded.config.criteria,
    loaded.config.suites.map((s) => {
      const units = loaded.kinds.find((k) => k.name === s.kind)?.metricUnits;
      const line = loaded.config.lines?.suites[s.name];
      return {
        name: s.name,
        ...(units ? { units } : {}),
        ...(s.ladder ? { ladder: s.ladder } : {}),
        ...(line ? { where: `${path.relative(at.cwd, loaded.file) || loaded.file}:${line}` } : {}),
      };
    }),
  );
  return { loaded, suiteEnv: env };
}

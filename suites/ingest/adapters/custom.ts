// Custom JSON: the format of github-action-benchmark's "customBiggerIsBetter"/"customSmallerIsBetter" tools,
// for any tool perf-action does not read itself: `[{ "name": "...", "unit": "...", "value": 1.5, "range"?: "±3%",
// "extra"?: "..." }]`.
//
// Used: name, unit, value; `range` and `extra` are display text and are ignored. Units are normalised (times to
// ms, sizes to B, rates to /s, "Percent" to %; unknown units are kept as written). Direction: an entry's own
// `better: "higher"|"lower"` (or `biggerIsBetter: true|false`) wins; else the caller's choice (the CLI's
// bigger/smaller-is-better); else the unit's (rates higher, everything else lower).
// Names: the entry's name; a trailing `[k=v]` becomes parameters. One value, no samples.

import type { Better } from '../../../src/model/results.ts';
import type { Collector } from '../collector.ts';
import { childPath, JsonReader, parseJson } from '../json.ts';
import { cleanName, kvParams, splitBracket } from '../names.ts';
import { pointStats } from '../stats.ts';
import { betterFor, normalizeUnit } from '../units.ts';

export function readCustom(text: string, out: Collector): void {
  const json = new JsonReader(out.source);
  const doc = json.array(parseJson(text, out.source, 'a JSON array of {name, unit, value}'), '$');
  const unknownUnits = new Set<string>();
  doc.forEach((raw, i) => {
    const path = childPath('$', i);
    out.entry(() => {
      const e = json.object(raw, path);
      const rawName = json.string(e.name, `${path}.name`);
      const value = json.number(e.value, `${path}.value`);
      const unitText = e.unit === undefined || e.unit === null ? '' : String(e.unit);
      const norm = normalizeUnit(unitText);
      if (norm.kind === 'unknown') unknownUnits.add(unitText);
      let better: Better | undefined;
      if (e.better === 'higher' || e.better === 'lower') better = e.better;
      else if (e.better !== undefined) json.fail(`${path}.better`, '"higher" or "lower"', e.better);
      else if (typeof e.biggerIsBetter === 'boolean') better = e.biggerIsBetter ? 'higher' : 'lower';
      const { base, inside } = splitBracket(rawName);
      const params = inside === undefined ? undefined : kvParams(inside);
      out.add({
        name: cleanName(params ? base : rawName),
        ...(params ? { params } : {}),
        unit: norm.unit,
        better: better ?? out.better ?? betterFor(norm.kind),
        stats: pointStats(value * norm.factor),
      });
    });
  });
  if (unknownUnits.size > 0) {
    out.warn(
      `${out.source}: units ${[...unknownUnits].map((u) => `"${u}"`).join(', ')} are not ones perf-action converts; kept as written`,
    );
  }
}

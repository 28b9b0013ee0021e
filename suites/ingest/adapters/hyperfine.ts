// hyperfine: the JSON written by `hyperfine --export-json FILE ...`.
//
// Used: results[].command, .times (every run's wall time, s), .mean/.median/.min/.max/.stddev (s), .exit_codes,
// .parameters (from -P/-L). One metric per command, in ms, lower is better; `times` become the samples.
// Names: the command (or its -n name). With parameters the metric is named after the command template, found by
// putting `{param}` back where the value was (`sleep 0.00{ms}` for `-P ms 2 4 'sleep 0.00{ms}'`), and the values
// become parameters, so every value of a sweep is the same metric at a different parameter.

import type { Params } from '../../../src/model/metric-id.ts';
import type { Collector } from '../collector.ts';
import { childPath, type JsonObject, JsonReader, parseJson } from '../json.ts';
import { cleanName, paramKey, paramValue } from '../names.ts';
import { statsFromSummary } from '../stats.ts';

const S_TO_MS = 1000;

interface Run {
  command: string;
  parameters: Record<string, string>;
  result: JsonObject;
  path: string;
}

export function readHyperfine(text: string, out: Collector): void {
  const json = new JsonReader(out.source);
  const doc = json.object(parseJson(text, out.source, 'a hyperfine --export-json report'), '$');
  const results = json.array(doc.results, '$.results');
  const runs: Run[] = [];
  results.forEach((raw, i) => {
    const path = childPath('$.results', i);
    out.entry(() => {
      const result = json.object(raw, path);
      const command = json.string(result.command, `${path}.command`);
      // fromEntries defines own keys, so even a parameter named "__proto__" is kept (assignment would drop it).
      const parameters: Record<string, string> =
        result.parameters === undefined || result.parameters === null
          ? {}
          : Object.fromEntries(
              Object.entries(json.object(result.parameters, `${path}.parameters`)).map(([k, v]) => [k, String(v)]),
            );
      runs.push({ command, parameters, result, path });
    });
  });
  const names = templateNames(runs);
  runs.forEach((run, i) => {
    out.entry(() => {
      const { result, path } = run;
      const s = (key: string) => {
        const v = json.optionalNumber(result[key], `${path}.${key}`);
        return v === undefined ? undefined : v * S_TO_MS;
      };
      const times = result.times === undefined ? undefined : json.numbers(result.times, `${path}.times`);
      const exits = Array.isArray(result.exit_codes) ? result.exit_codes : [];
      const failed = exits.filter((c) => c !== 0).length;
      if (failed > 0)
        out.warn(`${out.source} at ${path}: ${failed} of ${exits.length} runs of "${run.command}" failed`);
      const params: Params = {};
      for (const [k, v] of Object.entries(run.parameters)) params[paramKey(k)] = paramValue(v);
      const mean = s('mean');
      if (!times?.length && mean === undefined) json.fail(path, '"times" or a "mean"', undefined);
      out.add({
        name: names[i] as string,
        params,
        unit: 'ms',
        better: 'lower',
        ...(times?.length
          ? { samples: times.map((t) => t * S_TO_MS), replicates: true }
          : {
              stats: statsFromSummary({
                n: exits.length || 1,
                mean,
                median: s('median'),
                min: s('min'),
                max: s('max'),
                sd: s('stddev'),
              }),
            }),
      });
    });
  });
}

/** Names for runs: the command, or for a parameter sweep the template every run of the sweep shares. */
function templateNames(runs: Run[]): string[] {
  const groups = new Map<string, number[]>();
  runs.forEach((run, i) => {
    const keys = Object.keys(run.parameters).sort().join(',');
    if (!keys) return;
    // One array per parameter set, appended to: copying it for every run made a long sweep quadratic.
    const members = groups.get(keys);
    if (members) members.push(i);
    else groups.set(keys, [i]);
  });
  const names = runs.map((run) => cleanName(run.command));
  for (const [keys, members] of groups) {
    const templates = members.map((i) => substituteBack(runs[i] as Run));
    const agreed = templates.every((t) => t === templates[0]);
    let template: string | undefined = agreed ? templates[0] : undefined;
    // Values that also occur elsewhere in the command confuse the substitution: with one parameter, the part
    // every command shares around the varying part is the template.
    if (template === undefined && !keys.includes(',') && members.length > 1) {
      template = aroundCommonParts(
        members.map((i) => (runs[i] as Run).command),
        keys,
      );
    }
    if (template !== undefined) for (const i of members) names[i] = cleanName(template);
  }
  return names;
}

function substituteBack(run: Run): string {
  let template = run.command;
  const entries = Object.entries(run.parameters).sort((a, b) => b[1].length - a[1].length);
  for (const [key, value] of entries) if (value !== '') template = template.split(value).join(`{${key}}`);
  return template;
}

function aroundCommonParts(commands: string[], key: string): string | undefined {
  const first = commands[0] as string;
  let pre = first.length;
  let suf = first.length;
  for (const c of commands) {
    let i = 0;
    while (i < pre && i < c.length && c[i] === first[i]) i++;
    pre = i;
    let j = 0;
    while (j < suf && j < c.length && c[c.length - 1 - j] === first[first.length - 1 - j]) j++;
    suf = j;
  }
  // A loop, not Math.min(...): spreading a sweep of 100k+ commands overflows the call stack.
  const shortest = commands.reduce((min, c) => Math.min(min, c.length), Infinity);
  if (pre + suf > shortest) suf = shortest - pre;
  return `${first.slice(0, pre)}{${key}}${first.slice(first.length - suf)}`;
}

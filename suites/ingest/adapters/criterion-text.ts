// criterion's terminal output (`cargo bench` stdout): for each benchmark
//   plan/nodes/100          time:   [19.368 ns 19.508 ns 19.735 ns]
//                           thrpt:  [5.0670 Gelem/s 5.1260 Gelem/s 5.1631 Gelem/s]
// (a long id stands on its own line above `time:`), then optional `change:` lines about the previous run.
//
// Used: the middle value of `time:` (criterion's point estimate; the outer two are its confidence interval) in
// ms, lower; `thrpt:` as `<name>/throughput` in elem/s or MB/s, higher. `change:` lines are criterion's own
// comparison and are skipped. No samples: the text has none (ingest target/criterion for them).
// Names as for the JSON files: `plan/nodes/100` -> `plan/nodes` with {case: 100}.

import type { Collector } from '../collector.ts';
import { describeProblem } from '../errors.ts';
import { pointStats } from '../stats.ts';
import { normalizeUnit } from '../units.ts';
import { splitId } from './criterion.ts';

const ESTIMATE = /^(\S.*?)?\s+(time|thrpt):\s+\[(.*)\]\s*$/;

export function readCriterionText(text: string, out: Collector): void {
  const lines = text.split(/\r?\n/);
  let current: { id: string; inChange: boolean } | undefined;
  let previous = '';
  lines.forEach((line, i) => {
    const where = `line ${i + 1}`;
    if (/^\s*change:/.test(line)) {
      if (current) current.inChange = true;
      previous = line;
      return;
    }
    const m = ESTIMATE.exec(line);
    if (!m) {
      if (/panicked at/.test(line)) out.warn(`${out.source} at ${where}: ${line.trim()}`);
      previous = line;
      return;
    }
    const [, idOnLine, kind, inside] = m as unknown as [string, string | undefined, string, string];
    if (kind === 'time' && idOnLine !== undefined && !/^\s/.test(line)) current = { id: idOnLine, inChange: false };
    else if (kind === 'time' && /^\s/.test(line) && !current?.inChange && /^\S/.test(previous)) {
      current = { id: previous.trim(), inChange: false };
    }
    previous = line;
    if (!current || current.inChange || inside.includes('%')) return;
    const values = parseTriple(inside);
    if (!values) {
      out.warn(
        `${describeProblem(out.source, where, 'three `<number> <unit>` values in [ ]', JSON.stringify(inside))}; entry skipped`,
      );
      return;
    }
    const norm = normalizeUnit(values.unit);
    const { name, params } = splitId(current.id);
    const value = values.estimate * norm.factor;
    if (kind === 'time' && norm.kind === 'time') {
      out.add({ name, ...(params ? { params } : {}), unit: 'ms', better: 'lower', stats: pointStats(value) });
    } else if (kind === 'thrpt' && norm.kind === 'rate') {
      out.add({
        name: `${name}/throughput`,
        ...(params ? { params } : {}),
        unit: norm.unit,
        better: 'higher',
        stats: pointStats(value),
      });
    } else {
      out.warn(
        `${describeProblem(out.source, where, `a ${kind === 'time' ? 'time' : 'rate'} unit`, JSON.stringify(values.unit))}; entry skipped`,
      );
    }
  });
}

function parseTriple(inside: string): { estimate: number; unit: string } | undefined {
  const fields = inside.trim().split(/\s+/);
  if (fields.length !== 6) return undefined;
  const estimate = Number(fields[2]);
  const unit = fields[3] as string;
  if (!Number.isFinite(estimate) || [0, 4].some((i) => !Number.isFinite(Number(fields[i])))) return undefined;
  return { estimate, unit };
}

// benchmark.js: the lines its suites print on each cycle (`String(event.target)`):
//   RegExp#test x 4,161,532 ops/sec ±0.99% (69 runs sampled)
// A benchmark that threw prints `name: <error>` instead.
//
// Used: name, ops/sec and the number of runs sampled. One metric per benchmark in ops/s, higher is better;
// the text has no per-run values, so no samples. Other lines (console output, "Fastest is ...") are ignored.
// Names: the benchmark's name; a trailing `[k=v]` becomes parameters.

import type { Collector } from '../collector.ts';
import { describeProblem } from '../errors.ts';
import { cleanName, kvParams, splitBracket } from '../names.ts';
import { pointStats } from '../stats.ts';

const CYCLE = /^(.*\S) x ([\d,]+(?:\.\d+)?) ops\/sec (?:±|\+\/-)\s*([\d.]+)% \((\d+) runs? sampled\)\s*$/;

export function readBenchmarkJs(text: string, out: Collector): void {
  text.split(/\r?\n/).forEach((line, i) => {
    const where = `line ${i + 1}`;
    const m = CYCLE.exec(line);
    if (m) {
      const hz = Number((m[2] as string).replace(/,/g, ''));
      const { base, inside } = splitBracket(m[1] as string);
      const params = inside === undefined ? undefined : kvParams(inside);
      const name = cleanName(params ? base : (m[1] as string));
      out.add({
        name,
        ...(params ? { params } : {}),
        unit: 'ops/s',
        better: 'higher',
        stats: pointStats(hz, Number(m[4])),
      });
      return;
    }
    if (/ x [\d,.]*/.test(line) && /ops\/sec|runs? sampled/.test(line)) {
      out.warn(
        `${describeProblem(out.source, where, '"<name> x <n> ops/sec ±<rme>% (<runs> runs sampled)"', JSON.stringify(line.slice(0, 80)))}; entry skipped`,
      );
      return;
    }
    const failed = /^(\S.*?): ?((?:\w*Error\b.*)?)$/.exec(line);
    if (failed && !/^Fastest is /.test(line)) {
      out.warn(
        `${out.source} at ${where}: benchmark "${failed[1]}" failed${failed[2] ? `: ${failed[2]}` : ''}; it has no result`,
      );
    }
  });
}

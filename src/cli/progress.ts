// Progress on stderr: a live bar on a terminal, plain lines (not too many) in logs.

import { wholePercent } from '../model/percent.ts';
import type { ProgressSink } from '../runner/progress.ts';

export function stderrProgress(stream: NodeJS.WriteStream = process.stderr): ProgressSink {
  const tty = stream.isTTY === true;
  let lastLine = '';
  let lastPlain = 0;
  let live = false;
  const clear = () => {
    if (live) {
      stream.write('\r\x1b[2K');
      live = false;
    }
  };
  const line = (text: string) => {
    clear();
    stream.write(`${text}\n`);
  };
  return {
    suiteStart(suite, kind) {
      line(`▶ ${suite} (${kind})`);
    },
    update(suite, message, fraction) {
      if (tty) {
        const width = 20;
        const bar =
          fraction === undefined
            ? ''
            : `[${'█'.repeat(Math.round(fraction * width)).padEnd(width, '·')}] ${wholePercent(fraction)} `;
        const text = `  ${suite}: ${bar}${message}`;
        stream.write(`\r\x1b[2K${text.slice(0, (stream.columns || 100) - 1)}`);
        live = true;
        return;
      }
      // In CI logs: print when the message changes, at most every 2 s.
      const text = `  ${suite}: ${message}${fraction === undefined ? '' : ` (${wholePercent(fraction)})`}`;
      const now = Date.now();
      if (text !== lastLine && now - lastPlain >= 2000) {
        stream.write(`${text}\n`);
        lastPlain = now;
      }
      lastLine = text;
    },
    suiteEnd(suite, ok, durationMs, metrics, error) {
      const secs = (durationMs / 1000).toFixed(1);
      line(
        ok
          ? `✔ ${suite}: ${metrics} metrics in ${secs} s`
          : `✖ ${suite} failed after ${secs} s: ${error ?? 'unknown error'}`,
      );
    },
    warn(message) {
      line(`warning: ${message}`);
    },
    info(message) {
      line(message);
    },
  };
}

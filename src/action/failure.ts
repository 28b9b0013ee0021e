// How the action fails when it cannot get as far as a verdict (bad inputs, a bad perf.yml, a crash): the
// step's failure line stays one line, and each config problem becomes an annotation on its file and line.

import path from 'node:path';
import { ConfigError } from '../config/load.ts';

export interface FailureSink {
  error(message: string, props?: { title?: string; file?: string; startLine?: number; startColumn?: number }): void;
  info(message: string): void;
  setFailed(message: string): void;
}

/** Annotations point at files relative to the repository root, or they do not attach to the diff. */
export function repoRelative(file: string, workspace: string | undefined): string {
  if (!workspace || !path.isAbsolute(file)) return file;
  const rel = path.relative(workspace, file);
  return rel.startsWith('..') ? file : rel.split(path.sep).join('/');
}

export function reportFailure(err: unknown, sink: FailureSink, workspace?: string): void {
  if (err instanceof ConfigError && err.problems.length > 0) {
    for (const p of err.problems) {
      sink.error(`${p.path ? `${p.path}: ` : ''}${p.message}`, {
        title: 'perf-action: config',
        file: repoRelative(p.file, workspace),
        ...(p.line !== undefined ? { startLine: p.line } : {}),
        ...(p.column !== undefined ? { startColumn: p.column } : {}),
      });
    }
    const [first] = err.message.split('\n');
    const more = err.problems.length - 1;
    sink.setFailed(
      `perf-action: ${first}${more > 0 ? ` (and ${more} more problem${more === 1 ? '' : 's'}: see the annotations)` : ''}`,
    );
    return;
  }
  const message = err instanceof Error ? err.message : String(err);
  const [first = '', ...rest] = message.split('\n');
  // The rest (a stack of causes, a list) goes to the log, where a multi-line failure would be cut anyway.
  if (rest.length > 0) sink.info(message);
  sink.setFailed(`perf-action: ${first}`);
}

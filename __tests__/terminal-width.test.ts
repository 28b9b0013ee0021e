// The CLI sizes its report to the terminal, and to a wide page where there is none (CI logs, files).

import { describe, expect, it } from 'vitest';
import { type Io, terminalWidth } from '../src/cli/commands.ts';

const io = (stdout: Record<string, unknown>, env: Record<string, string> = {}) =>
  ({ stdout, stderr: {}, env, cwd: '.' }) as unknown as Io;

describe('terminalWidth', () => {
  it('takes the terminal, else COLUMNS, else a wide page', () => {
    expect(terminalWidth(io({ isTTY: true, columns: 93 }))).toBe(93);
    expect(terminalWidth(io({ isTTY: false, columns: 93 }, { COLUMNS: '120' }))).toBe(120);
    expect(terminalWidth(io({}, { COLUMNS: 'wide' }))).toBe(200);
    expect(terminalWidth(io({ isTTY: true }))).toBe(200);
  });
});

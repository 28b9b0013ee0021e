// The criteria language: `SELECTOR [STAT] OP VALUE`, where SELECTOR may also be scaling(SELECTOR, PARAM),
// ratio(A, B) or diff(A, B). Parsed by hand with a cursor, so that every error can point at the exact column
// and say what was expected there; criteria are one-liners users type from memory.

import { suggest } from '../config/suggest.ts';
import { dimensionOf, parseQuantity, type Quantity, UnitError } from '../model/units.ts';
import type { CriterionConfig, Op, Stat } from './types.ts';

export const STATS: readonly Stat[] = [
  'mean',
  'median',
  'min',
  'max',
  'p50',
  'p75',
  'p90',
  'p95',
  'p99',
  'p999',
  'sd',
  'n',
];
export const OPS: readonly Op[] = ['<', '<=', '>', '>=', '==', '!='];

/** The functions that compare two metrics of one run: stat(A) / stat(B), and stat(A) − stat(B) in A's unit. */
export type RelativeKind = 'ratio' | 'diff';

export type Selector =
  | { kind: 'metric'; pattern: string }
  | { kind: 'scaling'; pattern: string; param: string }
  /** `pattern` is A and `other` is B; `columns` are where each is written (1-based), for errors found later. */
  | { kind: RelativeKind; pattern: string; other: string; columns: [number, number] };

const FUNCTIONS = ['scaling', 'ratio', 'diff'] as const;
const CALL_FORM: Record<(typeof FUNCTIONS)[number], string> = {
  scaling: 'scaling(SELECTOR, PARAM)',
  ratio: 'ratio(A, B)',
  diff: 'diff(A, B)',
};

export interface ParsedCriterion {
  source: string;
  selector: Selector;
  stat: Stat;
  op: Op;
  value: Quantity;
  /** VALUE as written ("250ms"), so messages quote the user's words rather than a normalised form. */
  valueText: string;
}

export class CriterionSyntaxError extends Error {
  override name = 'CriterionSyntaxError';
  /** 1-based column of the offending character. */
  readonly column: number;
  readonly text: string;
  /** What went wrong, without the quoted text and caret. */
  readonly reason: string;

  constructor(text: string, column: number, reason: string) {
    super(`criterion "${oneLine(text)}", column ${column}: ${reason}\n${pointAt(text, column)}`);
    this.text = text;
    this.column = column;
    this.reason = reason;
  }
}

/** A problem with one configured criterion; `index` is 1-based, as users count. */
export interface CriterionProblem {
  index: number;
  /** The criterion's place in the config file (CriterionConfig.where), when known. */
  where?: string;
  name?: string;
  expect: string;
  message: string;
}

/** Criteria that cannot be checked as written (bad syntax, a unit that contradicts the metric). */
export class CriteriaConfigError extends Error {
  override name = 'CriteriaConfigError';
  readonly problems: CriterionProblem[];

  constructor(problems: CriterionProblem[]) {
    const lines = problems.map((p) => `${p.where ? `${p.where}: ` : ''}${describeCriterion(p.index, p)}: ${p.message}`);
    super(lines.length === 1 ? (lines[0] as string) : `${lines.length} invalid criteria:\n${lines.join('\n')}`);
    this.problems = problems;
  }
}

/** `criterion 3 "api/* p95 < 5%"`, with the label when there is one. */
export function describeCriterion(index: number, c: { name?: string; expect: string }): string {
  return `criterion ${index}${c.name ? ` (${c.name})` : ''} "${oneLine(c.expect)}"`;
}

/** Turn a syntax error into a problem whose message keeps the column and the caret. */
export function syntaxProblem(index: number, c: CriterionConfig, err: CriterionSyntaxError): CriterionProblem {
  return {
    index,
    ...(c.where ? { where: c.where } : {}),
    ...(c.name ? { name: c.name } : {}),
    expect: c.expect,
    message: `column ${err.column}: ${err.reason}\n${pointAt(err.text, err.column)}`,
  };
}

/** Parse every criterion up front (`perf-action validate`, and before a run) and report all bad ones at once. */
export function checkCriteria(criteria: readonly CriterionConfig[] | undefined): void {
  const problems: CriterionProblem[] = [];
  (criteria ?? []).forEach((c, i) => {
    if (typeof c?.expect !== 'string') {
      problems.push({
        index: i + 1,
        ...(c?.where ? { where: c.where } : {}),
        expect: String(c?.expect),
        message: 'expect must be a string',
      });
      return;
    }
    try {
      parseCriterion(c.expect);
    } catch (err) {
      if (!(err instanceof CriterionSyntaxError)) throw err;
      problems.push(syntaxProblem(i + 1, c, err));
    }
  });
  if (problems.length > 0) throw new CriteriaConfigError(problems);
}

export function parseCriterion(text: string): ParsedCriterion {
  const c = new Cursor(text);
  c.skipSpace();
  if (c.done) c.fail('expected a criterion, SELECTOR [STAT] OP VALUE, e.g. "graph/plan p95 < 1s"');
  const selector = readSelector(c);
  c.skipSpace();
  let stat: Stat = 'median';
  if (/[A-Za-z]/.test(c.peek())) stat = readStat(c);
  c.skipSpace();
  const op = readOp(c);
  c.skipSpace();
  const { value, valueText } = readValue(c, stat, selector);
  return { source: text, selector, stat, op, value, valueText };
}

class Cursor {
  pos = 0;
  constructor(readonly text: string) {}
  get done(): boolean {
    return this.pos >= this.text.length;
  }
  get rest(): string {
    return this.text.slice(this.pos);
  }
  peek(): string {
    return this.text[this.pos] ?? '';
  }
  skipSpace(): void {
    while (!this.done && /\s/.test(this.peek())) this.pos++;
  }
  fail(reason: string, at = this.pos): never {
    throw new CriterionSyntaxError(this.text, at + 1, reason);
  }
}

const OP_CHARS = '<>=!';
const SELECTOR_HELP =
  'a metric id like graph/plan[nodes=1000], a glob like api/*/latency, scaling(SELECTOR, PARAM), ratio(A, B) or diff(A, B)';

function readSelector(c: Cursor): Selector {
  const relative = /^(ratio|diff)\s*\(/i.exec(c.rest);
  if (relative) return readRelative(c, (relative[1] as string).toLowerCase() as RelativeKind, relative[0].length);
  const scaling = /^scaling\s*\(/i.exec(c.rest);
  if (!scaling) return { kind: 'metric', pattern: readPattern(c, false) };
  c.pos += scaling[0].length;
  c.skipSpace();
  const pattern = readPattern(c, true);
  c.skipSpace();
  if (c.peek() !== ',') {
    c.fail(
      c.peek() === ')'
        ? 'expected ", PARAM" before ")": scaling(SELECTOR, PARAM) names the numeric parameter to scale by, e.g. scaling(graph/plan, nodes)'
        : `expected "," after the selector in scaling(SELECTOR, PARAM), found ${found(c)}`,
    );
  }
  c.pos++;
  c.skipSpace();
  const param = /^[A-Za-z_][\w.-]*/.exec(c.rest)?.[0];
  if (!param) c.fail(`expected a parameter name in scaling(SELECTOR, PARAM), e.g. nodes; found ${found(c)}`);
  c.pos += param.length;
  c.skipSpace();
  if (c.peek() !== ')') c.fail(`expected ")" to close scaling(${pattern}, ${param}), found ${found(c)}`);
  c.pos++;
  afterCall(c, 'scaling');
  return { kind: 'scaling', pattern, param };
}

/** ratio(A, B) or diff(A, B): two selectors, each picking metrics of the same run. */
function readRelative(c: Cursor, kind: RelativeKind, headLength: number): Selector {
  const example =
    kind === 'ratio' ? 'ratio(serial/pydantic, serial/msgspec) >= 2' : 'diff(coord/run, coord/direct) < 100ms';
  c.pos += headLength;
  c.skipSpace();
  if (c.peek() === ')' || c.peek() === ',' || c.done) {
    c.fail(`expected a selector as the first argument of ${kind}(A, B), found ${found(c)}; e.g. ${example}`);
  }
  const first = c.pos;
  const pattern = readPattern(c, true);
  c.skipSpace();
  if (c.peek() !== ',') {
    c.fail(
      c.peek() === ')'
        ? `expected ", B" before ")": ${kind}(A, B) compares two selectors, e.g. ${example}`
        : `expected "," after the first selector in ${kind}(A, B), found ${found(c)}`,
    );
  }
  c.pos++;
  c.skipSpace();
  if (c.peek() === ')' || c.peek() === ',' || c.done) {
    c.fail(`expected a second selector after "," in ${kind}(A, B), found ${found(c)}; e.g. ${example}`);
  }
  const second = c.pos;
  const other = readPattern(c, true);
  c.skipSpace();
  if (c.peek() !== ')') {
    c.fail(
      c.peek() === ','
        ? `${kind}(A, B) takes exactly two selectors; found a third argument`
        : `expected ")" to close ${kind}(${pattern}, ${other}), found ${found(c)}`,
    );
  }
  c.pos++;
  afterCall(c, kind);
  return { kind, pattern, other, columns: [first + 1, second + 1] };
}

function afterCall(c: Cursor, name: string): void {
  if (!c.done && !/\s/.test(c.peek()) && !OP_CHARS.includes(c.peek())) {
    c.fail(`expected a statistic or an operator after ${name}(...), found ${found(c)}`);
  }
}

/**
 * Scan one selector: it ends at whitespace or an operator (or, inside scaling(), at "," / ")"), except inside a
 * `[k=v,...]` parameter list, where "=" and "," belong to the selector.
 */
function readPattern(c: Cursor, inCall: boolean): string {
  const start = c.pos;
  let open = -1;
  let closed = -1;
  for (; !c.done; c.pos++) {
    const ch = c.peek();
    if (open >= 0 && closed < 0) {
      if (ch === '[') c.fail('unexpected "[" inside a parameter list');
      if (ch === ']') closed = c.pos;
      continue;
    }
    if (/\s/.test(ch) || OP_CHARS.includes(ch)) break;
    if (inCall && (ch === ',' || ch === ')')) break;
    if (ch === '(') {
      const word = c.text.slice(start, c.pos);
      // A bare word before "(" is a function name: point at the name, not at the parenthesis.
      const isName = /^[A-Za-z_]\w*$/.test(word);
      if (inCall && isName && (FUNCTIONS as readonly string[]).includes(word.toLowerCase())) {
        c.fail(`${word}(...) cannot be nested: the arguments of a function are metric selectors`, start);
      }
      const forms = Object.values(CALL_FORM).join(', ');
      if (!isName) c.fail(`unexpected "(" in a selector; only ${forms} take parentheses`);
      const hint = suggest(word, FUNCTIONS) as (typeof FUNCTIONS)[number] | undefined;
      c.fail(
        hint
          ? `unknown function "${word}"; did you mean "${CALL_FORM[hint]}"?`
          : `unknown function "${word}"; the functions are ${forms}`,
        start,
      );
    }
    if (ch === ')' || ch === ',') c.fail(`unexpected "${ch}" in a selector; expected ${SELECTOR_HELP}`);
    if (closed >= 0) {
      const word = /^[A-Za-z][\w.]*/.exec(c.rest)?.[0]?.toLowerCase() ?? '';
      c.fail(
        (STATS as readonly string[]).includes(word)
          ? `expected a space between the selector and the statistic "${word}"`
          : `unexpected ${found(c)} after the parameter list; parameters [k=v,...] come last`,
      );
    }
    if (ch === ']') c.fail('unexpected "]" without a matching "["');
    if (ch === '[') open = c.pos;
  }
  if (open >= 0 && closed < 0) c.fail('unclosed "[": parameters look like [nodes=1000,kind=dense]', open);
  const pattern = c.text.slice(start, c.pos);
  if (pattern === '') c.fail(`expected a selector: ${SELECTOR_HELP}`, start);
  const base = open >= 0 ? c.text.slice(start, open) : pattern;
  if (base === '') c.fail('expected a metric id before the parameter list, e.g. graph/plan[nodes=1000]', start);
  if (!base.includes('/') && !base.includes('**')) {
    if ((STATS as readonly string[]).includes(base.toLowerCase())) {
      c.fail(`expected a selector before the statistic "${base}", e.g. graph/plan ${base} < 1s`, start);
    }
    c.fail(`expected a metric id like <suite>/<name>, found "${base}"; ids are ${SELECTOR_HELP}`, start);
  }
  if (open >= 0) checkParams(c, open, closed);
  return pattern;
}

function checkParams(c: Cursor, open: number, close: number): void {
  const inner = c.text.slice(open + 1, close);
  if (inner.trim() === '') c.fail('empty parameter list; write [name=value], or drop the brackets', open);
  let at = open + 1;
  for (const pair of inner.split(',')) {
    const eq = pair.indexOf('=');
    const lead = pair.length - pair.trimStart().length;
    if (eq < 0 || pair.slice(0, eq).trim() === '' || pair.slice(eq + 1).trim() === '') {
      c.fail(`expected name=value in the parameter list, found "${pair.trim()}"`, at + lead);
    }
    at += pair.length + 1;
  }
}

// Words people write for a statistic; mapped so the error can name the one we support.
const STAT_ALIASES: Record<string, Stat> = {
  avg: 'mean',
  average: 'mean',
  med: 'median',
  std: 'sd',
  stdev: 'sd',
  stddev: 'sd',
  count: 'n',
  samples: 'n',
  'p99.9': 'p999',
  p100: 'max',
  p0: 'min',
  minimum: 'min',
  maximum: 'max',
};

function readStat(c: Cursor): Stat {
  const start = c.pos;
  const word = /^[A-Za-z][\w.]*/.exec(c.rest)?.[0] ?? '';
  const lower = word.toLowerCase();
  if ((STATS as readonly string[]).includes(lower)) {
    c.pos += word.length;
    return lower as Stat;
  }
  if (OP_WORDS[lower])
    c.fail(`expected a statistic or an operator, found "${word}"; did you mean "${OP_WORDS[lower]}"?`);
  const hint = STAT_ALIASES[lower] ?? suggest(word, STATS);
  c.fail(
    `unknown statistic "${word}"${hint ? `; did you mean "${hint}"?` : ''} (expected one of ${STATS.join(' ')}, or an operator)`,
    start,
  );
}

// Operators as people mistype them, and the one they meant.
const OP_FIXES: Record<string, Op> = {
  '=': '==',
  '===': '==',
  '=<': '<=',
  '=>': '>=',
  '<>': '!=',
  '!': '!=',
  '!==': '!=',
  '=!': '!=',
  '<<': '<',
  '>>': '>',
  '≤': '<=',
  '≥': '>=',
  '≠': '!=',
};
const OP_WORDS: Record<string, Op> = { lt: '<', le: '<=', lte: '<=', gt: '>', ge: '>=', gte: '>=', eq: '==', ne: '!=' };
const OP_LIST = OPS.join(' ');

function readOp(c: Cursor): Op {
  const tok = /^[<>=!≤≥≠]+/.exec(c.rest)?.[0];
  if (!tok) {
    const word = /^\S+/.exec(c.rest)?.[0];
    if (word === undefined) c.fail(`expected an operator (${OP_LIST}) and a value, but the criterion ended`);
    const fix = OP_WORDS[word.toLowerCase()];
    c.fail(`expected an operator (${OP_LIST}), found "${word}"${fix ? `; did you mean "${fix}"?` : ''}`);
  }
  if ((OPS as readonly string[]).includes(tok)) {
    c.pos += tok.length;
    return tok as Op;
  }
  const fix = OP_FIXES[tok];
  c.fail(`"${tok}" is not an operator${fix ? `; did you mean "${fix}"?` : ''} (expected one of ${OP_LIST})`);
}

// The number at the start of a VALUE, as parseQuantity reads it; used only to place the caret on the unit.
const NUMBER = /^[-+]?(?:\d[\d_,]*(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?/;

const UNIT_ALIASES: Record<string, string> = {
  sec: 's',
  secs: 's',
  second: 's',
  seconds: 's',
  msec: 'ms',
  millis: 'ms',
  milliseconds: 'ms',
  usec: 'us',
  micros: 'us',
  microseconds: 'us',
  nsec: 'ns',
  nanos: 'ns',
  nanoseconds: 'ns',
  mins: 'min',
  minute: 'min',
  minutes: 'min',
  hr: 'h',
  hour: 'h',
  hours: 'h',
  rps: '/s',
  qps: '/s',
  percent: '%',
  pct: '%',
  bytes: 'B',
};
const KNOWN_UNITS = ['ns', 'us', 'ms', 's', 'm', 'min', 'h', 'B', 'KB', 'MB', 'GB', 'KiB', 'MiB', 'GiB', '%', '/s'];
const UNIT_HELP = 'ns us ms s m h, /s k/s M/s, B KB MB GB KiB MiB GiB, %';

function readValue(c: Cursor, stat: Stat, selector: Selector): { value: Quantity; valueText: string } {
  const start = c.pos;
  const raw = c.rest.trimEnd();
  if (raw === '') c.fail('expected a value after the operator, e.g. 1s, 250ms, 100k/s, 50MB, 5%');
  const num = NUMBER.exec(raw)?.[0];
  if (!num) c.fail(`expected a number, optionally with a unit (e.g. 1s, 100k/s, 5%), found ${found(c)}`);
  const afterNum = raw.slice(num.length);
  const unitAt = start + num.length + (afterNum.length - afterNum.trimStart().length);
  const value = quantityOrFail(c, raw, start, unitAt);
  if (stat === 'n' && value.unit !== '' && dimensionOf(value.unit) !== 'count') {
    c.fail(
      `n is a number of samples; compare it with a plain number, e.g. n >= 5 (found unit "${value.unit}")`,
      unitAt,
    );
  }
  if (selector.kind === 'scaling' && value.unit !== '') {
    c.fail(
      `scaling(...) compares a log-log slope, a plain number (1 is linear, 2 quadratic); drop the unit "${value.unit}"`,
      unitAt,
    );
  }
  if (selector.kind === 'ratio' && value.unit !== '' && value.unit !== 'x') {
    c.fail(
      value.unit === '%'
        ? 'ratio(A, B) is a factor, not a percentage: write 1.3 (or 1.3x) for "at most 30% more", 0.7 for "at least 30% less"'
        : `ratio(A, B) is a factor, a plain number such as 2 or 2x; drop the unit "${value.unit}"`,
      unitAt,
    );
  }
  c.pos = c.text.length;
  return { value, valueText: raw };
}

function quantityOrFail(c: Cursor, raw: string, start: number, unitAt: number): Quantity {
  try {
    return parseQuantity(raw);
  } catch (err) {
    if (!(err instanceof UnitError)) throw err;
  }
  // "1s and more": a value with a unit followed by stray words is a different mistake from an unknown unit.
  const words = raw.split(/(\s+)/);
  for (let keep = words.length - 2; keep > 0; keep -= 2) {
    const head = words.slice(0, keep).join('');
    if (quantityWithUnit(head)) {
      const extra = raw.slice(head.length).trimStart();
      c.fail(`unexpected "${extra}" after the value`, start + raw.length - extra.length);
    }
  }
  const unit = raw.slice(unitAt - start).trim();
  const hint = UNIT_ALIASES[unit.toLowerCase()] ?? suggest(unit, KNOWN_UNITS);
  c.fail(`unknown unit "${unit}"${hint ? `; did you mean "${hint}"?` : ''} (units: ${UNIT_HELP})`, unitAt);
}

function quantityWithUnit(text: string): boolean {
  try {
    return parseQuantity(text).unit !== '';
  } catch {
    return false;
  }
}

function found(c: Cursor): string {
  if (c.done) return 'the end of the criterion';
  return `"${/^\S+/.exec(c.rest)?.[0] ?? c.peek()}"`;
}

function oneLine(text: string): string {
  return text.replace(/[\t\r\n]/g, ' ');
}

/** The text on one line and a caret under `column`, indented to stand apart from the message. */
export function pointAt(text: string, column: number): string {
  return `    ${oneLine(text)}\n    ${' '.repeat(Math.max(0, column - 1))}^`;
}

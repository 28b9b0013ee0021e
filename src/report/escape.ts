// Everything a pull request controls (metric ids, suite names, error messages, criterion text, units, tool
// output) is untrusted. It ends up in a comment posted by a bot that reviewers trust, so it must not be able to
// break a table, inject HTML or links, ping people, reference issues, render math, or forge or close the
// hidden sticky-comment marker. In a terminal it must not be able to send escape sequences.

import { redactSecrets } from '../model/redact.ts';

/** Default cap on one untrusted string, in characters. */
export const DEFAULT_CAP = 200;

const ELLIPSIS = '…';

// Line and paragraph breaks of every flavour: one of them inside a table cell ends the row.
const LINE_BREAKS = /\r\n|[\t\n\v\f\r\u0085\u2028\u2029]/g;
// Control characters (ESC among them), zero-width and bidirectional formatting characters: invisible, and able
// to make text read differently from what it is ("trojan source").
const INVISIBLE =
  /[\u0000-\u0008\u000e-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

// Whole ANSI sequences (CSI, as ESC [ or C1; OSC up to BEL or ST): tool output is often coloured, and dropping
// only the ESC would leave "[31m" litter behind.
const ANSI = /(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-_]/g;

/**
 * One line of plain, visible text: ANSI sequences go, breaks become spaces, invisible characters go, and
 * secret-looking values are redacted (model/redact.ts).
 */
export function flatten(text: string): string {
  return redactSecrets(text.replace(ANSI, '').replace(LINE_BREAKS, ' ').replace(INVISIBLE, ''));
}

/** Cap a string to `max` characters (code points, so an emoji is never split), ending with an ellipsis. */
export function cap(text: string, max = DEFAULT_CAP): string {
  if (text.length <= max) return text;
  // A code point is at most two code units: look only at the head of a possibly huge string.
  const chars = Array.from(text.slice(0, 2 * max + 2));
  if (chars.length <= max && text.length <= 2 * max + 2) return text;
  return chars.slice(0, Math.max(0, max - 1)).join('') + ELLIPSIS;
}

// One replacement per character, applied in a single pass so one escape never re-escapes another.
const MARKDOWN: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '\\': '\\\\',
  '|': '\\|',
  '`': '\\`',
  '*': '\\*',
  _: '\\_',
  '~': '\\~',
  '[': '\\[',
  ']': '\\]',
  '(': '\\(',
  ')': '\\)',
  '!': '\\!',
  $: '\\$',
  // GitHub links mentions and issue references in rendered text, where an entity or a backslash no longer
  // helps; a zero-width joiner after the sigil keeps the text readable and the link out.
  '@': '@\u200d',
  '#': '#\u200d',
};
const MARKDOWN_CHARS = /[&<>"'\\|`*_~[\]()!$@#]/g;

/**
 * Escape untrusted text for Markdown and HTML (a table cell, a list item, a heading), as one capped line.
 * The result renders as the literal text and cannot open a tag, a comment, a link, code, emphasis or math.
 */
export function escapeMarkdown(text: string, max = DEFAULT_CAP): string {
  const escaped = cap(flatten(text), max)
    .replace(MARKDOWN_CHARS, (ch) => MARKDOWN[ch] ?? ch)
    // Bare URLs and www. hosts are autolinked by GitHub: a PR's link in the bot's comment looks endorsed.
    .replace(/:\/\//g, ':\u200d//')
    .replace(/\bwww\./gi, (w) => `${w.slice(0, 3)}\u200d.`);
  // At the start of a list item, "- ", "+ " or "1. " would open a nested list ("-5 ms" would not).
  return escaped.replace(/^[-+](?=\s|$)/, '\\$&').replace(/^(\d{1,9})([.)])(?=\s|$)/, '$1\\$2');
}

/** Untrusted text shown as code: escaped like any text (a code span would not stop `|` or a backtick fence). */
export function codeMarkdown(text: string, max = DEFAULT_CAP): string {
  const escaped = escapeMarkdown(text, max);
  return escaped === '' ? '' : `<code>${escaped}</code>`;
}

/** Untrusted text for a terminal: one line, no control characters (no ANSI injection), capped. */
export function sanitizeTerminal(text: string, max = DEFAULT_CAP): string {
  return cap(flatten(text), max);
}

/**
 * The id inside the hidden marker. Ids made of ordinary characters stay as they are, so the marker matches the
 * one the action searches for; anything that could end the HTML comment (`>`, `!`) or break the line is replaced.
 */
export function markerId(configId?: string): string {
  const id = (configId ?? '').replace(/[^A-Za-z0-9._/:@+=-]/g, '_').slice(0, 100);
  return id === '' ? 'default' : id;
}

/** The hidden marker that makes the PR comment sticky: one per config. */
export function reportMarker(configId?: string): string {
  return `<!-- perf-action:${markerId(configId)} -->`;
}

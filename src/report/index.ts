// Reports rendered from a verdict: pure functions from documents to text, no I/O.

export { codeMarkdown, escapeMarkdown, markerId, reportMarker, sanitizeTerminal } from './escape.ts';
export type { ReportInput } from './facts.ts';
export { type HtmlReportInput, renderHtml } from './html.ts';
export { renderJson } from './json.ts';
export { type MarkdownOptions, renderMarkdown } from './markdown.ts';
export { renderTerminal, type TerminalOptions } from './terminal.ts';

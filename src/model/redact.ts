// Secret-looking values out of anything perf-action publishes (PR comment, job summary, results and verdict
// documents): a failing suite's output tail can hold a token it printed. Patterns of well-known credential
// formats and of credentials in URLs and key=value pairs; the rest of the text is kept for the reader.

const REDACTED = '[redacted]';

const PATTERNS: ReadonlyArray<[RegExp, string]> = [
  // GitHub tokens: classic (ghp_, gho_, ghu_, ghs_, ghr_) and fine-grained.
  [/\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b/g, REDACTED],
  // AWS access key ids, Slack tokens, Google API keys, npm tokens.
  [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, REDACTED],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g, REDACTED],
  [/\bAIza[0-9A-Za-z_-]{35}\b/g, REDACTED],
  [/\bnpm_[A-Za-z0-9]{36}\b/g, REDACTED],
  // JSON Web Tokens (the Actions runtime token is one).
  [/\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/g, REDACTED],
  // Private keys.
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g, REDACTED],
  // Authorization headers.
  [/\b(Bearer|token|Basic)\s+[A-Za-z0-9._~+/=-]{16,}/gi, `$1 ${REDACTED}`],
  // user:password@ in URLs (a password already masked as *** stays as it is).
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):(?!\*+@)[^\s@/]+@/gi, `$1:${REDACTED}@`],
  // KEY=value / "key": "value" where the key says secret.
  [
    /\b([A-Za-z0-9_.-]*(?:password|passwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key)[A-Za-z0-9_.-]*)("?\s*[=:]\s*"?)((?=[^\s"',;\]]*[A-Za-z])[^\s"',;\]]{8,})/gi,
    `$1$2${REDACTED}`,
  ],
];

export function redactSecrets(text: string): string {
  let out = text;
  for (const [re, replacement] of PATTERNS) out = out.replace(re, replacement);
  return out;
}

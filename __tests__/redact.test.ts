import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../src/model/redact.ts';
import { escapeMarkdown, sanitizeTerminal } from '../src/report/escape.ts';

describe('redactSecrets', () => {
  it('takes out well-known credential formats and credentials in URLs and key=value pairs', () => {
    const cases: Array<[string, string]> = [
      ['token ghs_0123456789abcdefghijABCDEFGHIJ leaked', 'token [redacted] leaked'],
      ['pat github_pat_11ABCDEFG0123456789_abcdefghijklmnop', 'pat [redacted]'],
      ['key AKIAIOSFODNN7EXAMPLE here', 'key [redacted] here'],
      ['redis://user:hunter2secret@127.0.0.1:6379/0', 'redis://user:[redacted]@127.0.0.1:6379/0'],
      ['Authorization: Bearer abcdefghijklmnopqrstuvwxyz012345', 'Authorization: Bearer [redacted]'],
      ['API_KEY=s3cr3tvalue123 other=1', 'API_KEY=[redacted] other=1'],
      ['"password": "correct-horse-battery"', '"password": "[redacted]"'],
      [
        `jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U`,
        'jwt [redacted]',
      ],
    ];
    for (const [input, expected] of cases) expect(redactSecrets(input)).toBe(expected);
  });

  it('leaves metric ids, parameters and numbers alone', () => {
    for (const text of [
      'llm/gen[tokens=1000] p95 = 120 ms',
      'llm/first_token p95 < 200ms',
      'graph/plan[nodes=1000] p95 = 824 µs (needs < 1s)',
      'events/consume/throughput >= 100k/s',
      'max_tokens: 4096',
      'cannot connect to RabbitMQ at amqp://guest:***@127.0.0.1:5672',
    ]) {
      expect(redactSecrets(text)).toBe(text);
    }
  });

  it('applies to every untrusted string a report renders', () => {
    const tail = 'suite failed: curl -H "Authorization: token ghp_abcdefghijklmnopqrstuvwxyz0123" exited 22';
    expect(escapeMarkdown(tail, 500)).not.toContain('ghp_');
    expect(sanitizeTerminal(tail, 500)).not.toContain('ghp_');
  });
});

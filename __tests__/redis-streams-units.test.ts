// The redis-streams kind's pure parts and its RESP pipeline, without a Redis server: event encoding, config
// checks, thread layout, and reply parsing against a loopback server that answers in awkward chunks.

import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SuiteSetupError } from '../src/runner/suite-kind.ts';
import { endpointOf, redact } from '../suites/redis-streams/connection.ts';
import { type DecodedEvent, decodeEntry, makeEncoder, minimumSize } from '../suites/redis-streams/event.ts';
import { layout, makePlan } from '../suites/redis-streams/plan.ts';
import { encodeCommand, RespPipe } from '../suites/redis-streams/resp-pipe.ts';
import { type RedisStreamsConfig, redisStreamsSchema } from '../suites/redis-streams/schema.ts';

function config(over: Record<string, unknown> = {}): RedisStreamsConfig {
  return { ...redisStreamsSchema.parse(over), name: 'events', kind: 'redis-streams' };
}

const asBuffers = (fields: string[]) => fields.map((f) => Buffer.from(f));

describe('events', () => {
  it('are exactly the configured size and decode back to producer, sequence and timestamp', () => {
    for (const shape of ['json', 'fields'] as const) {
      const min = minimumSize(shape, 4, 1_000_000);
      for (const size of [min, min + 1, 256, 1000]) {
        if (size < min) continue;
        const enc = makeEncoder(shape, size);
        for (const [p, seq] of [
          [0, 0],
          [3, 999_999],
          [2, 42],
        ] as const) {
          const fields = enc.fields(p, seq, 1_763_000_000_123_456);
          expect(fields).toHaveLength(enc.arity * 2);
          const bytes = shape === 'json' ? (fields[1] as string).length : fields.join('').length;
          expect(bytes).toBe(size);
          if (shape === 'json') expect(JSON.parse(fields[1] as string)).toMatchObject({ producer: p, seq });
          const out: DecodedEvent = { producer: -1, seq: -1, tsUs: -1 };
          expect(decodeEntry(asBuffers(fields), out)).toBe(true);
          expect(out).toEqual({ producer: p, seq, tsUs: 1_763_000_000_123_456 });
        }
      }
    }
  });

  it('rejects entries perf-action did not write', () => {
    const out: DecodedEvent = { producer: -1, seq: -1, tsUs: -1 };
    expect(decodeEntry(null, out)).toBe(false);
    expect(decodeEntry(asBuffers(['event', '{"hello":1}']), out)).toBe(false);
    expect(decodeEntry(asBuffers(['event', '{"ts":12,"producer":x']), out)).toBe(false);
    expect(decodeEntry(asBuffers(['a', 'b', 'c', 'd', 'e', 'f']), out)).toBe(false);
    expect(out.producer).toBe(-1);
  });
});

describe('config', () => {
  it('reads units and defaults', () => {
    const c = config({ rate: '50k/s', duration: '2s', block: '50ms', payload: { size: '1KB' }, 'min-idle': '1.5s' });
    expect(c.rate).toBe(50_000);
    expect(c.duration).toBe(2000);
    expect(c.block).toBe(50);
    expect(c.payload).toEqual({ size: 1000, shape: 'json' });
    expect(c['min-idle']).toBe(1500);
    expect(c.rounds).toBe(3);
    expect(c.batch).toBe(500);
    expect(redisStreamsSchema.safeParse({ payload: { sise: 10 } }).success).toBe(false);
    expect(redisStreamsSchema.safeParse({ writer: 'hiredis' }).success).toBe(false);
  });

  it('splits events over producers and sizes the record', () => {
    const plan = makePlan(config({ events: 10, producers: 3 }));
    expect(plan.quota).toEqual([4, 3, 3]);
    expect(plan.bases).toEqual([0, 4, 7]);
    expect(plan.count).toBe(500);
    expect(makePlan(config({ duration: '1s', rate: '100/s', producers: 2 })).ratePerProducer).toBe(50);
    expect(makePlan(config({ crash: true })).crashAt).toBeCloseTo(0.3);
    expect(makePlan(config({ crash: { at: '50%' } })).crashAt).toBeCloseTo(0.5);
  });

  it.each([
    [{ consumers: 2, streams: 3 }, /consumers \(2\) must be at least streams \(3\)/],
    [{ crash: true, consumers: 1 }, /crash needs consumers: 2 or more/],
    [{ crash: true, consumers: 2, streams: 2 }, /crash needs consumers: 3 or more/],
    [{ crash: true, 'min-idle': '5s', 'drain-timeout': '2s' }, /min-idle .* must be shorter than drain-timeout/],
    [{ payload: { size: '64B' } }, /payload size 64B is below the \d+B a json event/],
    [{ url: ['redis://a:1', 'redis://b:2'] }, /set cluster: true/],
    [{ events: 2, producers: 3 }, /events \(2\) must be at least producers \(3\)/],
  ])('refuses %j', (over, message) => {
    expect(() => makePlan(config(over))).toThrow(SuiteSetupError);
    expect(() => makePlan(config(over))).toThrow(message);
  });

  it('parses URLs and never shows a password', () => {
    expect(endpointOf('rediss://user:p%40ss@cache.example:6380/2')).toEqual({
      host: 'cache.example',
      port: 6380,
      tls: true,
      username: 'user',
      password: 'p@ss',
      db: 2,
    });
    expect(endpointOf('redis://127.0.0.1')).toEqual({ host: '127.0.0.1', port: 6379, tls: false });
    expect(redact('redis://user:secret@h:1')).toBe('redis://user:***@h:1');
    expect(() => endpointOf('http://h:1')).toThrow(/redis:\/\/ or rediss:\/\//);
  });
});

describe('thread layout', () => {
  const kinds = (threads: ReturnType<typeof layout>) => threads.map((t) => [...new Set(t.map((a) => a.kind))]);

  it('gives each agent a thread by default and never mixes producers with consumers', () => {
    expect(layout(1, 2, undefined, false)).toHaveLength(3);
    const packed = layout(3, 4, 2, false);
    expect(packed).toHaveLength(2);
    expect(kinds(packed)).toEqual([['producer'], ['consumer']]);
    expect(packed.flat()).toHaveLength(7);
  });

  it('puts the crash victim alone and keeps every consumer', () => {
    const t = layout(1, 3, 2, true);
    const victim = t.filter((agents) => agents.some((a) => a.victim));
    expect(victim).toEqual([[{ kind: 'consumer', index: 0, victim: true }]]);
    expect(
      t
        .flat()
        .filter((a) => a.kind === 'consumer')
        .map((a) => a.index)
        .sort(),
    ).toEqual([0, 1, 2]);
  });
});

describe('RESP pipeline', () => {
  let server: net.Server | undefined;
  afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

  /** A loopback server that, once `expected` bytes of commands arrived, sends `replies` one byte per write. */
  async function serve(replies: string, expected: number): Promise<number> {
    const srv = net.createServer((sock) => {
      let received = 0;
      sock.on('data', (d) => {
        received += d.length;
        if (received < expected) return;
        for (const b of Buffer.from(replies, 'latin1')) sock.write(Buffer.of(b));
      });
    });
    return listen(srv);
  }

  function listen(srv: net.Server): Promise<number> {
    server = srv;
    return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve((srv.address() as net.AddressInfo).port)));
  }

  it('counts replies across chunk boundaries and reports the first error of a batch', async () => {
    const cmd = (...a: string[]) => encodeCommand(a);
    const batches: Array<[string, number]> = [
      [cmd('XADD', 's', '*', 'f', 'v') + cmd('XADD', 's', 'NOMKSTREAM', '*', 'f', 'v'), 2],
      [cmd('X') + cmd('Y'), 2],
      [cmd('A') + cmd('B') + cmd('C'), 3],
      [cmd('PING'), 1],
    ];
    // Each batch's outcome depends on counting every reply of the batches before it right.
    const replies = [
      '$4\r\na\r\nb\r\n-ERR A\r\n', // a bulk with CRLF inside, then an error
      '*2\r\n$1\r\nx\r\n*1\r\n:1\r\n$-1\r\n', // a nested array, then a null bulk
      ':5\r\n-ERR C\r\n-ERR C2\r\n', // only the first error of a batch is kept
      '-ERR D\r\n',
    ].join('');
    const port = await serve(
      replies,
      batches.reduce((n, [text]) => n + text.length, 0),
    );
    const pipe = await RespPipe.connect({ host: '127.0.0.1', port });
    const results: Array<string | undefined> = [];
    for (const [text, n] of batches) pipe.send(text, n, (e) => results.push(e));
    expect(pipe.inflight).toBe(4);
    await pipe.waitInflight(0);
    pipe.close();
    expect(results).toEqual(['ERR A', undefined, 'ERR C', 'ERR D']);
  });

  it('authenticates and selects the database before anything else', async () => {
    const seen: string[] = [];
    const port = await listen(
      net.createServer((sock) => {
        sock.on('data', (d) => {
          seen.push(d.toString());
          sock.write('+OK\r\n+OK\r\n');
        });
      }),
    );
    const pipe = await RespPipe.connect({ host: '127.0.0.1', port, username: 'u', password: 'p', db: 3 });
    pipe.close();
    expect(seen.join('')).toBe(encodeCommand(['AUTH', 'u', 'p']) + encodeCommand(['SELECT', '3']));
  });

  it('fails every waiting batch when the connection drops', async () => {
    const port = await listen(net.createServer((sock) => sock.on('data', () => sock.destroy())));
    const pipe = await RespPipe.connect({ host: '127.0.0.1', port });
    const errors: Array<string | undefined> = [];
    pipe.send(encodeCommand(['PING']), 1, (e) => errors.push(e));
    await expect(pipe.waitInflight(0)).rejects.toThrow(/closed|reset/);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/closed|reset/);
    pipe.send(encodeCommand(['PING']), 1, (e) => errors.push(e));
    expect(errors).toHaveLength(2);
  });
});

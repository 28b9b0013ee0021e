// The suite's own Redis connection: checks the server can run the suite, creates each round's streams and
// consumer group under unique names, finds which node owns each stream, tells when a group has drained,
// and deletes everything it created.

import { randomBytes } from 'node:crypto';
import { SuiteSetupError } from '../../src/runner/suite-kind.ts';
import { type Client, connectClient, createClient, endpointOf, redact, type Target } from './connection.ts';
import type { StreamRef } from './protocol.ts';
import type { RespEndpoint } from './resp-pipe.ts';

const STREAM_COMMANDS = ['XADD', 'XREADGROUP', 'XACK', 'XGROUP', 'XINFO'];

export class Admin {
  readonly runId = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  /** Keys created and not yet deleted: what cleanup must remove, whatever happens. */
  private readonly live = new Set<string>();

  private constructor(
    private client: Client,
    private readonly target: Target,
    private readonly prefix: string,
    private readonly suite: string,
  ) {}

  static async connect(target: Target, prefix: string, suite: string): Promise<Admin> {
    const client = createClient(target, 'perf-action-admin');
    try {
      await connectClient(client, target);
    } catch (err) {
      const hint = target.urls.some((u) => /127\.0\.0\.1|localhost/.test(u))
        ? ' (is redis-server running? set url: or REDIS_URL)'
        : '';
      throw new SuiteSetupError(`${(err as Error).message}${hint}`);
    }
    return new Admin(client, target, prefix, suite);
  }

  /** Refuse servers that cannot run the suite, naming what is missing. */
  async checkServer(needs: { autoclaim: boolean }): Promise<string> {
    const info = String(await this.client.call('INFO', 'server'));
    const version = /redis_version:([\d.]+)/.exec(info)?.[1] ?? 'unknown';
    const where = `Redis ${version} at ${this.target.urls.map(redact).join(', ')}`;
    if (!this.target.cluster) {
      const cluster = String(await this.client.call('INFO', 'cluster'));
      if (/cluster_enabled:1/.test(cluster)) throw new SuiteSetupError(`${where} is a cluster node: set cluster: true`);
    }
    const wanted = needs.autoclaim ? [...STREAM_COMMANDS, 'XAUTOCLAIM'] : STREAM_COMMANDS;
    let missing: string[];
    try {
      const docs = (await this.client.call('COMMAND', 'INFO', ...wanted)) as unknown[];
      missing = wanted.filter((_, i) => !docs[i]);
    } catch {
      // COMMAND may be forbidden by ACLs; the version is the next best evidence.
      const [major = 0, minor = 0] = version.split('.').map(Number);
      missing = major < 5 ? wanted : major < 6 || (major === 6 && minor < 2) ? ['XAUTOCLAIM'] : [];
      missing = missing.filter((c) => wanted.includes(c));
    }
    if (missing.length > 0) {
      const why = missing.includes('XADD')
        ? 'Redis Streams need Redis 5.0 or later'
        : missing.includes('XAUTOCLAIM')
          ? 'the crash probe recovers entries with XAUTOCLAIM (Redis 6.2 or later)'
          : 'the suite needs every stream command';
      throw new SuiteSetupError(`${where} lacks ${missing.join(', ')} (disabled or renamed?): ${why}`);
    }
    return version;
  }

  streamKey(round: number, stream: number): string {
    return `${this.prefix}:${this.suite}:${this.runId}:r${round}:s${stream}`;
  }

  group(round: number): string {
    return `${this.prefix}-${this.runId}-r${round}`;
  }

  /** Create the round's streams with their group, each with a TTL in case perf-action dies mid-run. */
  async createStreams(round: number, count: number, ttlMs: number): Promise<{ group: string; streams: StreamRef[] }> {
    const group = this.group(round);
    const streams: StreamRef[] = [];
    for (let k = 0; k < count; k++) {
      const key = this.streamKey(round, k);
      this.live.add(key);
      await this.createStream(key, group, ttlMs);
      streams.push({ key, endpoint: await this.endpointFor(key) });
    }
    return { group, streams };
  }

  /** The node a stream's XADDs must go to: the server itself, or the master owning the key's slot. */
  private async endpointFor(key: string): Promise<RespEndpoint> {
    const base = endpointOf(this.target.urls[0] as string);
    if (!this.target.cluster) return base;
    const slot = Number(await this.client.call('CLUSTER', 'KEYSLOT', key));
    const ranges = (await this.client.call('CLUSTER', 'SLOTS')) as Array<
      [number, number, [string, number, ...unknown[]]]
    >;
    const owner = ranges.find(([from, to]) => slot >= from && slot <= to);
    if (!owner) throw new Error(`no cluster node serves slot ${slot} of ${key}`);
    const [host, port] = owner[2];
    return { ...base, host: host || base.host, port: Number(port) };
  }

  /** A fresh connection after the server was restarted (the old one is closed for good). */
  async reconnect(): Promise<void> {
    this.client.disconnect();
    const client = createClient(this.target, 'perf-action-admin');
    await connectClient(client, this.target);
    this.client = client;
  }

  /** Recreate the round's streams and group where a restart lost them (an existing group is kept as it is). */
  async restore(group: string, streams: StreamRef[], ttlMs: number): Promise<void> {
    for (const s of streams) {
      try {
        await this.createStream(s.key, group, ttlMs);
      } catch (err) {
        if (!/BUSYGROUP/.test((err as Error).message)) throw err;
      }
    }
  }

  /** A stream with its group, and a TTL in case perf-action dies mid-run. */
  private async createStream(key: string, group: string, ttlMs: number): Promise<void> {
    await this.client.call('XGROUP', 'CREATE', key, group, '0', 'MKSTREAM');
    if (ttlMs > 0) await this.client.call('PEXPIRE', key, Math.round(ttlMs));
  }

  /** Nothing left to deliver: every entry was delivered to the group and none is pending. */
  async drained(group: string, streams: StreamRef[]): Promise<boolean> {
    for (const s of streams) {
      const stream = flat(await this.client.call('XINFO', 'STREAM', s.key));
      const groups = (await this.client.call('XINFO', 'GROUPS', s.key)) as unknown[][];
      const g = groups.map(flat).find((x) => String(x.name) === group);
      if (!g || Number(g.pending) > 0 || String(g['last-delivered-id']) !== String(stream['last-generated-id'])) {
        return false;
      }
    }
    return true;
  }

  async deleteStreams(streams: StreamRef[]): Promise<void> {
    // One key per DEL: in a cluster the streams live in different slots.
    for (const s of streams) {
      await this.client.call('DEL', s.key);
      this.live.delete(s.key);
    }
  }

  /** Delete whatever is left (after a failure or Ctrl-C) and disconnect; never throws. */
  async close(): Promise<string[]> {
    const left: string[] = [];
    for (const key of this.live) {
      try {
        await this.client.call('DEL', key);
      } catch {
        left.push(key);
      }
    }
    this.live.clear();
    this.client.disconnect();
    return left;
  }
}

function flat(reply: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const arr = reply as unknown[];
  for (let i = 0; i + 1 < arr.length; i += 2) out[String(arr[i])] = arr[i + 1];
  return out;
}

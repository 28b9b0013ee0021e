// Real Redis servers for tests: each test file starts its own redis-server on a free loopback port (so tests
// never touch a developer's Redis and can run in parallel), or uses REDIS_URL / REDIS_CLUSTER_URLS when set.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HANG_GUARD_MS } from './tier.ts';

export interface RedisHandle {
  url: string;
  port: number;
  /** True when this handle started the server (false for REDIS_URL). */
  owned: boolean;
  stop(): Promise<void>;
}

export interface RedisClusterHandle {
  /** One redis:// URL per master node. */
  urls: string[];
  ports: number[];
  owned: boolean;
  stop(): Promise<void>;
}

export interface StartRedisOptions {
  /** Extra redis-server arguments, e.g. ['--rename-command', 'XADD', '']. Forces a server of our own. */
  args?: string[];
  /** Ignore REDIS_URL and start a server of our own. */
  own?: boolean;
}

const children = new Set<ChildProcess>();
// A crashed test run must not leave servers behind.
process.once('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

/** A port that was free a moment ago: bind port 0 on loopback and let the kernel choose. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** One PING over a raw socket; resolves true on +PONG. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    let reply = '';
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(500, () => done(false));
    sock.once('error', () => done(false));
    sock.once('connect', () => sock.write('PING\r\n'));
    sock.on('data', (d) => {
      reply += d.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Spawned {
  child: ChildProcess;
  exited: Promise<void>;
  output(): string;
}

function spawnServer(args: string[]): Spawned {
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  const keep = (d: Buffer) => {
    out = (out + d.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      children.delete(child);
      resolve();
    });
    child.once('error', (err) => {
      out += `\n${err.message}`;
      children.delete(child);
      resolve();
    });
  });
  return { child, exited, output: () => out };
}

async function waitReady(port: number, s: Spawned, timeoutMs = 10_000): Promise<void> {
  let gone = false;
  void s.exited.then(() => {
    gone = true;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gone) throw new Error(`redis-server on port ${port} exited during start:\n${s.output().trim()}`);
    if (await ping(port)) return;
    await sleep(25);
  }
  s.child.kill('SIGKILL');
  throw new Error(`redis-server on port ${port} did not answer PING within ${timeoutMs} ms:\n${s.output().trim()}`);
}

async function stopServer(s: Spawned): Promise<void> {
  if (s.child.exitCode !== null || s.child.signalCode !== null) return;
  s.child.kill('SIGTERM');
  const timer = setTimeout(() => s.child.kill('SIGKILL'), 3000);
  await s.exited;
  clearTimeout(timer);
}

/** Start one server, retrying on a port taken between choosing and binding it. */
async function startOne(extra: (port: number) => string[]): Promise<{ port: number; server: Spawned }> {
  let last: Error | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const server = spawnServer([
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      ...extra(port),
    ]);
    try {
      await waitReady(port, server);
      return { port, server };
    } catch (err) {
      last = err as Error;
      await stopServer(server);
      if (!/in use/i.test(last.message)) break;
    }
  }
  throw last ?? new Error('could not start redis-server');
}

export async function startRedis(opts: StartRedisOptions = {}): Promise<RedisHandle> {
  const external = process.env.REDIS_URL;
  if (external && !opts.own && !opts.args?.length) {
    return { url: external, port: Number(new URL(external).port || 6379), owned: false, stop: async () => {} };
  }
  const { port, server } = await startOne(() => opts.args ?? []);
  return { url: `redis://127.0.0.1:${port}`, port, owned: true, stop: () => stopServer(server) };
}

/**
 * A Redis Cluster of `masters` nodes on loopback (no replicas), slots spread by `redis-cli --cluster create`.
 * REDIS_CLUSTER_URLS (comma-separated) selects an existing cluster instead.
 */
export async function startRedisCluster(masters = 3): Promise<RedisClusterHandle> {
  const external = process.env.REDIS_CLUSTER_URLS;
  if (external) {
    const urls = external.split(',').map((u) => u.trim());
    return { urls, ports: urls.map((u) => Number(new URL(u).port)), owned: false, stop: async () => {} };
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'perf-redis-cluster-'));
  const nodes: Array<{ port: number; busPort: number; server: Spawned }> = [];
  const stopAll = async () => {
    await Promise.all(nodes.map((n) => stopServer(n.server)));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters; i++) {
      // The cluster bus needs a second free port; the default (port + 10000) may be taken.
      const busPort = await freePort();
      const started = await startOne((port) => [
        '--cluster-enabled',
        'yes',
        '--cluster-port',
        String(busPort),
        '--cluster-config-file',
        path.join(dir, `nodes-${port}.conf`),
        '--cluster-node-timeout',
        '5000',
        '--dir',
        dir,
      ]);
      nodes.push({ ...started, busPort });
    }
    // Slots, epochs and MEET by hand: `redis-cli --cluster create` polls once a second and costs ~3 s.
    const per = Math.ceil(16384 / masters);
    nodes.forEach((n, i) => {
      const last = Math.min(16383, (i + 1) * per - 1);
      cli(n.port, 'cluster', 'addslotsrange', String(i * per), String(last));
      cli(n.port, 'cluster', 'set-config-epoch', String(i + 1));
    });
    for (const n of nodes.slice(1))
      cli((nodes[0] as (typeof nodes)[number]).port, 'cluster', 'meet', '127.0.0.1', String(n.port), String(n.busPort));
    await waitClusterOk(nodes.map((n) => n.port));
  } catch (err) {
    await stopAll();
    throw err;
  }
  return {
    urls: nodes.map((n) => `redis://127.0.0.1:${n.port}`),
    ports: nodes.map((n) => n.port),
    owned: true,
    stop: stopAll,
  };
}

function cli(port: number, ...args: string[]): string {
  const r = spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8', timeout: HANG_GUARD_MS });
  if (r.status !== 0 || /^ERR/m.test(r.stdout)) {
    throw new Error(`redis-cli -p ${port} ${args.join(' ')} failed: ${r.stdout}${r.stderr}`);
  }
  return r.stdout;
}

/** Every node must report cluster_state:ok before clients can rely on the slot map. */
async function waitClusterOk(ports: number[], timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const port of ports) {
    for (;;) {
      const info = cli(port, 'cluster', 'info');
      if (/cluster_state:ok/.test(info) && new RegExp(`cluster_known_nodes:${ports.length}\\b`).test(info)) break;
      if (Date.now() > deadline) throw new Error(`cluster node ${port} is not ok:\n${info}`);
      await sleep(50);
    }
  }
}

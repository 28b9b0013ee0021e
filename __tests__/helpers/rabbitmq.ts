// A real RabbitMQ for tests: a private broker of our own (its own node name, loopback ports, data and log
// folders in a temp dir, no plugins), so tests never touch a developer's broker and leave nothing behind.
// AMQP_URL selects an existing broker instead (then `rabbitmqctl` on PATH must reach it to list queues).
// A private broker takes ~10 s to boot on a 2-core machine: start one per test file, in beforeAll.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect } from 'amqplib';
import { freePort } from './redis-server.ts';
import { HANG_GUARD_MS } from './tier.ts';

export interface RabbitHandle {
  url: string;
  port: number;
  /** True when this handle started the broker (false for AMQP_URL). */
  owned: boolean;
  /** Names of the queues in the URL's vhost. */
  queues(): string[];
  /** Names of the exchanges in the URL's vhost, without the broker's predeclared ones. */
  exchanges(): string[];
  stop(): Promise<void>;
}

const groups = new Set<number>();
// A crashed test run must not leave brokers behind: each runs in a process group of its own.
process.once('exit', () => {
  for (const pid of groups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/**
 * The real scripts' folder. Debian's rabbitmq-server on PATH is a wrapper that switches to the rabbitmq
 * user (dropping our environment): the scripts next to the wrapper's target take it as it is.
 */
function scriptsDir(): string {
  const which = spawnSync('sh', ['-c', 'command -v rabbitmq-server'], { encoding: 'utf8' });
  const found = which.stdout.trim();
  if (which.status !== 0 || !found) {
    throw new Error('rabbitmq-server is not on PATH: install it (apt-get install -y rabbitmq-server) or set AMQP_URL');
  }
  return path.dirname(realpathSync(found));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function canOpen(url: string): Promise<boolean> {
  try {
    const conn = await connect(url, { timeout: 1000 });
    await conn.close();
    return true;
  } catch {
    return false;
  }
}

function ctl(dir: string, env: NodeJS.ProcessEnv, args: string[]): string {
  const bin = dir ? path.join(dir, 'rabbitmqctl') : 'rabbitmqctl';
  const r = spawnSync(bin, args, { env, encoding: 'utf8', timeout: HANG_GUARD_MS });
  if (r.status !== 0) throw new Error(`rabbitmqctl ${args.join(' ')} failed: ${r.stdout}${r.stderr}`);
  return r.stdout;
}

const lines = (out: string) =>
  out
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

export async function startRabbit(timeoutMs = 60_000): Promise<RabbitHandle> {
  const external = process.env.AMQP_URL;
  if (external) {
    const u = new URL(external);
    const vhost = u.pathname.length > 1 ? decodeURIComponent(u.pathname.slice(1)) : '/';
    return {
      url: external,
      port: Number(u.port || 5672),
      owned: false,
      queues: () => lines(ctl('', process.env, ['list_queues', '-s', '-p', vhost, 'name'])),
      exchanges: () =>
        lines(ctl('', process.env, ['list_exchanges', '-s', '-p', vhost, 'name'])).filter((n) => !n.startsWith('amq.')),
      stop: async () => {},
    };
  }
  const dir = scriptsDir();
  const base = mkdtempSync(path.join(tmpdir(), 'perf-rabbit-'));
  for (const sub of ['mnesia', 'log', 'home']) mkdirSync(path.join(base, sub));
  writeFileSync(path.join(base, 'enabled_plugins'), '[].\n');
  const port = await freePort();
  const distPort = await freePort();
  const node = `perf-test-${process.pid}-${port}@localhost`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // The Erlang cookie lives in HOME: a private one, so rabbitmqctl below reaches this node only.
    HOME: path.join(base, 'home'),
    RABBITMQ_NODENAME: node,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: path.join(base, 'mnesia'),
    RABBITMQ_LOG_BASE: path.join(base, 'log'),
    RABBITMQ_ENABLED_PLUGINS_FILE: path.join(base, 'enabled_plugins'),
    RABBITMQ_PID_FILE: path.join(base, 'rabbit.pid'),
    // Files that do not exist: the system's config (listeners, node name) must not apply to this node.
    RABBITMQ_CONFIG_FILE: path.join(base, 'rabbitmq'),
    RABBITMQ_ADVANCED_CONFIG_FILE: path.join(base, 'advanced.config'),
    RABBITMQ_CONF_ENV_FILE: path.join(base, 'rabbitmq-env.conf'),
  };
  const child: ChildProcess = spawn(path.join(dir, 'rabbitmq-server'), [], {
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid as number;
  groups.add(pid);
  let out = '';
  const keep = (d: Buffer) => {
    out = (out + d.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let gone = false;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      gone = true;
      resolve();
    });
    child.once('error', (err) => {
      out += `\n${err.message}`;
      gone = true;
      resolve();
    });
  });
  const signalGroup = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      // already gone
    }
  };
  const stop = async () => {
    if (!gone) {
      signalGroup('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    // The Erlang VM may outlive the script by a moment.
    signalGroup('SIGKILL');
    groups.delete(pid);
    rmSync(base, { recursive: true, force: true });
  };
  const url = `amqp://guest:guest@127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  while (!(await canOpen(url))) {
    if (gone || Date.now() > deadline) {
      const why = gone ? 'exited during start' : `did not accept connections within ${timeoutMs} ms`;
      await stop();
      throw new Error(`rabbitmq-server (${node}) ${why}:\n${out.trim()}`);
    }
    await sleep(200);
  }
  const list = (what: string) => lines(ctl(dir, env, ['-n', node, what, '-s', 'name']));
  return {
    url,
    port,
    owned: true,
    queues: () => list('list_queues'),
    exchanges: () => list('list_exchanges').filter((n) => !n.startsWith('amq.')),
    stop,
  };
}

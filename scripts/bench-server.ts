// What the http benchmarks (bench-http.ts, bench-overhead.ts) share: one trivial loopback server in a separate
// process (so the load generators do not starve it), and `wrk -t1`'s req/s against it.
//
// BENCH_HTTP_SECONDS (default 5) sets each throughput run's length; BENCH_HTTP_CONNECTIONS (default 50).

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';

export const HTTP_SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 5);
export const HTTP_CONNECTIONS = Number(process.env.BENCH_HTTP_CONNECTIONS ?? 50);

// The system under test: a minimal JSON endpoint, and a control route that freezes the event loop once.
const SERVER = `
const http = require('node:http');
const body = JSON.stringify({ ok: true, service: 'bench' });
const server = http.createServer((req, res) => {
  if (req.url.startsWith('/__stall')) {
    const ms = Number(new URL(req.url, 'http://x').searchParams.get('ms') || 1000);
    res.end('stalling');
    setImmediate(() => { const end = Date.now() + ms; while (Date.now() < end); });
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

export async function startServer(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout?.once('data', (d: Buffer) => resolve(d.toString().trim()));
    child.once('exit', (code) => reject(new Error(`the bench server exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

/** `wrk -t1` with HTTP_CONNECTIONS connections for `seconds`: its req/s, or undefined when it failed. */
export function wrk(url: string, seconds = HTTP_SECONDS): number | undefined {
  const r = spawnSync('wrk', ['-t1', `-c${HTTP_CONNECTIONS}`, `-d${seconds}s`, url], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return undefined;
  const m = /Requests\/sec:\s+([\d.]+)/.exec(r.stdout);
  return m ? Number(m[1]) : undefined;
}

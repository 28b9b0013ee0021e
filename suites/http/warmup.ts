// JIT warm-up of the HTTP client path before the clock starts. A fresh V8 isolate runs undici's parser and
// dispatch code unoptimised; on a busy machine that lasts seconds and shows as a slow first part of every
// run (measured: ~0.5k req/s rising to ~15k over 3 s, while a second pool in the same thread starts at full
// speed). Exercising the same code against an in-thread stub server first removes that ramp, without
// sending a single request to the system under test.

import net from 'node:net';
import { Pool } from 'undici';
import { send } from './client.ts';

const RESPONSE = Buffer.from('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}');

export async function warmUpClient(budgetMs = 1500, maxRequests = 30_000): Promise<number> {
  // The stub answers one canned response per request head; requests here have no body.
  const server = net.createServer((sock) => {
    let pending = '';
    sock.on('data', (d) => {
      pending += d.toString('latin1');
      let at = pending.indexOf('\r\n\r\n');
      while (at >= 0) {
        sock.write(RESPONSE);
        pending = pending.slice(at + 4);
        at = pending.indexOf('\r\n\r\n');
      }
    });
    sock.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 8 });
  const deadline = performance.now() + budgetMs;
  let done = 0;
  const loop = async () => {
    while (done < maxRequests && performance.now() < deadline) {
      await send(pool, { method: 'GET', path: '/', headers: {} }, { timeoutMs: 5000, keepBody: false });
      done++;
    }
  };
  try {
    await Promise.all(Array.from({ length: 8 }, loop));
  } finally {
    await pool.destroy().catch(() => undefined);
    server.close();
  }
  return done;
}

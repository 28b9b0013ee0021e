// A stand-in for the agent platform's API (seed 002): task submission per execution mode, messages to a
// continuous agent, Slack queries answered through a simulated LLM call, and a streaming completion endpoint
// (server-sent events, one token per event). Work is simulated with timers, so the figures are the server's
// scheduling and I/O, not the machine's arithmetic. Replace it with your service; perf.yml stays the same.
// Environment: PORT; TTFT_MS (time to the first token, default 120); TASK_FAIL_PERCENT (failed tasks, default 0).

import http from 'node:http';

const port = Number(process.env.PORT ?? 8620);
const ttftMs = Number(process.env.TTFT_MS ?? 120);
const failPercent = Number(process.env.TASK_FAIL_PERCENT ?? 0);
// Simulated work per execution mode, in ms (min, max).
const MODES = { collaborative: [40, 120], autonomous: [10, 40], continuous: [5, 15], scheduled: [10, 30] };

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const between = ([lo, hi]) => lo + Math.random() * (hi - lo);

function send(res, status, body) {
  const data = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) });
  res.end(data);
}

async function readBody(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return body;
}

let taskSeq = 0;

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const parts = url.pathname.split('/').filter(Boolean);
  try {
    if (url.pathname === '/health') return send(res, 200, { ok: true });
    if (req.method === 'POST' && parts[0] === 'tasks' && parts[1] in MODES) {
      await readBody(req);
      await sleep(between(MODES[parts[1]]));
      if (Math.random() * 100 < failPercent) return send(res, 500, { error: 'agent failed' });
      return send(res, 200, { task: ++taskSeq, mode: parts[1], status: 'done' });
    }
    if (req.method === 'POST' && parts[0] === 'agents' && parts[2] === 'messages') {
      await readBody(req);
      await sleep(between(MODES.continuous));
      return send(res, 202, { agent: parts[1], accepted: true });
    }
    if (req.method === 'POST' && url.pathname === '/slack/events') {
      const event = JSON.parse((await readBody(req)) || '{}');
      // Signature check, routing, an LLM call and the tool work: ~0.3 s for a simple query, ~1.5 s for a task.
      await sleep(event.complex ? between([1000, 2000]) : between([200, 400]));
      return send(res, 200, { ok: true, reply: 'done' });
    }
    if (url.pathname === '/llm/stream') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      await sleep(ttftMs);
      for (let i = 0; i < 20; i++) {
        res.write(`data: {"token":${i}}\n\n`);
        await sleep(5);
      }
      res.end('data: [DONE]\n\n');
      return;
    }
    send(res, 404, { error: 'not found' });
  } catch (err) {
    send(res, 400, { error: String(err) });
  }
});

server.keepAliveTimeout = 30_000;
server.listen(port, '127.0.0.1');
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => server.close(() => process.exit(0)));

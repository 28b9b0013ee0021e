// A small agent-platform API for perf-action's http example: workflows (create, execute, status), an event
// batch endpoint, a token-streaming SSE endpoint and a health check. No dependencies: node:http only.
// Every /api route needs the bearer token from POST /api/v1/auth/token, as the seeds' APIs do.
//
//   PORT=8002 node server.mjs

import { randomUUID } from 'node:crypto';
import http from 'node:http';

const port = Number(process.env.PORT ?? 8002);
/** Kept small and bounded: a load test must measure the API, not an ever-growing map. */
const MAX_WORKFLOWS = 50_000;
const workflows = new Map();
const tokens = new Set();
let eventsAccepted = 0;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readJson(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  if (chunks.length === 0) return {};
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

function remember(id, wf) {
  workflows.set(id, wf);
  if (workflows.size > MAX_WORKFLOWS) workflows.delete(workflows.keys().next().value);
}

/** Planning cost grows with the number of steps, like a small DAG ordering would. */
function plan(steps) {
  const order = [...steps].sort((a, b) => String(a.name).localeCompare(String(b.name)));
  return order.map((s, i) => ({ ...s, level: i % 4 }));
}

async function stream(res) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  res.flushHeaders();
  // Time to first token, then a burst of tokens, as an LLM-backed agent answers.
  await sleep(15);
  for (let i = 0; i < 20; i++) {
    res.write(`event: token\ndata: ${JSON.stringify({ index: i, text: `tok${i}` })}\n\n`);
    await sleep(2);
  }
  res.end('event: done\ndata: {}\n\n');
}

const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const parts = url.pathname.split('/').filter(Boolean);
    if (url.pathname === '/health') return send(res, 200, { status: 'ok', workflows: workflows.size });
    if (url.pathname === '/api/v1/auth/token' && req.method === 'POST') {
      const body = await readJson(req);
      const token = randomUUID();
      tokens.add(token);
      return send(res, 200, { access_token: token, user: body.user ?? 'anonymous', token_type: 'bearer' });
    }
    if (parts[0] === 'api') {
      const auth = req.headers.authorization ?? '';
      if (!tokens.has(auth.replace(/^Bearer\s+/i, ''))) return send(res, 401, { error: 'missing or unknown token' });
    }
    if (url.pathname === '/api/v1/workflows' && req.method === 'POST') {
      const body = await readJson(req);
      const id = body.workflow_id ?? randomUUID();
      const steps = Array.isArray(body.steps) ? body.steps : [];
      remember(id, { id, name: body.name ?? 'unnamed', status: 'created', plan: plan(steps), runs: 0 });
      return send(res, 201, { workflow_id: id, status: 'created', steps: steps.length });
    }
    if (parts[0] === 'api' && parts[2] === 'workflows' && parts[3]) {
      const wf = workflows.get(parts[3]);
      if (!wf) return send(res, 404, { error: `no workflow ${parts[3]}` });
      if (parts[4] === 'execute' && req.method === 'POST') {
        await readJson(req);
        wf.runs++;
        wf.status = 'running';
        // Dispatching to agents takes a moment.
        await sleep(3);
        return send(res, 200, { workflow_id: wf.id, execution_id: randomUUID(), status: 'running' });
      }
      if (parts[4] === 'status' && req.method === 'GET') {
        return send(res, 200, { workflow_id: wf.id, status: wf.status, runs: wf.runs, steps: wf.plan.length });
      }
    }
    if (url.pathname === '/api/v1/events/batch' && req.method === 'POST') {
      const body = await readJson(req);
      const events = Array.isArray(body.events) ? body.events : [];
      if (events.length === 0) return send(res, 400, { error: 'events must be a non-empty array' });
      eventsAccepted += events.length;
      return send(res, 202, { accepted: events.length, total: eventsAccepted });
    }
    if (url.pathname === '/api/v1/stream' && req.method === 'GET') return await stream(res);
    send(res, 404, { error: 'not found' });
  } catch (err) {
    send(res, 400, { error: String(err?.message ?? err) });
  }
});

server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`agent-api listening on http://127.0.0.1:${port}\n`);
});
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => server.close(() => process.exit(0)));

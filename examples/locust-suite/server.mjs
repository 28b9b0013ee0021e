// A stand-in for the seed-004 platform behind the Locust suite: an auth and agents API, agent execution (an LLM
// call's latency) and RAG queries (a vector search's), on 127.0.0.1 only. Latencies are simulated with timers:
// API calls 2-10 ms, RAG queries RAG_DELAY_MS (default 80) +-50%, agent runs AGENT_DELAY_MS (default 600) +-50%.
// Raise RAG_DELAY_MS or AGENT_DELAY_MS to watch the gate fail.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? 8474);
const ragMs = Number(process.env.RAG_DELAY_MS ?? 80);
const agentMs = Number(process.env.AGENT_DELAY_MS ?? 600);
const tokens = new Set();
const agents = Array.from({ length: 20 }, (_, i) => ({ id: `agent-${i}`, name: `Agent ${i}`, model: 'stand-in' }));

/** `ms` +-50%, uniformly. */
const jitter = (ms) => ms * (0.5 + Math.random());

function reply(res, status, body, afterMs = 0) {
  setTimeout(() => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }, afterMs);
}

function readBody(req) {
  return new Promise((resolve) => {
    const parts = [];
    req.on('data', (p) => parts.push(p));
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(parts).toString('utf8') || '{}'));
      } catch {
        resolve(undefined);
      }
    });
  });
}

const authorised = (req) => tokens.has((req.headers.authorization ?? '').replace(/^Bearer /, ''));

createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://stand-in');
  const body = req.method === 'POST' ? await readBody(req) : undefined;
  if (req.method === 'POST' && body === undefined) return reply(res, 400, { error: 'invalid JSON' });
  if (url.pathname === '/health') return reply(res, 200, { status: 'ok' });
  if (req.method === 'POST' && url.pathname === '/auth/login') {
    if (!body.username) return reply(res, 422, { error: 'username required' });
    const token = randomUUID();
    tokens.add(token);
    return reply(res, 200, { access_token: token }, jitter(6));
  }
  if (!authorised(req)) return reply(res, 401, { error: 'unauthorised' });
  if (req.method === 'GET' && url.pathname === '/agents/') return reply(res, 200, agents, jitter(6));
  const run = /^\/agents\/([^/]+)\/execute$/.exec(url.pathname);
  if (req.method === 'POST' && run) {
    if (!agents.some((a) => a.id === run[1])) return reply(res, 404, { error: 'no such agent' });
    return reply(res, 200, { agent: run[1], output: `done: ${body.task ?? ''}` }, jitter(agentMs));
  }
  if (req.method === 'POST' && url.pathname === '/rag/query') {
    const topK = Number(body.top_k ?? 5);
    const hits = Array.from({ length: topK }, (_, i) => ({ doc: `doc-${i}`, score: 1 - i / 10 }));
    return reply(res, 200, { query: body.query, hits }, jitter(ragMs));
  }
  return reply(res, 404, { error: 'not found' });
}).listen(port, '127.0.0.1');

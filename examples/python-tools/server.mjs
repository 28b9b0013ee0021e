// A stand-in agent API for the Locust run: answers on 127.0.0.1 only, with a little simulated work.
import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? 8471);
let created = 0;
createServer((req, res) => {
  if (req.url === '/health') return res.end('ok');
  if (req.method === 'POST' && req.url === '/api/v1/workflows') {
    req.resume();
    req.on('end', () => {
      created++;
      setTimeout(() => {
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: created }));
      }, 2);
    });
    return;
  }
  if (req.url === '/api/v1/status') {
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end(JSON.stringify({ workflows: created }));
  }
  res.writeHead(404).end();
}).listen(port, '127.0.0.1');

"""A stand-in for the agent platform's orchestrator start-up (seed 002, "20 agents registered and healthy in
<5 seconds"): it starts $AGENTS agent processes, each registers itself over HTTP once initialised, and
/health answers 503 until every agent has registered, then 200. perf-action's command suite measures the
time from spawn to a healthy /health, and the CPU and peak RSS of the whole process tree.

Environment: AGENTS (how many), SCALE_PORT (the health port), AGENT_INIT_MS (simulated initialisation of
each agent, default 100), AGENT_STATE_MB (memory each agent holds, default 4). AGENT_START_SERIAL=1 starts
the agents one after the other, each waiting for the previous one to register: the slow start-up the
"<5 s for 20 agents" criterion exists to catch.
"""

import json
import os
import signal
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

AGENTS = int(os.environ.get("AGENTS", "20"))
PORT = int(os.environ.get("SCALE_PORT", "8610"))
SERIAL = os.environ.get("AGENT_START_SERIAL") == "1"
HERE = os.path.dirname(os.path.abspath(__file__))

registered = set()
lock = threading.Condition()


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path != "/health":
            return self.answer(404, {"error": "not found"})
        with lock:
            count = len(registered)
        self.answer(200 if count == AGENTS else 503, {"registered": count, "expected": AGENTS})

    def do_POST(self):
        # /register/<agent id>: an agent is initialised and ready for work.
        if not self.path.startswith("/register/"):
            return self.answer(404, {"error": "not found"})
        with lock:
            registered.add(self.path.rsplit("/", 1)[1])
            lock.notify_all()
        self.answer(200, {"ok": True})

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def main():
    server = ThreadingHTTPServer(("127.0.0.1", PORT), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    children = []

    def stop(*_):
        for c in children:
            c.kill()
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for i in range(AGENTS):
        env = {**os.environ, "AGENT_ID": f"agent-{i}", "REGISTER_HOST": "127.0.0.1", "REGISTER_PORT": str(PORT)}
        # -S: no site packages to scan; an agent imports only the standard library.
        children.append(subprocess.Popen([sys.executable, "-S", os.path.join(HERE, "agent.py")], env=env))
        if SERIAL:
            with lock:
                lock.wait_for(lambda: len(registered) > i, timeout=30)
    for c in children:
        c.wait()


if __name__ == "__main__":
    main()

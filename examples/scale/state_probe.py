"""A stand-in for the state manager (seed 002, section 2): agent state is read through a Redis cache in front
of a slower store (PostgreSQL, simulated with a sleep), and continuous agents save their state. Reads follow a
skewed access pattern (a few agents are busy, most are idle), as a platform's do. Writes perf-action's custom
JSON to the file named by the first argument: cache hit rate, cache and store read latency (p95), and save
latency (p95).

Environment: REDIS_URL (the cache), READS (default 1000), STORE_MS (a store read, default 8).
"""

import json
import os
import random
import socket
import sys
import time
from urllib.parse import urlparse


class Redis:
    """Just enough RESP for GET and SET with an expiry: the probe needs no client library."""

    def __init__(self, url):
        u = urlparse(url)
        self.sock = socket.create_connection((u.hostname or "127.0.0.1", u.port or 6379), timeout=5)
        self.buf = b""

    def call(self, *args):
        parts = [f"*{len(args)}\r\n".encode()]
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            parts.append(b"$%d\r\n%s\r\n" % (len(a), a))
        self.sock.sendall(b"".join(parts))
        line = self.line()
        if line[:1] == b"$":
            n = int(line[1:])
            if n < 0:
                return None
            while len(self.buf) < n + 2:
                self.buf += self.sock.recv(65536)
            value, self.buf = self.buf[:n], self.buf[n + 2 :]
            return value
        if line[:1] == b"-":
            raise RuntimeError(line.decode())
        return line

    def line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("redis closed the connection")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line


def p95(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def main(out):
    rng = random.Random(42)
    cache = Redis(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379"))
    prefix = f"perf-example:state:{os.getpid()}:"
    store_s = float(os.environ.get("STORE_MS", "8")) / 1000
    reads = int(os.environ.get("READS", "1000"))
    hits, cache_ms, store_ms, save_ms = 0, [], [], []
    for _ in range(reads):
        # 100 agents; a Pareto-like skew puts most reads on a few busy agents.
        agent = min(99, int(rng.paretovariate(1.2)) - 1)
        t = time.perf_counter()
        value = cache.call("GET", f"{prefix}{agent}")
        cache_ms.append((time.perf_counter() - t) * 1000)
        if value is not None:
            hits += 1
            continue
        t = time.perf_counter()
        time.sleep(store_s)  # the store's read
        store_ms.append((time.perf_counter() - t) * 1000)
        cache.call("SET", f"{prefix}{agent}", json.dumps({"agent": agent, "memory": "x" * 512}), "EX", 60)
    # Continuous agents save their state: write-through to the cache (the store's write is asynchronous).
    for agent in range(20):
        for _ in range(8):
            t = time.perf_counter()
            cache.call("SET", f"{prefix}{agent}", json.dumps({"agent": agent, "saved": time.time()}), "EX", 60)
            save_ms.append((time.perf_counter() - t) * 1000)
    metrics = [
        {"name": "hit_rate", "unit": "%", "value": 100 * hits / reads, "better": "higher"},
        {"name": "cache_read_p95", "unit": "ms", "value": p95(cache_ms)},
        {"name": "store_read_p95", "unit": "ms", "value": p95(store_ms) if store_ms else 0},
        {"name": "state_save_p95", "unit": "ms", "value": p95(save_ms)},
    ]
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    with open(out, "w") as f:
        json.dump(metrics, f)


if __name__ == "__main__":
    main(sys.argv[1])

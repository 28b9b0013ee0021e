"""Stand-ins for the service layer's streaming path and its full middleware pipeline (seed 003, sections 3 and 4).

- ``stream``: relays a backend's chunks to the caller as they arrive (never the whole response in memory), with
  an optional circuit breaker around it.
- ``Pipeline.call``: one request through every middleware: pre/post hooks, the circuit breaker, request and
  response serialization and the executor's queue, around a backend call that waits SERVICE_IO_MS (default 20)
  like a network round trip.

Replace the backends with your real ones; test_services_perf.py and perf.yml stay the same.
"""

import asyncio
import os
import time

from executor import Executor
from serializers import CallContext, ServiceCall, fast_decode, fast_encode

IO_SECONDS = float(os.environ.get("SERVICE_IO_MS", "20")) / 1000
CHUNK = b"x" * 64


class CircuitOpen(Exception):
    pass


class CircuitBreaker:
    """Opens after `threshold` failures in a row; while open, calls fail at once until `reset_s` has passed, then
    one call is let through (half-open) and its outcome closes or reopens the circuit."""

    def __init__(self, threshold=5, reset_s=1.0):
        self.threshold, self.reset_s = threshold, reset_s
        self.failures, self.opened_at = 0, None

    def check(self):
        if self.opened_at is not None:
            if time.monotonic() - self.opened_at < self.reset_s:
                raise CircuitOpen()
            self.opened_at = None

    def record(self, ok):
        if ok:
            self.failures = 0
            return
        self.failures += 1
        if self.failures >= self.threshold:
            self.opened_at = time.monotonic()


async def backend_stream(chunks, first_chunk_s=0.005):
    """A model's token stream: the first chunk after a short connection delay, the rest as fast as they are read
    (one turn of the event loop each)."""
    await asyncio.sleep(first_chunk_s)
    for _ in range(chunks):
        yield CHUNK
        await asyncio.sleep(0)


async def stream(chunks, breaker=None):
    """Relays each chunk as it arrives. With a breaker, it is checked before the stream opens, and the stream's
    outcome is recorded when it ends."""
    if breaker:
        breaker.check()
    try:
        async for chunk in backend_stream(chunks):
            yield chunk
    except Exception:
        if breaker:
            breaker.record(False)
        raise
    if breaker:
        breaker.record(True)


async def backend(body):
    """The service behind the pipeline: waits like a network call, answers with the request's calls."""
    await asyncio.sleep(IO_SECONDS)
    return body


class Pipeline:
    """Hooks, circuit breaker, serialization and the executor around each backend call."""

    def __init__(self, executor, breaker=None):
        self.executor = executor
        self.breaker = breaker or CircuitBreaker()
        self.seen = 0

    def before(self, call):
        call.context.attempt += 1

    def after(self, calls):
        self.seen += len(calls)

    async def call(self, i):
        ctx = CallContext(f"call-{i}", "search", 30_000, 0, ["prod"])
        call = ServiceCall(ctx, "query", {"q": f"agents near {i}", "limit": 20}, 1)
        self.before(call)
        self.breaker.check()
        try:
            answer = await self.executor.submit(backend, fast_encode([call]))
        except Exception:
            self.breaker.record(False)
            raise
        self.breaker.record(True)
        calls = fast_decode(answer)
        self.after(calls)
        return calls[0]


class Running:
    """An Executor held open in its own event loop across benchmark rounds: one task owns the `async with` (so
    the TaskGroup's lifetime stays structured), and each round drives the loop with `run`."""

    def __init__(self, **executor_args):
        self.loop = asyncio.new_event_loop()
        self.ready = self.loop.create_future()
        self.done = self.loop.create_future()
        self.task = self.loop.create_task(self._hold(executor_args))
        self.executor = self.loop.run_until_complete(self.ready)

    async def _hold(self, executor_args):
        async with Executor(**executor_args) as ex:
            self.ready.set_result(ex)
            await self.done

    def run(self, coro):
        return self.loop.run_until_complete(coro)

    def close(self):
        self.done.set_result(None)
        self.loop.run_until_complete(self.task)
        self.loop.close()

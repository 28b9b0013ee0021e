"""A stand-in for the service layer's executor: calls go through a bounded in-memory queue to a fixed pool of
workers run in one asyncio TaskGroup (structured concurrency: nothing outlives the executor), with an optional
token-bucket rate limit. EXECUTOR_DELAY_MS adds a pause to every call (a slow executor, to try the gate)."""

import asyncio
import os
import time

DELAY = float(os.environ.get("EXECUTOR_DELAY_MS", "0")) / 1000


async def fast_service(x):
    """A fast service call: returns at once after yielding to the loop."""
    await asyncio.sleep(0)
    return x * 2


class RateLimiter:
    def __init__(self, per_second):
        self.interval = 1.0 / per_second
        self.next = time.monotonic()

    async def wait(self):
        # Reserve the slot before sleeping: concurrent workers that read `next` while another sleeps would
        # otherwise all take the same slot and together run faster than the limit.
        now = time.monotonic()
        slot = max(self.next, now)
        self.next = slot + self.interval
        if slot > now:
            await asyncio.sleep(slot - now)


class Executor:
    def __init__(self, workers=8, queue_size=1000, rate=None):
        self.queue = asyncio.Queue(queue_size)
        self.workers = workers
        self.limiter = RateLimiter(rate) if rate else None

    async def __aenter__(self):
        self.group = asyncio.TaskGroup()
        await self.group.__aenter__()
        for _ in range(self.workers):
            self.group.create_task(self._work())
        return self

    async def __aexit__(self, *exc):
        for _ in range(self.workers):
            await self.queue.put(None)
        return await self.group.__aexit__(*exc)

    def submit(self, fn, *args):
        """Queue a call; returns its future at once (no polling: the worker wakes on the queue)."""
        fut = asyncio.get_running_loop().create_future()
        self.queue.put_nowait((fn, args, fut))
        return fut

    async def _work(self):
        while (item := await self.queue.get()) is not None:
            fn, args, fut = item
            if self.limiter:
                await self.limiter.wait()
            if DELAY:
                await asyncio.sleep(DELAY)
            try:
                fut.set_result(await fn(*args))
            except Exception as err:  # the caller gets the error; the worker lives on
                fut.set_exception(err)

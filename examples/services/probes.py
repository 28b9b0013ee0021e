"""The seed-003 criteria that are not times: memory (tracemalloc peaks) and the rate limiter's accuracy. Writes
perf-action's `custom` format, `[{name, unit, value}]`, to the file named by the first argument; a name's
`[k=v]` is a parameter, so perf.yml can take ratios per payload size and slopes over the load.

    python3 probes.py .perf/probes.json
"""

import asyncio
import gc
import json
import os
import sys
import time
import tracemalloc

from executor import Executor, fast_service
from pipeline import Pipeline, stream
from serializers import fast_encode, make_calls, validating_encode


def peak_bytes(work):
    """The peak of memory allocated while `work()` runs, above what was allocated before it started."""
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        work()
        return tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()


def encode_peaks(kb):
    calls = make_calls(kb)
    return peak_bytes(lambda: fast_encode(calls)), peak_bytes(lambda: validating_encode(calls))


async def sustained(total, in_flight=100):
    """`total` calls through one executor, never more than `in_flight` waiting: a steady load, as a service sees
    it, so memory that grows with `total` is memory the executor keeps."""
    async with Executor(workers=8) as ex:
        pending = set()
        for i in range(total):
            if len(pending) >= in_flight:
                _, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            pending.add(ex.submit(fast_service, i))
        await asyncio.gather(*pending)


async def pipeline_load(total, in_flight=32):
    """`total` requests through the full pipeline, `in_flight` at a time."""
    async with Executor(workers=in_flight) as ex:
        pipe = Pipeline(ex)
        for start in range(0, total, in_flight):
            await asyncio.gather(*(pipe.call(i) for i in range(start, min(total, start + in_flight))))


async def drain(chunks):
    async for _ in stream(chunks):
        pass


async def rate_error(rate=200, calls=100, workers=4):
    """Start times of `calls` calls through a limiter of `rate`/s; the error of the achieved rate, in %."""
    starts = []

    async def stamped(i):
        starts.append(time.monotonic())
        return await fast_service(i)

    async with Executor(workers=workers, rate=rate) as ex:
        await asyncio.gather(*(ex.submit(stamped, i) for i in range(calls)))
    achieved = (len(starts) - 1) / (max(starts) - min(starts))
    return abs(achieved / rate - 1) * 100


def main(out):
    results = []

    def add(name, unit, value):
        results.append({"name": name, "unit": unit, "value": value})

    for kb in (64, 1024):
        fast, validating = encode_peaks(kb)
        add(f"encode_peak_fast[kb={kb}]", "B", fast)
        add(f"encode_peak_validating[kb={kb}]", "B", validating)
    for total in (1_000, 10_000):
        add(f"executor_peak[calls={total}]", "B", peak_bytes(lambda: asyncio.run(sustained(total))))
    for chunks in (1_000, 10_000):
        add(f"stream_peak[chunks={chunks}]", "B", peak_bytes(lambda: asyncio.run(drain(chunks))))
    for total in (128, 1_024):
        add(f"pipeline_peak[requests={total}]", "B", peak_bytes(lambda: asyncio.run(pipeline_load(total))))
    add("rate_limit_error", "%", asyncio.run(rate_error()))
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    with open(out, "w") as f:
        json.dump(results, f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1])

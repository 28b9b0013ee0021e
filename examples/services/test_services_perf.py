"""The service layer's performance suite (seed 003) for pytest-benchmark: serialization fast vs validating (core
structures alone and in a batch, parsing at three payload sizes), executor throughput, queue latency and overhead
over direct calls, streaming time to first chunk and chunk throughput with and without a circuit breaker, and the
full pipeline's latency alone, under concurrency and in a burst. perf-action reads the --benchmark-json output;
the thresholds live in perf.yml, the asserts here only check that each benchmark did its work."""

import asyncio

import pytest

from executor import Executor, fast_service
from pipeline import CircuitBreaker, Pipeline, Running, stream
from serializers import fast_decode, fast_encode, make_call, make_calls, validating_decode, validating_encode

SIZES = [4, 64, 1024]  # KB: the seed's 4KB, 64KB and 1MB transport (response) payloads, parsed


@pytest.fixture
def running():
    """An executor kept running across the benchmark's rounds (see pipeline.Running)."""
    opened = []

    def start(**executor_args):
        opened.append(Running(**executor_args))
        return opened[-1]

    yield start
    for r in opened:
        r.close()


# --- serialization ---------------------------------------------------------------------------------------


# Core structures one at a time (a ServiceCall with its CallContext), and in a batch of about 64 KB.
@pytest.mark.parametrize("calls", [1, 300])
def test_encode_fast(benchmark, calls):
    batch = [make_call(i) for i in range(calls)]
    assert benchmark(fast_encode, batch)


@pytest.mark.parametrize("calls", [1, 300])
def test_encode_validating(benchmark, calls):
    batch = [make_call(i) for i in range(calls)]
    assert benchmark(validating_encode, batch)


@pytest.mark.parametrize("kb", SIZES)
def test_decode_fast(benchmark, kb):
    text = fast_encode(make_calls(kb))
    assert benchmark(fast_decode, text)


@pytest.mark.parametrize("kb", SIZES)
def test_decode_validating(benchmark, kb):
    text = validating_encode(make_calls(kb))
    assert benchmark(validating_decode, text)


# --- executor --------------------------------------------------------------------------------------------


def test_executor_50_calls(benchmark):
    """50 fast calls submitted at once and awaited, executor start and stop included: under 1 s is >= 50 calls/s."""

    async def fifty():
        async with Executor(workers=8) as ex:
            return await asyncio.gather(*(ex.submit(fast_service, i) for i in range(50)))

    assert len(benchmark(lambda: asyncio.run(fifty()))) == 50


def test_direct_50_calls(benchmark):
    """The same 50 calls without the executor: the base of the "overhead under 5x" criterion."""

    async def fifty():
        return await asyncio.gather(*(fast_service(i) for i in range(50)))

    assert len(benchmark(lambda: asyncio.run(fifty()))) == 50


def test_queue_latency(benchmark, running):
    """One call through a running executor's queue: submitted, picked up by a waiting worker, answered. A worker
    that polled the queue instead of waking on it would add its polling interval here."""
    r = running(workers=4)

    async def one():
        return await r.executor.submit(fast_service, 21)

    assert benchmark(lambda: r.run(one())) == 42


# --- streaming -------------------------------------------------------------------------------------------


def first_chunk(breaker=None):
    async def first():
        chunks = stream(10, breaker)
        try:
            return await anext(chunks)
        finally:
            await chunks.aclose()

    return asyncio.run(first())


def test_stream_first_chunk(benchmark):
    """Time to first byte: opening a stream and reading its first chunk."""
    assert benchmark(first_chunk)


async def drain(chunks, breaker=None):
    size = 0
    async for chunk in stream(chunks, breaker):
        size += len(chunk)
    return size


def test_stream_10k_chunks(benchmark):
    """10k small chunks read to the end: under 10 s is >= 1000 chunks/s. 15 rounds, for the comparison below."""
    assert benchmark.pedantic(lambda: asyncio.run(drain(10_000)), rounds=15, warmup_rounds=1) == 640_000


def test_stream_10k_chunks_breaker(benchmark):
    """The same stream with the circuit breaker active: compared with the one above in perf.yml."""
    breaker = CircuitBreaker()
    assert benchmark.pedantic(lambda: asyncio.run(drain(10_000, breaker)), rounds=15, warmup_rounds=1) == 640_000


# --- pipeline --------------------------------------------------------------------------------------------


def test_pipeline_call(benchmark, running):
    """One request through hooks, breaker, serialization, the executor's queue and the backend's round trip."""
    r = running(workers=8)
    pipe = Pipeline(r.executor)
    assert benchmark(lambda: r.run(pipe.call(1))).context.call_id == "call-1"


@pytest.mark.parametrize("concurrency", [1, 8, 32])
def test_pipeline_concurrent(benchmark, running, concurrency):
    """`concurrency` requests at once, each with its own worker (the executor's limit is 32): the time to answer
    them all stays near one request's while the service scales."""
    r = running(workers=32)
    pipe = Pipeline(r.executor)

    async def together():
        return await asyncio.gather(*(pipe.call(i) for i in range(concurrency)))

    assert len(benchmark(lambda: r.run(together()))) == concurrency


def test_pipeline_burst(benchmark, running):
    """A burst of 500 requests on 32 workers: queued, none dropped or failed, all answered."""
    r = running(workers=32, queue_size=1000)
    pipe = Pipeline(r.executor)

    async def burst():
        return await asyncio.gather(*(pipe.call(i) for i in range(500)))

    answers = benchmark.pedantic(lambda: r.run(burst()), rounds=5, iterations=1)
    assert [a.context.call_id for a in answers] == [f"call-{i}" for i in range(500)]

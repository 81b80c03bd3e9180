"""The lane pool: bounded, FIFO waiters, context copied into the worker thread."""

from __future__ import annotations

import asyncio
import contextvars
import threading

import pytest

from veloce.core.concurrency import LanePool, lane_loop, run_sync

var: contextvars.ContextVar[str] = contextvars.ContextVar("var")


def test_run_sync_sees_the_callers_context() -> None:
    pool = LanePool(2)

    async def main() -> tuple[str, str]:
        var.set("bound")
        return await run_sync(pool, lambda: (var.get(), threading.current_thread().name))

    try:
        value, thread = asyncio.run(main())
    finally:
        pool.close()
    assert value == "bound"
    assert thread.startswith("veloce-worker")


def test_jobs_on_one_lane_share_a_thread() -> None:
    pool = LanePool(4)

    async def main() -> set[int]:
        lane = await pool.acquire()
        try:
            ctx = contextvars.copy_context()
            return {await lane.run(ctx, threading.get_ident) for _ in range(5)}
        finally:
            pool.release(lane)

    try:
        assert len(asyncio.run(main())) == 1
    finally:
        pool.close()


def test_pool_is_bounded_and_waiters_are_served() -> None:
    pool = LanePool(2)
    gate = threading.Event()
    running = 0
    peak = 0
    lock = threading.Lock()

    def work() -> None:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        gate.wait(5)
        with lock:
            running -= 1

    async def main() -> None:
        tasks = [asyncio.ensure_future(run_sync(pool, work)) for _ in range(6)]
        await asyncio.sleep(0.05)
        assert pool.busy == 2
        gate.set()
        await asyncio.gather(*tasks)

    try:
        asyncio.run(main())
    finally:
        pool.close()
    assert peak == 2


def test_exceptions_cross_back_to_the_loop() -> None:
    pool = LanePool(1)

    def fail() -> None:
        raise KeyError("nope")

    async def main() -> None:
        await run_sync(pool, fail)

    try:
        with pytest.raises(KeyError):
            asyncio.run(main())
    finally:
        pool.close()


def test_lane_knows_its_loop() -> None:
    pool = LanePool(1)

    async def main() -> bool:
        loop = asyncio.get_running_loop()
        return await run_sync(pool, lambda: lane_loop() is loop)

    try:
        assert asyncio.run(main()) is True
    finally:
        pool.close()


def test_cancelled_waiter_does_not_leak_a_lane() -> None:
    pool = LanePool(1)
    gate = threading.Event()

    async def main() -> None:
        first = asyncio.ensure_future(run_sync(pool, lambda: gate.wait(5)))
        await asyncio.sleep(0.02)
        waiter = asyncio.ensure_future(pool.acquire())
        await asyncio.sleep(0.02)
        waiter.cancel()
        gate.set()
        await first
        lane = await asyncio.wait_for(pool.acquire(), 2)
        pool.release(lane)

    try:
        asyncio.run(main())
    finally:
        pool.close()


def test_pool_size_must_be_positive() -> None:
    with pytest.raises(ValueError):
        LanePool(0)

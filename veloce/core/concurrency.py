"""A bounded pool of worker threads handed out as *lanes*, one per request.

Why lanes and not ``run_in_executor``: Flask code keeps thread-bound resources in
``g`` (a sqlite connection opened in ``before_request``, used by the view, closed in
``teardown_request``). An executor may run each stage on a different thread, which
breaks such resources (sqlite raises ``ProgrammingError``). A request that has sync
stages acquires one lane and runs all of them on that lane's thread, so they share a
thread exactly as under a WSGI server; async stages stay on the event loop.

Every job runs inside a ``contextvars.Context`` given by the caller (a copy taken on
the loop), so the request's bindings are visible in the worker thread.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
import typing as t
from collections import deque
from queue import SimpleQueue

__all__ = ["Lane", "LanePool", "lane_loop", "run_sync"]

T_result = t.TypeVar("T_result")

_STOP = object()
_thread_state = threading.local()


def lane_loop() -> asyncio.AbstractEventLoop | None:
    """The event loop that submitted the job running on this thread, if any.

    Sync code running on a lane uses it to run a coroutine on the loop and wait for
    it (``Veloce.ensure_sync`` of an async hook called from a sync stage).
    """
    return getattr(_thread_state, "loop", None)


def _deliver(future: asyncio.Future[t.Any], ok: bool, value: t.Any) -> None:
    if future.cancelled():
        return
    if ok:
        future.set_result(value)
    else:
        future.set_exception(value)


class Lane:
    """One worker thread that runs submitted jobs in order."""

    __slots__ = ("_jobs", "_thread", "name")

    def __init__(self, name: str) -> None:
        self.name = name
        self._jobs: SimpleQueue[t.Any] = SimpleQueue()
        self._thread = threading.Thread(target=self._work, name=name, daemon=True)
        self._thread.start()

    def _work(self) -> None:
        jobs = self._jobs
        state = _thread_state
        while True:
            job = jobs.get()
            if job is _STOP:
                return
            loop, future, context, fn, args = job
            state.loop = loop
            try:
                result = context.run(fn, *args)
            except BaseException as exc:  # noqa: BLE001 - handed to the awaiting task
                loop.call_soon_threadsafe(_deliver, future, False, exc)
            else:
                loop.call_soon_threadsafe(_deliver, future, True, result)

    def run(
        self,
        context: contextvars.Context,
        fn: t.Callable[..., T_result],
        *args: t.Any,
        loop: asyncio.AbstractEventLoop | None = None,
    ) -> asyncio.Future[T_result]:
        """Run ``fn(*args)`` inside ``context`` on this lane; await the returned future.

        ``loop`` is the running loop, when the caller already has it at hand.
        """
        if loop is None:
            loop = asyncio.get_running_loop()
        future: asyncio.Future[T_result] = loop.create_future()
        self._jobs.put((loop, future, context, fn, args))
        return future

    def stop(self) -> None:
        """Let the thread finish its queued jobs and exit."""
        self._jobs.put(_STOP)


class LanePool:
    """At most ``size`` lanes, created on demand, reused in LIFO order.

    ``acquire`` waits (FIFO) when every lane is busy, so a flood of blocking sync
    views queues up instead of spawning unbounded threads. The pool never blocks the
    event loop itself.
    """

    def __init__(self, size: int = 40, name: str = "veloce-worker") -> None:
        if size < 1:
            raise ValueError(f"the worker pool needs at least one thread, got {size}")
        self.size = size
        self._name = name
        self._idle: list[Lane] = []
        self._all: list[Lane] = []
        self._waiters: deque[asyncio.Future[Lane]] = deque()
        self._lock = threading.Lock()

    def try_acquire(self) -> Lane | None:
        """An idle lane without waiting, or None; saves the coroutine on the hot path."""
        idle = self._idle
        if idle:
            with self._lock:
                if idle:
                    return idle.pop()
        return None

    async def acquire(self) -> Lane:
        """Take an idle lane, start a new one, or wait for one to be released."""
        with self._lock:
            if self._idle:
                return self._idle.pop()
            if len(self._all) < self.size:
                lane = Lane(f"{self._name}-{len(self._all)}")
                self._all.append(lane)
                return lane
            future: asyncio.Future[Lane] = asyncio.get_running_loop().create_future()
            self._waiters.append(future)
        try:
            return await future
        except asyncio.CancelledError:
            with self._lock:
                if future in self._waiters:
                    self._waiters.remove(future)
                elif future.done() and not future.cancelled():
                    self._release_locked(future.result())
            raise

    def release(self, lane: Lane) -> None:
        """Give ``lane`` back: to the oldest waiter if any, else to the idle list."""
        with self._lock:
            self._release_locked(lane)

    def _release_locked(self, lane: Lane) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.get_loop().call_soon_threadsafe(_hand_over, waiter, lane, self)
                return
        self._idle.append(lane)

    def close(self) -> None:
        """Stop every lane's thread (idle ones now, busy ones after their jobs)."""
        with self._lock:
            lanes, self._all, self._idle = self._all, [], []
        for lane in lanes:
            lane.stop()

    @property
    def busy(self) -> int:
        """How many lanes are currently handed out."""
        return len(self._all) - len(self._idle)


def _hand_over(waiter: asyncio.Future[Lane], lane: Lane, pool: LanePool) -> None:
    if waiter.done():  # cancelled in the meantime: pass it on
        pool.release(lane)
    else:
        waiter.set_result(lane)


async def run_sync(
    pool: LanePool, fn: t.Callable[..., T_result], *args: t.Any
) -> T_result:
    """Run one sync callable on a lane with the current context copied in."""
    lane = await pool.acquire()
    try:
        return await lane.run(contextvars.copy_context(), fn, *args)
    finally:
        pool.release(lane)

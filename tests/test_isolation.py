"""Per-request isolation under concurrency, and the sync/async execution model.

Veloce binds one ContextVar per request and runs a request's sync stages on one
worker thread of a bounded pool (``WORKER_THREADS``), with the context copied in.
These tests drive native ``Veloce`` apps through ``app.async_test_client()`` with
``asyncio.gather`` and check that:

* thousands of concurrent requests mixing sync and async views, sync and async hooks,
  awaits and thread hops each see only their own ``request`` and ``g``;
* all sync stages of one request share a worker thread (never the loop's thread),
  and the pool never runs more than ``WORKER_THREADS`` of them at once;
* a blocking sync view does not stall async views;
* ``before_first_request`` fires exactly once under concurrent first requests;
* ``copy_current_request_context`` and ``stream_with_context`` carry the right
  request across threads and into streamed bodies.

Every wait is bounded (events with timeouts, sleeps of at most a millisecond), so a
regression fails instead of hanging. The suite-wide leak check (``tests/conftest.py``)
also verifies that no context stays bound after each test.
"""

from __future__ import annotations

import asyncio
import threading
import time
import typing as t

import pytest

from veloce import (
    Veloce,
    after_this_request,
    copy_current_request_context,
    g,
    has_request_context,
    request,
)
from veloce.core.context import _cv_ctx

STRESS_REQUESTS = 2000
WAIT = 10.0  # upper bound for any event wait; a healthy run never gets near it


def run(coro: t.Awaitable[t.Any]) -> t.Any:
    """Run ``coro`` on a fresh event loop (each test owns its loop)."""
    return asyncio.run(coro)  # type: ignore[arg-type]


async def gather_get(app: Veloce, paths: t.Sequence[str]) -> list[t.Any]:
    """GET every path concurrently through one async test client."""
    async with app.async_test_client() as client:
        return list(await asyncio.gather(*(client.get(path) for path in paths)))


# -- the stress test ---------------------------------------------------------------------


class Seen:
    """What each request's stages observed, keyed by request id (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.records: dict[str, list[tuple[t.Any, ...]]] = {}

    def add(self, rid: str, *values: t.Any) -> None:
        with self._lock:
            self.records.setdefault(rid, []).append(values)


def _stress_app(seen: Seen) -> Veloce:
    app = Veloce("stress")
    loop_thread = threading.get_ident()

    def own_rid() -> str:
        # Three independent sources of "who am I" must agree at every stage.
        rid = request.args["rid"]
        assert request.view_args is not None and request.view_args["rid"] == rid
        assert g.rid == rid, (g.rid, rid)
        return rid

    @app.before_request
    def sync_before() -> None:
        rid = request.args["rid"]
        g.rid = rid
        g.token = object()  # identity, not just equality, must stay per request
        g.trail = ["sync_before"]
        g.sync_thread = threading.get_ident()
        assert g.sync_thread != loop_thread

    @app.before_request
    async def async_before() -> None:
        await asyncio.sleep(0)
        own_rid()
        g.trail.append("async_before")

    @app.before_request
    def sync_before_again() -> None:
        own_rid()
        # Sync stages of one request share a worker thread, even with an async hook
        # in between.
        assert threading.get_ident() == g.sync_thread
        g.trail.append("sync_before_again")

    @app.route("/sync/<rid>")
    def sync_view(rid: str) -> dict[str, t.Any]:
        assert own_rid() == rid
        assert threading.get_ident() == g.sync_thread
        time.sleep(0)  # let other worker threads run between reads
        g.trail.append("sync_view")
        return {"rid": rid, "g_rid": g.rid, "args_rid": request.args["rid"],
                "path": request.path, "trail": list(g.trail)}

    @app.route("/async/<rid>")
    async def async_view(rid: str) -> dict[str, t.Any]:
        token = g.token
        for _ in range(3):
            await asyncio.sleep(0)
            assert own_rid() == rid and g.token is token
        # A thread hop: asyncio.to_thread copies the context into the thread.
        hopped = await asyncio.to_thread(lambda: (request.args["rid"], g.rid))
        assert hopped == (rid, rid)
        if int(rid) % 7 == 0:
            await asyncio.sleep(0.001)
        assert own_rid() == rid and g.token is token
        g.trail.append("async_view")
        return {"rid": rid, "g_rid": g.rid, "args_rid": request.args["rid"],
                "path": request.path, "trail": list(g.trail)}

    @app.after_request
    def sync_after(response: t.Any) -> t.Any:
        rid = own_rid()
        assert threading.get_ident() == g.sync_thread
        response.headers["X-Rid"] = rid
        return response

    @app.after_request
    async def async_after(response: t.Any) -> t.Any:
        await asyncio.sleep(0)
        response.headers["X-Async-Rid"] = own_rid()
        return response

    @app.teardown_request
    def sync_teardown(exc: BaseException | None) -> None:
        rid = request.args["rid"]
        seen.add(rid, "sync_teardown", g.rid, exc, threading.get_ident() == g.sync_thread)

    @app.teardown_request
    async def async_teardown(exc: BaseException | None) -> None:
        await asyncio.sleep(0)
        rid = request.args["rid"]
        seen.add(rid, "async_teardown", g.rid, exc)

    return app


def test_stress_every_request_sees_only_its_own_request_and_g() -> None:
    seen = Seen()
    app = _stress_app(seen)
    paths = [
        f"/{'sync' if i % 2 else 'async'}/{i}?rid={i}" for i in range(STRESS_REQUESTS)
    ]
    started = time.perf_counter()
    responses = run(gather_get(app, paths))
    elapsed = time.perf_counter() - started

    assert len(responses) == STRESS_REQUESTS
    for i, response in enumerate(responses):
        rid = str(i)
        kind = "sync" if i % 2 else "async"
        assert response.status_code == 200, (rid, response.status_code, response.data[:500])
        body = response.get_json()
        assert body["rid"] == body["g_rid"] == body["args_rid"] == rid
        assert body["path"] == f"/{kind}/{rid}"
        assert body["trail"] == ["sync_before", "async_before", "sync_before_again",
                                 f"{kind}_view"]
        assert response.headers["X-Rid"] == response.headers["X-Async-Rid"] == rid
        # Teardown ran exactly once per callback, reversed, with this request's g.
        assert seen.records[rid] == [("async_teardown", rid, None),
                                     ("sync_teardown", rid, None, True)]
    assert len(seen.records) == STRESS_REQUESTS
    assert _cv_ctx.get(None) is None
    assert elapsed < 20, f"{STRESS_REQUESTS} requests took {elapsed:.1f}s"


# -- the execution model -----------------------------------------------------------------


def test_sync_stages_share_one_worker_thread_off_the_loop() -> None:
    app = Veloce("one_thread")
    threads: dict[str, dict[str, int]] = {}
    lock = threading.Lock()

    def note(stage: str) -> None:
        with lock:
            threads.setdefault(request.args["rid"], {})[stage] = threading.get_ident()

    @app.before_request
    def before() -> None:
        note("before")

    @app.before_request
    async def async_before() -> None:
        await asyncio.sleep(0)
        note("async_before")

    @app.route("/")
    def view() -> str:
        note("view")
        return "ok"

    @app.errorhandler(KeyError)
    def handle(e: KeyError) -> tuple[str, int]:
        note("errorhandler")
        return "handled", 400

    @app.route("/error")
    def error() -> str:
        note("view")
        raise KeyError("x")

    @app.after_request
    def after(response: t.Any) -> t.Any:
        note("after")
        return response

    @app.teardown_request
    def teardown(exc: BaseException | None) -> None:
        note("teardown")

    @app.teardown_appcontext
    def teardown_app(exc: BaseException | None) -> None:
        note("teardown_app")

    async def main() -> tuple[int, list[t.Any]]:
        loop_thread = threading.get_ident()
        paths = [f"/{'error' if i % 3 == 0 else ''}?rid={i}" for i in range(150)]
        return loop_thread, await gather_get(app, paths)

    loop_thread, responses = run(main())
    assert [r.status_code for r in responses] == [400 if i % 3 == 0 else 200
                                                  for i in range(150)]
    assert len(threads) == 150
    for rid, stages in threads.items():
        sync_stages = {name: ident for name, ident in stages.items() if name != "async_before"}
        expected = {"before", "view", "after", "teardown", "teardown_app"}
        if int(rid) % 3 == 0:
            expected.add("errorhandler")
        assert set(sync_stages) == expected
        assert len(set(sync_stages.values())) == 1, (rid, stages)
        assert loop_thread not in sync_stages.values()
        assert stages["async_before"] == loop_thread


def test_worker_pool_is_bounded_by_worker_threads() -> None:
    app = Veloce("bounded")
    app.config["WORKER_THREADS"] = 3
    lock = threading.Lock()
    state = {"active": 0, "peak": 0}
    idents: set[int] = set()

    @app.route("/")
    def view() -> str:
        with lock:
            state["active"] += 1
            state["peak"] = max(state["peak"], state["active"])
            idents.add(threading.get_ident())
        time.sleep(0.001)
        with lock:
            state["active"] -= 1
        return "ok"

    responses = run(gather_get(app, ["/"] * 90))
    assert all(r.status_code == 200 for r in responses)
    assert 1 <= state["peak"] <= 3
    assert 1 <= len(idents) <= 3


def test_blocking_sync_views_do_not_stall_async_views() -> None:
    app = Veloce("blocking")
    app.config["WORKER_THREADS"] = 2
    release = threading.Event()
    started = threading.Semaphore(0)

    @app.route("/block")
    def block() -> str:
        started.release()
        assert release.wait(WAIT), "never released"
        return "unblocked"

    @app.route("/fast/<int:n>")
    async def fast(n: int) -> dict[str, int]:
        await asyncio.sleep(0)
        return {"n": n}

    async def main() -> tuple[list[t.Any], list[t.Any], bool]:
        loop = asyncio.get_running_loop()
        async with app.async_test_client() as client:
            blocked = [asyncio.ensure_future(client.get("/block")) for _ in range(2)]
            for _ in range(2):  # both worker threads are now stuck in a sync view
                assert await loop.run_in_executor(None, started.acquire, True, WAIT)
            quick = await asyncio.wait_for(
                asyncio.gather(*(client.get(f"/fast/{n}") for n in range(100))), WAIT
            )
            still_blocked = not any(task.done() for task in blocked)
            release.set()
            slow = await asyncio.wait_for(asyncio.gather(*blocked), WAIT)
        return quick, slow, still_blocked

    quick, slow, still_blocked = run(main())
    assert [r.get_json() for r in quick] == [{"n": n} for n in range(100)]
    assert still_blocked
    assert [r.data for r in slow] == [b"unblocked", b"unblocked"]


def test_g_values_flow_between_sync_and_async_stages() -> None:
    app = Veloce("g_flow")
    seen: dict[str, t.Any] = {}
    lock = threading.Lock()

    @app.before_request
    def sync_before() -> None:
        g.a = f"a{request.args['rid']}"

    @app.before_request
    async def async_before() -> None:
        g.b = f"{g.a}+b"

    @app.route("/sync")
    def sync_view() -> dict[str, str]:
        g.c = f"{g.b}+c"
        return {"b": g.b}

    @app.route("/async")
    async def async_view() -> dict[str, str]:
        g.c = f"{g.b}+c"
        return {"b": g.b}

    @app.after_request
    async def async_after(response: t.Any) -> t.Any:
        g.d = f"{g.c}+d"
        return response

    @app.after_request
    def sync_after(response: t.Any) -> t.Any:
        # Registered last, runs first: g.d is not set yet.
        response.headers["X-Has-D"] = str("d" in g)
        return response

    @app.teardown_request
    def teardown(exc: BaseException | None) -> None:
        with lock:
            seen[request.args["rid"]] = {name: g.get(name) for name in "abcd"}

    paths = [f"/{'sync' if i % 2 else 'async'}?rid={i}" for i in range(200)]
    responses = run(gather_get(app, paths))
    for i, response in enumerate(responses):
        assert response.get_json() == {"b": f"a{i}+b"}
        assert response.headers["X-Has-D"] == "False"
        assert seen[str(i)] == {"a": f"a{i}", "b": f"a{i}+b", "c": f"a{i}+b+c",
                                "d": f"a{i}+b+c+d"}


def test_async_hooks_keep_flask_order_and_short_circuit() -> None:
    app = Veloce("async_hooks")
    log: dict[str, list[str]] = {}

    def note(event: str) -> None:
        log.setdefault(request.args["rid"], []).append(event)

    @app.before_request
    async def before1() -> None:
        note("before1")

    @app.before_request
    def before2() -> t.Any:
        note("before2")
        if request.args.get("stop"):
            return "stopped", 409
        return None

    @app.before_request
    async def before3() -> t.Any:
        note("before3")
        if request.args.get("async_stop"):
            return {"stopped": "async"}
        return None

    @app.route("/")
    async def view() -> str:
        note("view")
        after_this_request(lambda response: (note("after_this_request"), response)[1])
        return "view"

    @app.after_request
    def after1(response: t.Any) -> t.Any:
        note("after1")
        return response

    @app.after_request
    async def after2(response: t.Any) -> t.Any:
        note("after2")
        return response

    @app.teardown_request
    async def teardown1(exc: BaseException | None) -> None:
        note(f"teardown1:{exc!r}")

    @app.teardown_request
    def teardown2(exc: BaseException | None) -> None:
        note(f"teardown2:{exc!r}")

    responses = run(gather_get(app, [
        "/?rid=plain", "/?rid=sync_stop&stop=1", "/?rid=async_stop&async_stop=1",
    ]))
    assert [r.status_code for r in responses] == [200, 409, 200]
    assert responses[2].get_json() == {"stopped": "async"}
    tail = ["after2", "after1", "teardown2:None", "teardown1:None"]
    assert log["plain"] == ["before1", "before2", "before3", "view", "after_this_request",
                            *tail]
    assert log["sync_stop"] == ["before1", "before2", *tail]
    assert log["async_stop"] == ["before1", "before2", "before3", *tail]


def test_hooks_and_teardown_see_unhandled_errors_in_async_views() -> None:
    app = Veloce("async_errors")
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.logger.disabled = True  # the 500s below are expected
    received: dict[str, t.Any] = {}

    @app.route("/boom/<rid>")
    async def boom(rid: str) -> str:
        await asyncio.sleep(0)
        raise ValueError(rid)

    @app.errorhandler(500)
    async def handle_500(e: t.Any) -> tuple[dict[str, str], int]:
        return {"original": str(e.original_exception), "g": g.get("rid", "")}, 500

    @app.before_request
    def before() -> None:
        g.rid = request.view_args["rid"] if request.view_args else ""

    @app.teardown_request
    async def teardown(exc: BaseException | None) -> None:
        received[g.rid] = exc

    try:
        responses = run(gather_get(app, [f"/boom/{i}" for i in range(100)]))
    finally:
        app.logger.disabled = False
    for i, response in enumerate(responses):
        assert response.status_code == 500
        assert response.get_json() == {"original": str(i), "g": str(i)}
        assert isinstance(received[str(i)], ValueError) and str(received[str(i)]) == str(i)


# -- before_first_request ---------------------------------------------------------------


def test_before_first_request_runs_once_under_concurrent_first_requests() -> None:
    app = Veloce("first")
    calls: list[str] = []
    seen_first: list[bool] = []

    @app.before_first_request
    def sync_first() -> None:
        time.sleep(0.002)  # widen the window in which other requests arrive
        calls.append("sync_first")

    @app.before_first_request
    async def async_first() -> None:
        await asyncio.sleep(0.001)
        calls.append("async_first")

    @app.before_request
    def before() -> None:
        seen_first.append(calls == ["sync_first", "async_first"])

    @app.route("/")
    async def index() -> str:
        return "ok"

    @app.route("/sync")
    def sync_index() -> str:
        return "ok"

    assert not app.got_first_request
    responses = run(gather_get(app, ["/", "/sync"] * 100))
    assert all(r.status_code == 200 for r in responses)
    assert calls == ["sync_first", "async_first"]
    assert seen_first == [True] * 200
    assert app.got_first_request
    run(gather_get(app, ["/"] * 10))
    assert calls == ["sync_first", "async_first"]


def test_before_first_request_registration_closes_after_first_request() -> None:
    app = Veloce("first_closed")

    @app.route("/")
    def index() -> str:
        return "ok"

    run(gather_get(app, ["/"]))
    with pytest.raises(AssertionError, match="before_first_request"):
        app.before_first_request(lambda: None)


# -- contexts outside the request path ---------------------------------------------------


def test_app_and_request_contexts_are_isolated_between_tasks() -> None:
    app = Veloce("tasks")

    @app.route("/item/<int:n>")
    def item(n: int) -> str:
        return str(n)

    async def in_app_context(i: int) -> int:
        with app.app_context():
            g.value = i
            for _ in range(3):
                await asyncio.sleep(0)
                assert g.value == i
            return t.cast(int, g.value)

    async def in_request_context(i: int) -> tuple[str, str]:
        with app.test_request_context(f"/item/{i}?i={i}"):
            g.value = i
            await asyncio.sleep(0)
            assert has_request_context() and g.value == i
            return request.path, request.args["i"]

    async def main() -> tuple[list[int], list[tuple[str, str]]]:
        apps = await asyncio.gather(*(in_app_context(i) for i in range(500)))
        requests = await asyncio.gather(*(in_request_context(i) for i in range(500)))
        assert _cv_ctx.get(None) is None
        return list(apps), list(requests)

    apps, requests = run(main())
    assert apps == list(range(500))
    assert requests == [(f"/item/{i}", str(i)) for i in range(500)]


def test_copy_current_request_context_hops_threads_with_the_right_request() -> None:
    app = Veloce("copy_ctx")

    @app.route("/<int:n>")
    async def view(n: int) -> dict[str, t.Any]:
        g.n = n

        @copy_current_request_context
        def in_thread() -> tuple[str, str, bool]:
            return request.path, request.args["q"], has_request_context()

        loop = asyncio.get_running_loop()
        # run_in_executor does not copy contextvars: only the wrapper brings the request.
        path, q, bound = await loop.run_in_executor(None, in_thread)
        return {"path": path, "q": q, "bound": bound, "n": g.n}

    responses = run(gather_get(app, [f"/{i}?q=v{i}" for i in range(200)]))
    assert [r.get_json() for r in responses] == [
        {"path": f"/{i}", "q": f"v{i}", "bound": True, "n": i} for i in range(200)
    ]


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_stream_with_context_keeps_each_request_until_the_stream_ends(flavour: str) -> None:
    from veloce.streaming import stream_with_context

    app = Veloce(f"stream_{flavour}")
    torn_down: dict[str, bool] = {}
    lock = threading.Lock()

    @app.teardown_request
    def teardown(exc: BaseException | None) -> None:
        with lock:
            torn_down[request.args["rid"]] = g.get("streamed", False)

    @app.route("/sync-stream")
    def sync_stream() -> t.Any:
        g.prefix = f"p{request.args['rid']}"

        def generate() -> t.Iterator[str]:
            for part in range(3):
                yield f"{g.prefix}:{request.args['rid']}:{part};"
            g.streamed = True

        return app.response_class(stream_with_context(generate()))

    @app.route("/async-stream")
    async def async_stream() -> t.Any:
        g.prefix = f"p{request.args['rid']}"

        async def generate() -> t.AsyncIterator[str]:
            for part in range(3):
                await asyncio.sleep(0)
                yield f"{g.prefix}:{request.args['rid']}:{part};"
            g.streamed = True

        return app.response_class(stream_with_context(generate()))

    responses = run(gather_get(app, [f"/{flavour}-stream?rid={i}" for i in range(200)]))
    for i, response in enumerate(responses):
        assert response.get_data(as_text=True) == "".join(f"p{i}:{i}:{part};"
                                                          for part in range(3))
    # Teardown ran once per request, after the generator finished.
    assert torn_down == {str(i): True for i in range(200)}

"""RedisSessionStore against a real redis-server (started by ``conftest.redis_url``).

Each test uses its own key prefix, so tests never see each other's sessions. The
end-to-end tests run apps through ``async_test_client`` on one event loop, because a
redis-py connection belongs to the loop that opened it.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import pathlib
import subprocess
import sys
import textwrap
import typing as t
import uuid

import pytest
from redis import asyncio as redis_asyncio

from veloce import Veloce, request, session
from veloce.middleware.sessions import ServerSessionMiddleware
from veloce.stores.base import SessionStore
from veloce.stores.redis import RedisSessionStore

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]


def run(coro: t.Awaitable[t.Any]) -> t.Any:
    async def main() -> t.Any:
        return await coro

    return asyncio.run(main())


@contextlib.asynccontextmanager
async def opened(
    redis_url: str, **options: t.Any
) -> t.AsyncIterator[tuple[RedisSessionStore, t.Any]]:
    """A store with a fresh prefix, plus a raw client to look at what it stored."""
    options.setdefault("prefix", f"test:{uuid.uuid4().hex}:")
    store = RedisSessionStore(redis_url, **options)
    raw = redis_asyncio.from_url(redis_url)
    try:
        yield store, raw
    finally:
        await store.aclose()
        await raw.aclose()


# -- the store's own semantics ---------------------------------------------------------


def test_read_unknown_id_returns_none(redis_url: str) -> None:
    async def scenario() -> None:
        async with opened(redis_url) as (store, _):
            assert await store.read("nope") is None

    run(scenario())


def test_write_then_read_round_trips_tagged_values(redis_url: str) -> None:
    data = {
        "user": 7,
        "pair": (1, "two"),
        "raw": b"\x00\xff",
        "when": dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc),
    }

    async def scenario() -> None:
        async with opened(redis_url) as (store, _):
            await store.write("sid", data, 60)
            assert await store.read("sid") == data

    run(scenario())


def test_write_is_one_key_under_the_prefix_with_a_redis_expiry(redis_url: str) -> None:
    async def scenario() -> None:
        async with opened(redis_url, prefix="app1:s:") as (store, raw):
            await raw.delete("app1:s:sid")
            await store.write("sid", {"a": 1}, 120)
            assert await raw.get("app1:s:sid") == b'{"a":1}'
            assert 0 < await raw.ttl("app1:s:sid") <= 120

    run(scenario())


def test_entry_expires_in_redis(redis_url: str) -> None:
    async def scenario() -> None:
        async with opened(redis_url) as (store, raw):
            await store.write("sid", {"a": 1}, 60)
            # Shorten the expiry Redis enforces, then wait for Redis to apply it.
            await raw.pexpire(store.prefix + "sid", 1)
            for _ in range(500):
                if await store.read("sid") is None:
                    break
                await asyncio.sleep(0.01)
            assert await store.read("sid") is None
            assert await store.replace("sid", {"a": 2}, 60) is False
            assert await raw.exists(store.prefix + "sid") == 0

    run(scenario())


@pytest.mark.parametrize("max_age", [0, -1])
def test_max_age_below_one_second_is_rejected(redis_url: str, max_age: int) -> None:
    async def scenario() -> None:
        async with opened(redis_url) as (store, _):
            with pytest.raises(ValueError, match="at least 1 second"):
                await store.write("sid", {"a": 1}, max_age)
            with pytest.raises(ValueError, match="at least 1 second"):
                await store.replace("sid", {"a": 1}, max_age)

    run(scenario())


def test_delete_revokes(redis_url: str) -> None:
    async def scenario() -> None:
        async with opened(redis_url) as (store, raw):
            await store.write("sid", {"a": 1}, 60)
            await store.delete("sid")
            assert await store.read("sid") is None
            assert await raw.exists(store.prefix + "sid") == 0
            await store.delete("sid")  # deleting again is not an error

    run(scenario())


def test_replace_existing_id_writes_and_restarts_the_expiry(redis_url: str) -> None:
    async def scenario() -> None:
        async with opened(redis_url) as (store, raw):
            await store.write("sid", {"v": 1}, 60)
            assert await store.replace("sid", {"v": 2}, 500) is True
            assert await store.read("sid") == {"v": 2}
            assert 60 < await raw.ttl(store.prefix + "sid") <= 500

    run(scenario())


def test_replace_deleted_id_returns_false_and_writes_nothing(redis_url: str) -> None:
    async def scenario() -> None:
        async with opened(redis_url) as (store, raw):
            await store.write("sid", {"v": 1}, 60)
            await store.delete("sid")
            assert await store.replace("sid", {"v": 2}, 60) is False
            assert await raw.exists(store.prefix + "sid") == 0
            assert await store.replace("never", {"v": 2}, 60) is False
            assert await raw.exists(store.prefix + "never") == 0

    run(scenario())


def test_replace_is_one_atomic_set_xx_command(redis_url: str) -> None:
    # The slow log with a 0µs threshold records every command with its arguments:
    # replace must be a single SET ... XX, with no separate existence check.
    async def scenario() -> list[list[bytes]]:
        async with opened(redis_url) as (store, raw):
            await store.write("sid", {"v": 1}, 60)
            await raw.config_set("slowlog-log-slower-than", 0)
            try:
                await raw.slowlog_reset()
                assert await store.replace("sid", {"v": 2}, 60) is True
                entries = await raw.slowlog_get(128)
            finally:
                await raw.config_set("slowlog-log-slower-than", 10000)
        key = (store.prefix + "sid").encode()
        return [list(e["command"].split()) for e in entries if key in e["command"]]

    commands = run(scenario())
    assert len(commands) == 1
    name, _, _, *flags = commands[0]
    assert name.upper() == b"SET"
    assert sorted(f.upper() for f in flags) == [b"60", b"EX", b"XX"]


def test_concurrent_delete_is_never_undone_by_replace(redis_url: str) -> None:
    # Two connections race a replace against a delete (a logout on another worker).
    # Whichever lands first, the key must end up gone; the store's read-then-write
    # default would leave it resurrected whenever the delete fell in between.
    async def scenario() -> None:
        async with opened(redis_url) as (store, raw):
            other = RedisSessionStore(redis_url, prefix=store.prefix)
            try:
                for i in range(100):
                    sid = f"s{i}"
                    await store.write(sid, {"v": 0}, 60)
                    ops = [store.replace(sid, {"v": 1}, 60), other.delete(sid)]
                    if i % 2:
                        ops.reverse()
                    await asyncio.gather(*ops)
                    assert await raw.exists(store.prefix + sid) == 0
            finally:
                await other.aclose()

    run(scenario())


def test_undecodable_value_reads_as_no_session(redis_url: str) -> None:
    async def scenario() -> None:
        async with opened(redis_url) as (store, raw):
            await raw.set(store.prefix + "junk", b"\xff not json")
            await raw.set(store.prefix + "list", b"[1, 2]")
            assert await store.read("junk") is None
            assert await store.read("list") is None

    run(scenario())


def test_store_accepts_a_client_and_leaves_it_open(redis_url: str) -> None:
    async def scenario() -> None:
        client = redis_asyncio.from_url(redis_url)
        try:
            store = RedisSessionStore(client, prefix=f"test:{uuid.uuid4().hex}:")
            assert store.client is client
            await store.write("sid", {"a": 1}, 60)
            await store.aclose()
            assert await client.ping() is True
            assert await store.read("sid") == {"a": 1}
        finally:
            await client.aclose()

    run(scenario())


def test_client_options_need_a_url() -> None:
    with pytest.raises(TypeError, match="only accepted with a URL"):
        RedisSessionStore(object(), socket_timeout=1)


def test_store_refuses_a_second_event_loop_until_closed(redis_url: str) -> None:
    store = RedisSessionStore(redis_url, prefix=f"test:{uuid.uuid4().hex}:")

    async def first() -> None:
        await store.write("sid", {"a": 1}, 60)

    async def second() -> t.Any:
        with pytest.raises(RuntimeError, match="another event loop"):
            await store.read("sid")

    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(first())
        run(second())
        loop.run_until_complete(store.aclose())
    finally:
        loop.close()

    async def after_close() -> t.Any:
        try:
            return await store.read("sid")
        finally:
            await store.aclose()

    assert run(after_close()) == {"a": 1}


def test_redis_store_is_a_session_store(redis_url: str) -> None:
    assert isinstance(RedisSessionStore(redis_url), SessionStore)


def test_missing_redis_package_gives_an_actionable_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "redis", None)
    monkeypatch.setitem(sys.modules, "redis.asyncio", None)
    with pytest.raises(RuntimeError, match=r"install 'veloce\[redis\]' to use RedisSessionStore"):
        RedisSessionStore("redis://127.0.0.1:1/0")


def test_importing_the_stores_does_not_import_redis() -> None:
    code = "import sys, veloce.stores, veloce.stores.redis; print('redis' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "False"


# -- shared across workers: ServerSessionMiddleware on Redis -----------------------------


def make_app(store: SessionStore) -> Veloce:
    """A 'worker': its own app instance, sessions in ``store``."""
    app = Veloce(__name__)
    app.testing = True
    app.add_middleware(ServerSessionMiddleware, store=store)

    @app.post("/login/<name>")
    def login(name: str) -> str:
        request.session.regenerate_id()
        request.session["user"] = name
        return "ok"

    @app.post("/visit")
    def visit() -> str:
        session["visits"] = session.get("visits", 0) + 1
        return str(session["visits"])

    @app.get("/me")
    def me() -> dict[str, t.Any]:
        return {"user": request.session.get("user"), "visits": request.session.get("visits")}

    @app.post("/logout")
    def logout() -> str:
        request.session.clear()
        return "bye"

    return app


async def _cookie(client: t.Any) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value  # type: ignore[no-any-return]


def test_two_app_instances_sharing_one_store_see_the_same_session(redis_url: str) -> None:
    async def scenario() -> None:
        async with opened(redis_url) as (store, raw):
            worker_a, worker_b = make_app(store), make_app(store)
            async with worker_a.async_test_client() as a, worker_b.async_test_client() as b:
                await a.post("/login/ann")
                sid = await _cookie(a)
                # The browser's next request lands on the other worker.
                b.set_cookie("session", sid)
                assert (await b.get("/me")).json == {"user": "ann", "visits": None}
                assert (await b.post("/visit")).text == "1"
                a.set_cookie("session", sid)
                assert (await a.post("/visit")).text == "2"
                assert await store.read(sid) == {"user": "ann", "visits": 2}
                # Logging out on one worker logs out everywhere.
                await a.post("/logout")
                assert await raw.exists(store.prefix + sid) == 0
                assert (await b.get("/me")).json == {"user": None, "visits": None}

    run(scenario())


def test_workers_with_their_own_store_objects_share_sessions_through_redis(
    redis_url: str,
) -> None:
    prefix = f"test:{uuid.uuid4().hex}:"

    async def scenario() -> None:
        async with (
            opened(redis_url, prefix=prefix) as (store_a, _),
            opened(redis_url, prefix=prefix) as (store_b, _),
        ):
            worker_a, worker_b = make_app(store_a), make_app(store_b)
            async with worker_a.async_test_client() as a, worker_b.async_test_client() as b:
                await a.post("/login/bob")
                sid = await _cookie(a)
                b.set_cookie("session", sid)
                assert (await b.get("/me")).json["user"] == "bob"
                # Revoking by id on one worker's store ends it for the other worker.
                await store_a.delete(sid)
                assert (await b.get("/me")).json["user"] is None

    run(scenario())


def test_a_session_written_here_is_read_by_another_process(redis_url: str) -> None:
    prefix = f"test:{uuid.uuid4().hex}:"

    async def login() -> str:
        async with opened(redis_url, prefix=prefix) as (store, _):
            client = make_app(store).async_test_client()
            async with client:
                await client.post("/login/cy")
                return await _cookie(client)

    sid = run(login())
    other_worker = textwrap.dedent(
        f"""
        import asyncio
        from tests.stores.test_redis import make_app
        from veloce.stores.redis import RedisSessionStore

        async def main():
            store = RedisSessionStore({redis_url!r}, prefix={prefix!r})
            try:
                async with make_app(store).async_test_client() as client:
                    client.set_cookie("session", {sid!r})
                    print((await client.get("/me")).json["user"])
            finally:
                await store.aclose()

        asyncio.run(main())
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", other_worker],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO_ROOT,
    ).stdout.strip()
    assert out == "cy"


def test_regenerate_id_removes_the_old_key_from_redis(redis_url: str) -> None:
    async def scenario() -> None:
        async with opened(redis_url) as (store, raw):
            app = make_app(store)
            async with app.async_test_client() as client:
                await client.post("/visit")
                before = await _cookie(client)
                await client.post("/login/dee")
                after = await _cookie(client)
                assert after != before
                assert await raw.exists(store.prefix + before) == 0
                assert await store.read(after) == {"visits": 1, "user": "dee"}
                client.set_cookie("session", before)
                assert (await client.get("/me")).json == {"user": None, "visits": None}

    run(scenario())

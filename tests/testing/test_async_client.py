"""AsyncTestClient: the same requests as TestClient, awaited on the caller's loop."""

from __future__ import annotations

import asyncio
import contextvars
import json
import typing as t

import pytest
from asgi_apps import AppError, cookie_app, echo_app, raising_app, redirect_app

from veloce.testing import PRESERVE_CONTEXT_KEY, AsyncTestClient, TestClient

T = t.TypeVar("T")


def run(coro: t.Coroutine[t.Any, t.Any, T]) -> T:
    return asyncio.run(coro)


@pytest.mark.parametrize(
    "verb", ["get", "post", "put", "patch", "delete", "head", "options", "trace"]
)
def test_verbs(verb: str) -> None:
    async def main() -> str:
        async with AsyncTestClient(echo_app) as client:
            response = await getattr(client, verb)("/")
            return t.cast("str", response.request.method)

    assert run(main()) == verb.upper()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"data": {"a": "1"}, "query_string": {"q": "2"}},
        {"json": {"b": [1]}, "headers": {"X-H": "h"}},
        {"data": "raw", "content_type": "text/plain", "base_url": "https://h.example/root"},
    ],
)
def test_requests_encode_like_the_sync_client(kwargs: dict[str, t.Any]) -> None:
    async def main() -> t.Any:
        return (await AsyncTestClient(echo_app).post("/p", **kwargs)).json

    sync_client = TestClient(echo_app)
    expected = sync_client.post("/p", **kwargs).json
    sync_client.close()
    assert run(main()) == expected


def test_request_shape_and_files() -> None:
    async def main() -> t.Any:
        client = AsyncTestClient(echo_app)
        response = await client.request(
            "post", "/up", params={"a": "1"}, data={"n": "v"}, files={"f": ("a.txt", b"hi")}
        )
        return response.json

    scope = run(main())
    assert (scope["method"], scope["query_string"]) == ("POST", "a=1")
    assert 'filename="a.txt"' in scope["body"]


def test_app_runs_on_the_callers_loop() -> None:
    loops: list[asyncio.AbstractEventLoop] = []

    async def app(scope: t.Any, receive: t.Any, send: t.Any) -> None:
        loops.append(asyncio.get_running_loop())
        await echo_app(scope, receive, send)

    async def main() -> asyncio.AbstractEventLoop:
        await AsyncTestClient(app).get("/")
        return asyncio.get_running_loop()

    assert run(main()) is loops[0]


def test_app_context_changes_stay_in_its_task() -> None:
    var: contextvars.ContextVar[str] = contextvars.ContextVar("var", default="outer")

    async def app(scope: t.Any, receive: t.Any, send: t.Any) -> None:
        var.set("inner")
        await echo_app(scope, receive, send)

    async def main() -> str:
        await AsyncTestClient(app).get("/")
        return var.get()

    assert run(main()) == "outer"


def test_cookies_and_redirects() -> None:
    async def main() -> tuple[str, str, list[int]]:
        client = AsyncTestClient(cookie_app)
        await client.get("/", headers={"X-Set-Cookie": json.dumps(["s=1"])})
        cookie_echo = (await client.get("/")).text
        redirecting = AsyncTestClient(redirect_app, follow_redirects=True)
        response = await redirecting.get("/r?to=/done")
        return cookie_echo, client.cookies["s"], [h.status_code for h in response.history]

    assert run(main()) == ("s=1", "1", [302])


def test_exceptions_propagate() -> None:
    async def main() -> None:
        await AsyncTestClient(raising_app).get("/")

    with pytest.raises(AppError, match="boom"):
        run(main())


def test_async_with_does_not_preserve_contexts() -> None:
    # Requests of one async client run concurrently; a context bound in one task
    # cannot be unbound from another, so nothing is offered for preservation.
    offered: list[object] = []

    async def app(scope: t.Any, receive: t.Any, send: t.Any) -> None:
        offered.append(scope.get("extensions", {}).get(PRESERVE_CONTEXT_KEY))
        await echo_app(scope, receive, send)

    async def main() -> None:
        async with AsyncTestClient(app) as client:
            await asyncio.gather(client.get("/"), client.get("/"))

    run(main())
    assert offered == [None, None]

"""Every benchmark target gives the right answer on every route, in-process and served.

This is the harness's own verification (``bench.targets.verify``) run as a test, so a
change to Veloce or to an app that would make the benchmark refuse a target fails the
suite first. Nothing here is timed.
"""

from __future__ import annotations

import asyncio

import pytest

from bench.drivers import AsgiDriver, BenchError, HttpRequest, Reply
from bench.loopback import start_server, stop_server, verify_server
from bench.targets import ROUTES, TARGETS, load, verify


async def _verified(name: str) -> None:
    driver = load(TARGETS[name])
    await driver.start()
    try:
        await verify(driver, list(ROUTES.values()))
        for route in ROUTES.values():  # the timing loop checks its last status too
            await driver.batch(route.request, 3)
    finally:
        await driver.stop()


@pytest.mark.parametrize("name", list(TARGETS))
def test_target_answers_every_route(name: str) -> None:
    asyncio.run(_verified(name))


def test_batch_rejects_an_error_status() -> None:
    driver = load(TARGETS["bare"])
    with pytest.raises(BenchError, match="answered 404"):
        asyncio.run(driver.batch(HttpRequest("GET", "/missing"), 2))


def test_verify_names_target_and_request_on_a_wrong_answer() -> None:
    async def wrong(scope, receive, send):  # type: ignore[no-untyped-def]
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"nope"})

    driver = AsgiDriver("wrong", wrong)
    with pytest.raises(BenchError, match=r"wrong: GET /ctx\?a=x answered wrongly"):
        asyncio.run(verify(driver, [ROUTES["ctx"]]))


@pytest.mark.parametrize(
    ("route", "reply", "problem"),
    [
        ("json", Reply(200, [(b"content-type", b"text/plain")], b"{}"), "content-type"),
        ("json", Reply(200, [(b"content-type", b"application/json")], b"{"), "not JSON"),
        ("user", Reply(200, [(b"content-type", b"application/json")], b'{"id": 42}'), "JSON"),
        ("template", Reply(200, [(b"content-type", b"text/plain")], b"x"), "body"),
        ("plaintext", Reply(500, [], b"Hello, World!"), "status 500"),
    ],
)
def test_route_check_reports_what_is_wrong(route: str, reply: Reply, problem: str) -> None:
    found = ROUTES[route].check(reply)
    assert found is not None and problem in found


def test_template_route_requires_html_content_type() -> None:
    route = ROUTES["template"]
    assert route.text is not None
    body = route.text.encode()
    assert route.check(Reply(200, [(b"content-type", b"text/html; charset=utf-8")], body)) is None
    assert "content-type" in (route.check(Reply(200, [], body)) or "")


def test_form_request_carries_body_type_and_length() -> None:
    request = ROUTES["form"].request
    headers = dict(request.headers())
    assert request.method == "POST"
    assert headers[b"content-type"] == b"application/x-www-form-urlencoded"
    assert headers[b"content-length"] == b"%d" % len(request.body)


@pytest.mark.parametrize("name", ["bare", "uvicorn"])
def test_served_target_passes_the_loopback_verification(name: str) -> None:
    server = start_server(name)
    try:
        verify_server(server, list(ROUTES))
    finally:
        stop_server(server)
    assert server.process.returncode is not None

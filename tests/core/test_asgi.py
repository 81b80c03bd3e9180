"""Scope helpers used before a Request exists."""

from __future__ import annotations

import asyncio

import pytest

from veloce.core.asgi import content_length, reject_websocket, route_path


@pytest.mark.parametrize(
    ("path", "root", "expected"),
    [
        ("/x", "", "/x"),
        ("/prefix/x", "/prefix", "/x"),
        ("/prefix", "/prefix", "/"),
        ("/prefix/", "/prefix/", "/"),
        ("/prefixed/x", "/prefix", "/prefixed/x"),
        ("/x", "/prefix", "/x"),
    ],
)
def test_route_path_strips_the_mount_prefix(path: str, root: str, expected: str) -> None:
    assert route_path({"path": path, "root_path": root}) == expected


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ([], None),
        ([(b"content-length", b"12")], 12),
        ([(b"content-type", b"x"), (b"content-length", b"0")], 0),
        ([(b"content-length", b"twelve")], None),
    ],
)
def test_content_length(headers, expected) -> None:
    assert content_length({"headers": headers}) == expected


def test_reject_websocket_closes() -> None:
    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    asyncio.run(reject_websocket(send))
    assert sent == [{"type": "websocket.close", "code": 1000}]

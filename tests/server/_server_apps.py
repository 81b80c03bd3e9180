"""A plain ASGI app (no Veloce) exercising every HTTP behaviour the server tests need.

Shared by test_protocol.py (mock transport) and test_http_matrix.py (real sockets, both
the built-in server and uvicorn), so both run the same app.
"""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any

__all__ = ["BIG_PART", "BIG_PARTS", "DISCONNECTED", "app"]

BIG_PART = b"x" * 65536
BIG_PARTS = 16
# Set by /wait-disconnect once the app's receive() reports http.disconnect.
DISCONNECTED = threading.Event()


async def _read_body(receive: Any) -> bytes:
    body = bytearray()
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return bytes(body)
        body += message["body"]
        if not message.get("more_body", False):
            return bytes(body)


async def _respond(send: Any, status: int, body: bytes, headers: list[Any] | None = None) -> None:
    head = [(b"content-type", b"text/plain"), (b"content-length", b"%d" % len(body))]
    await send({"type": "http.response.start", "status": status, "headers": head + (headers or [])})
    await send({"type": "http.response.body", "body": body})


async def app(scope: Any, receive: Any, send: Any) -> None:  # noqa: C901
    """Dispatch on the path; each branch is one behaviour under test."""
    if scope["type"] != "http":
        return
    path = scope["path"]
    if path == "/echo":
        await _respond(send, 200, await _read_body(receive))
    elif path.startswith("/scope"):
        info = {
            "method": scope["method"],
            "path": scope["path"],
            "raw_path": scope["raw_path"].decode("latin-1"),
            "query_string": scope["query_string"].decode("latin-1"),
            "http_version": scope["http_version"],
            "scheme": scope["scheme"],
            "root_path": scope["root_path"],
            "headers": [[k.decode("latin-1"), v.decode("latin-1")] for k, v in scope["headers"]],
        }
        await _respond(send, 200, json.dumps(info).encode())
    elif path == "/slow":
        # Sleeps so that, if pipelined requests ran concurrently, later ones would finish first.
        await asyncio.sleep(0.05)
        await _respond(send, 200, b"slow")
    elif path == "/stream":
        await send({"type": "http.response.start", "status": 200, "headers": []})
        for part in (b"one", b"two", b"three"):
            await send({"type": "http.response.body", "body": part, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
    elif path == "/big":
        size = b"%d" % (len(BIG_PART) * BIG_PARTS)
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-length", size)]})
        for _ in range(BIG_PARTS):
            await send({"type": "http.response.body", "body": BIG_PART, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
    elif path == "/close":
        await _respond(send, 200, b"bye", [(b"connection", b"close")])
    elif path == "/no-read":
        await _respond(send, 413, b"too big")
    elif path == "/error":
        raise RuntimeError("boom")
    elif path == "/wait-disconnect":
        while (await receive())["type"] != "http.disconnect":
            pass
        DISCONNECTED.set()
    else:
        await _respond(send, 200, b"hello")

"""Server configuration and the state shared by every connection of one server.

Why separate: ``serve.py`` (binding, workers, CLI) builds one :class:`ServerConfig` and
one :class:`ServerState` per worker and hands both to every
:class:`veloce.server.protocol.HttpProtocol`; the protocol reads them but never owns them.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from veloce.server.protocol import HttpProtocol

__all__ = ["ServerConfig", "ServerState"]


@dataclass
class ServerConfig:
    """Limits and timeouts of the built-in HTTP/1.1 server.

    Attributes:
        root_path: ASGI ``root_path`` put in every scope (mount prefix behind a proxy).
        max_request_line: longest request target (URL) in bytes; longer gets 414.
        max_header_size: total bytes of header names and values; more gets 431.
        max_header_count: most header fields in one request; more gets 431.
        max_body_size: request body limit in bytes, or None for no server limit. A Veloce
            app already enforces ``MAX_CONTENT_LENGTH`` itself, so this exists for other
            ASGI apps; a declared length above it gets 413 before the app runs, and a
            chunked body that passes it gets 413 (or a closed connection once the
            response has started) without reading the rest.
        header_timeout: seconds a client gets to send a complete request head, counted
            from the connection and again from the first byte of each request;
            defends against slowloris. A partial head gets 408, silence just a close.
        keep_alive_timeout: seconds an idle keep-alive connection is kept open.
        max_connections: cap on concurrent connections; the one over the cap gets 503
            and is closed. None means no cap.
        write_high_water: transport write-buffer high-water mark in bytes; a streaming
            response waits in ``send`` while the buffer is above it.
        default_headers: headers added to every response (e.g. ``server``), pre-encoded.
        ws_max_size: largest WebSocket message in bytes (after reassembling fragments);
            a bigger one closes the connection with 1009. uvicorn's default, 16 MiB.
        access_log: write one line per response on the ``veloce.access`` logger. Logged
            by the protocol, not an ASGI wrapper, so Veloce's direct write still applies.
    """

    root_path: str = ""
    max_request_line: int = 8190
    max_header_size: int = 65536
    max_header_count: int = 100
    max_body_size: int | None = None
    header_timeout: float = 10.0
    keep_alive_timeout: float = 5.0
    max_connections: int | None = None
    write_high_water: int = 65536
    default_headers: tuple[tuple[bytes, bytes], ...] = ()
    ws_max_size: int = 16 * 1024 * 1024
    access_log: bool = False
    default_head: bytes = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # Encoded once: every response head starts with these lines.
        self.default_head = b"".join(
            b"%s: %s\r\n" % (name, value) for name, value in self.default_headers
        )


@dataclass
class ServerState:
    """What every connection of one server shares.

    Attributes:
        connections: the live protocol instances (for shutdown and the connection cap).
        tasks: the running ASGI request tasks (held so they are not garbage-collected).
        total_requests: responses completed since start.
        app_state: lifespan state, shallow-copied into each request's ``scope["state"]``.
    """

    connections: set[HttpProtocol] = field(default_factory=set)
    tasks: set[asyncio.Task[None]] = field(default_factory=set)
    total_requests: int = 0
    app_state: dict[str, Any] = field(default_factory=dict)

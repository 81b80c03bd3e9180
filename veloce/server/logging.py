"""The built-in server's loggers: startup/shutdown messages and the access log.

Access lines use uvicorn's shape, ``127.0.0.1:50312 - "GET /path?q=1 HTTP/1.1" 200 OK``,
so logs read the same whichever server runs the app. The protocol writes them as it
encodes each response head (``ServerConfig.access_log``) rather than through an ASGI
wrapper, so Veloce's direct response write (which skips ``send``) is logged too.
"""

from __future__ import annotations

import logging
import sys
import typing as t
from http import HTTPStatus

if t.TYPE_CHECKING:
    from veloce._types import Scope

__all__ = [
    "ACCESS_LOGGER",
    "ERROR_LOGGER",
    "access_line",
    "configure_logging",
]

#: Logger of the access lines (one per response, at INFO).
ACCESS_LOGGER = "veloce.access"
#: Logger of the server's own messages: startup, shutdown, worker and reload events.
ERROR_LOGGER = "veloce.server"

_PHRASES = {int(status): status.phrase for status in HTTPStatus}


class _StderrStream:
    """Resolve ``sys.stderr`` at write time, so redirects made after setup apply."""

    def write(self, data: str) -> int:
        return sys.stderr.write(data)

    def flush(self) -> None:
        sys.stderr.flush()


def configure_logging(*, access_log: bool = True, debug: bool = False) -> None:
    """Give the server loggers a stderr handler unless the user configured them.

    Args:
        access_log: Emit access lines (INFO) or silence them (WARNING).
        debug: Let the server logger show DEBUG messages.
    """
    formatter = logging.Formatter("%(levelname)s: %(message)s")
    for name, level in (
        (ERROR_LOGGER, logging.DEBUG if debug else logging.INFO),
        (ACCESS_LOGGER, logging.INFO if access_log else logging.WARNING),
    ):
        logger = logging.getLogger(name)
        logger.setLevel(level)
        if not logger.handlers:
            handler = logging.StreamHandler(_StderrStream())  # type: ignore[arg-type]
            handler.setFormatter(formatter)
            logger.addHandler(handler)
            logger.propagate = False


def _client_addr(scope: Scope) -> str:
    client = scope.get("client")
    if not client:
        return "-"
    return f"{client[0]}:{client[1]}"


def access_line(scope: Scope, status: int) -> str:
    """The access line for ``scope`` answered with ``status`` (uvicorn's format)."""
    target = scope.get("raw_path") or scope.get("path", "").encode("utf-8", "replace")
    path = target.decode("latin-1") if isinstance(target, bytes) else str(target)
    query = scope.get("query_string") or b""
    if query:
        path = f"{path}?{query.decode('latin-1')}"
    request_line = f"{scope.get('method', '')} {path} HTTP/{scope.get('http_version', '1.1')}"
    phrase = _PHRASES.get(status, "")
    return f'{_client_addr(scope)} - "{request_line}" {status} {phrase}'.rstrip()

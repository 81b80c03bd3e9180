"""``app.logger``: a stdlib logger named after the app, with a handler if it needs one.

Flask parity: the logger is ``logging.getLogger(app.name)``; in debug mode its level is
set to DEBUG if unset; a stream handler with Flask's format is added only when nothing
in the logger chain would handle its effective level. ASGI has no ``wsgi.errors``
stream, so messages go to ``sys.stderr``.
"""

from __future__ import annotations

import logging
import sys
import typing as t

__all__ = ["create_logger", "default_handler", "has_level_handler", "wsgi_errors_stream"]


class _StderrStream:
    """Resolve ``sys.stderr`` at write time, so pytest's capture and redirects apply."""

    def write(self, data: str) -> int:
        return sys.stderr.write(data)

    def flush(self) -> None:
        sys.stderr.flush()


def has_level_handler(logger: logging.Logger) -> bool:
    """True if a handler in the logger chain handles the logger's effective level."""
    level = logger.getEffectiveLevel()
    current: logging.Logger | None = logger
    while current:
        if any(handler.level <= level for handler in current.handlers):
            return True
        if not current.propagate:
            break
        current = current.parent
    return False


#: Where the default handler writes: ``sys.stderr``, looked up at each write (ASGI has
#: no ``wsgi.errors`` stream).
wsgi_errors_stream = _StderrStream()

default_handler = logging.StreamHandler(wsgi_errors_stream)  # type: ignore[arg-type]
default_handler.setFormatter(
    logging.Formatter("[%(asctime)s] %(levelname)s in %(module)s: %(message)s")
)


def create_logger(app: t.Any) -> logging.Logger:
    """The app's logger, configured as Flask configures it."""
    logger = logging.getLogger(app.name)
    if app.debug and not logger.level:
        logger.setLevel(logging.DEBUG)
    if not has_level_handler(logger):
        logger.addHandler(default_handler)
    return logger

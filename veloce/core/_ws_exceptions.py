"""The exceptions of a WebSocket connection: the peer left, or the handler closes.

They are not HTTP errors (no status, no page): they carry a WebSocket close code. Kept
out of the HTTPException tree's modules; import them from :mod:`veloce.core.exceptions`.
"""

from __future__ import annotations

__all__ = ["WebSocketDisconnect", "WebSocketException"]


class WebSocketDisconnect(Exception):
    """The WebSocket peer closed the connection."""

    def __init__(self, code: int = 1000, reason: str | None = None) -> None:
        super().__init__(code, reason)
        self.code = code
        self.reason = reason or ""


class WebSocketException(Exception):
    """Raise in a WebSocket handler to close with ``code`` and ``reason``."""

    def __init__(self, code: int = 1008, reason: str | None = None) -> None:
        super().__init__(code, reason)
        self.code = code
        self.reason = reason or ""

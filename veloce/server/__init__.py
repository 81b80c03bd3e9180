"""Veloce's built-in HTTP/1.1 server (asyncio + httptools)."""

from __future__ import annotations

from .config import ServerConfig as ServerConfig
from .config import ServerState as ServerState
from .protocol import HttpProtocol as HttpProtocol

__all__ = ["HttpProtocol", "ServerConfig", "ServerState"]

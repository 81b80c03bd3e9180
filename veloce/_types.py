"""ASGI types: scopes, messages and the Receive/Send/ASGIApp callables."""

from __future__ import annotations

import typing as t

__all__ = ["ASGIApp", "Message", "Receive", "Scope", "Send"]

Scope = t.MutableMapping[str, t.Any]
Message = t.MutableMapping[str, t.Any]
Receive = t.Callable[[], t.Awaitable[Message]]
Send = t.Callable[[Message], t.Awaitable[None]]
ASGIApp = t.Callable[[Scope, Receive, Send], t.Awaitable[None]]

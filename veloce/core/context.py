"""The one ContextVar that binds the active application/request context.

It lives in the core so that core helpers (``abort``, ``Request.url_for``) can reach
the current app without importing the app layer. The app layer (``veloce.ctx`` and
``veloce.globals``) owns what is stored in it: an object with at least an ``app``
attribute and, during a request, a ``request`` attribute.
"""

from __future__ import annotations

import typing as t
from contextvars import ContextVar

__all__ = ["_cv_ctx", "current_app_or_none"]

_cv_ctx: ContextVar[t.Any] = ContextVar("veloce.ctx")


def current_app_or_none() -> t.Any:
    """The app bound to the current context, or ``None`` outside one."""
    ctx = _cv_ctx.get(None)
    return None if ctx is None else ctx.app

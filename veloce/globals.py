"""The context-bound globals: ``current_app``, ``g``, ``request``.

All of them read the single ``_cv_ctx`` ContextVar (``veloce.core.context``). Binding a
request therefore costs one ``ContextVar.set``; nothing is created for a global
until it is used.

Flask parity: outside a context they raise ``RuntimeError`` with Flask's messages.
"""

from __future__ import annotations

import typing as t

from veloce.core.context import _cv_ctx
from veloce.local import LocalProxy

if t.TYPE_CHECKING:
    from veloce.app import Veloce
    from veloce.core.request import Request
    from veloce.ctx import AppContext, _AppCtxGlobals
    from veloce.sessions import SessionMixin

__all__ = ["_cv_ctx", "app_ctx", "current_app", "g", "request", "request_ctx", "session"]

_no_app_msg = """\
Working outside of application context.

This typically means that you attempted to use functionality that needed
the current application. To solve this, set up an application context
with app.app_context(). See the documentation for more information.\
"""

_no_req_msg = """\
Working outside of request context.

This typically means that you attempted to use functionality that needed
an active HTTP request. Consult the documentation on testing for
information about how to avoid this problem.\
"""


def _get_app_ctx() -> AppContext:
    ctx = _cv_ctx.get(None)
    if ctx is None:
        raise RuntimeError(_no_app_msg)
    return ctx  # type: ignore[no-any-return]


def _get_app() -> Veloce:
    ctx = _cv_ctx.get(None)
    if ctx is None:
        raise RuntimeError(_no_app_msg)
    return ctx.app  # type: ignore[no-any-return]


def _get_g() -> _AppCtxGlobals:
    ctx = _cv_ctx.get(None)
    if ctx is None:
        raise RuntimeError(_no_app_msg)
    return ctx.g  # type: ignore[no-any-return]


def _get_request_ctx() -> AppContext:
    ctx = _cv_ctx.get(None)
    if ctx is None or ctx.request is None:
        raise RuntimeError(_no_req_msg)
    return ctx  # type: ignore[no-any-return]


def _get_request() -> Request:
    ctx = _cv_ctx.get(None)
    if ctx is None or ctx.request is None:
        raise RuntimeError(_no_req_msg)
    return ctx.request  # type: ignore[no-any-return]


def _get_session() -> t.Any:
    ctx = _cv_ctx.get(None)
    if ctx is None or ctx.request is None:
        raise RuntimeError(_no_req_msg)
    return ctx.session


app_ctx: AppContext = LocalProxy(_get_app_ctx)  # type: ignore[assignment]
current_app: Veloce = LocalProxy(_get_app)  # type: ignore[assignment]
g: _AppCtxGlobals = LocalProxy(_get_g)  # type: ignore[assignment]
request_ctx: AppContext = LocalProxy(_get_request_ctx)  # type: ignore[assignment]
request: Request = LocalProxy(_get_request)  # type: ignore[assignment]
session: SessionMixin = LocalProxy(_get_session)  # type: ignore[assignment]

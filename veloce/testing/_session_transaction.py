"""The two halves of ``session_transaction()``, shared by the sync and async clients.

:func:`begin` opens the session the client's cookies carry; the caller hands it to
the ``with`` block; :func:`end` saves it and files the resulting ``Set-Cookie`` in the
jar. The session interface is sync (as in Flask), so neither half awaits: the async
client wraps the same two calls in an async context manager.

Flask parity: ``FlaskClient.session_transaction`` — the request is built by
``app.test_request_context(*args, **kwargs)`` and carries the jar's cookies; the
session is opened inside that request context, handed to the block with no context
bound, then saved inside the context again (so teardown callbacks run twice, as in
Flask); the errors and their messages are Flask's.
"""

from __future__ import annotations

import typing as t

from veloce.testing.base import _hostname

if t.TYPE_CHECKING:
    from veloce.core.request import Request
    from veloce.ctx import AppContext
    from veloce.sessions import SessionMixin
    from veloce.testing.base import ClientBase

__all__ = ["begin", "end"]


def begin(
    client: ClientBase, args: tuple[t.Any, ...], kwargs: dict[str, t.Any]
) -> tuple[AppContext, SessionMixin]:
    """Open the app's session for a request like the client would send.

    Raises:
        TypeError: the client keeps no cookies.
        RuntimeError: the session interface opened nothing (``open_session`` returned
            ``None``; for the default interface: no ``SECRET_KEY``).
    """
    jar = client._require_jar()
    app = client.application
    ctx = app.test_request_context(*args, **kwargs)
    request = t.cast("Request", ctx.request)
    cookie = jar.request_header(
        _hostname(request.host), request.scope["raw_path"].decode("latin-1")
    )
    if cookie or "cookie" in request.headers:
        # Rebuilt rather than patched, so nothing cached by the first build (the
        # headers, the host) can miss the cookie. As for the requests the client
        # sends, the jar alone decides the Cookie header.
        overrides = {**(kwargs.get("environ_overrides") or {}), "HTTP_COOKIE": cookie}
        ctx = app.test_request_context(*args, **{**kwargs, "environ_overrides": overrides})
    interface = app.session_interface
    with ctx:
        session = interface.open_session(app, ctx.request)
    if session is None:
        raise RuntimeError("Session backend did not open a session.")
    return ctx, session


def end(client: ClientBase, ctx: AppContext, session: SessionMixin) -> None:
    """Save ``session`` into a blank response and store its ``Set-Cookie`` in the jar.

    A null session is not saved, as in a request.
    """
    app = client.application
    interface = app.session_interface
    if interface.is_null_session(session):
        return
    response = app.response_class()
    with ctx:
        interface.save_session(app, session, response)
    request = t.cast("Request", ctx.request)
    client._require_jar().update_from_response(
        _hostname(request.host), request.path, response.headers.getlist("Set-Cookie")
    )

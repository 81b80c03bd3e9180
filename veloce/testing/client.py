"""The sync :class:`TestClient` and the async :class:`AsyncTestClient`.

Both drive any ASGI 3 app in memory and return fully buffered
:class:`~veloce.testing.wrappers.TestResponse` objects; they differ only in how the
request coroutine runs. The sync client owns an event loop (see
:class:`~veloce.testing.transport.LoopRunner`), closed by :meth:`TestClient.close`, at
the end of a ``with`` block, or when the client is garbage collected. The async
client runs each request as a task on the caller's loop; it is defined in
``testing/_async_client.py`` and re-exported here.
"""

from __future__ import annotations

import contextlib
import typing as t
import weakref

from veloce.testing import _session_transaction
from veloce.testing._async_client import AsyncTestClient
from veloce.testing.base import ClientBase
from veloce.testing.transport import LoopRunner
from veloce.testing.websocket import WebSocketTestSession, client_websocket_scope

if t.TYPE_CHECKING:
    from types import TracebackType

    from veloce.sessions import SessionMixin
    from veloce.testing.wrappers import TestResponse

__all__ = ["AsyncTestClient", "TestClient"]


class TestClient(ClientBase):
    """Sync in-memory test client for an ASGI app.

    Flask parity: the ``FlaskClient`` API — ``open`` and the verb methods with
    Werkzeug's ``EnvironBuilder`` arguments, the Werkzeug 3 cookie jar
    (``get_cookie``/``set_cookie``/``delete_cookie``), ``follow_redirects`` with
    ``response.history``, ``environ_base``, and ``with client:`` keeping the last
    request's contexts pushed (for apps that honour
    :data:`~veloce.testing.base.PRESERVE_CONTEXT_KEY`), and
    :meth:`session_transaction` (for a Veloce app). Exceptions raised by the app
    propagate to the test. Also the spec's ``request()`` and ``cookies``.

    Example::

        with TestClient(app) as client:
            response = client.post("/login", data={"user": "ann"}, follow_redirects=True)
            assert response.status_code == 200

    See :class:`~veloce.testing.base.ClientBase` for the constructor arguments.
    """

    def __init__(
        self,
        app: t.Any,
        use_cookies: bool = True,
        *,
        follow_redirects: bool = False,
        base_url: str | None = None,
        allow_subdomain_redirects: bool = False,
        raise_server_exceptions: bool = True,
    ) -> None:
        super().__init__(
            app,
            use_cookies,
            follow_redirects=follow_redirects,
            base_url=base_url,
            allow_subdomain_redirects=allow_subdomain_redirects,
            raise_server_exceptions=raise_server_exceptions,
        )
        self._runner = LoopRunner()
        # Closes the loop when the client is collected (or at interpreter exit).
        self._finalizer = weakref.finalize(self, self._runner.close)

    def open(
        self,
        path: t.Any = "/",
        method: str = "GET",
        *,
        data: t.Any = None,
        json: t.Any = None,
        query_string: t.Any = None,
        headers: t.Any = None,
        content_type: str | None = None,
        follow_redirects: bool | None = None,
        base_url: str | None = None,
        environ_base: t.Mapping[str, t.Any] | None = None,
        buffered: bool = False,
        **kwargs: t.Any,
    ) -> TestResponse:
        """Send one request (and its redirects) and return the buffered response.

        Args:
            path: Path (``?query`` allowed), a full URL, a previously sent
                :class:`~veloce.testing.wrappers.TestRequest` to replay, or (Flask
                parity) a WSGI environ dict or an ``EnvironBuilder``, sent as built.
            method: HTTP method.
            data: Raw body (``str``/``bytes``/file) or a form dict; files make it
                multipart.
            json: Serialized with the app's JSON provider (``json.dumps`` for a
                plain ASGI app); sets ``application/json``.
            query_string: ``str``/``bytes``, or a mapping/pairs to urlencode.
            headers: A dict, Headers or pairs.
            content_type: Request Content-Type.
            follow_redirects: Follow 301/302/303/305/307/308 responses; defaults
                to the client's setting.
            base_url: ``scheme://host[/root]`` for this request.
            environ_base: WSGI-style defaults (``REMOTE_ADDR``, ``HTTP_*``, ...).
            buffered: Accepted for Werkzeug compatibility; bodies are always buffered.
            **kwargs: ``mimetype``, ``auth``, ``environ_overrides``, ``subdomain``,
                ``url_scheme``, ``files`` — see
                :func:`~veloce.testing.builder.build_request`.
        """
        kwargs.update(
            data=data,
            json=json,
            query_string=query_string,
            headers=headers,
            content_type=content_type,
            base_url=base_url,
            environ_base=environ_base,
        )
        request = self._prepare(path, method, kwargs)
        self._context_stack.close()
        response = self._runner.run(self._send(request, follow_redirects))
        self._push_preserved()
        return response

    def get(self, path: t.Any = "/", **kwargs: t.Any) -> TestResponse:
        """``open`` with ``GET``."""
        return self.open(path, "GET", **kwargs)

    def post(self, path: t.Any = "/", **kwargs: t.Any) -> TestResponse:
        """``open`` with ``POST``."""
        return self.open(path, "POST", **kwargs)

    def put(self, path: t.Any = "/", **kwargs: t.Any) -> TestResponse:
        """``open`` with ``PUT``."""
        return self.open(path, "PUT", **kwargs)

    def patch(self, path: t.Any = "/", **kwargs: t.Any) -> TestResponse:
        """``open`` with ``PATCH``."""
        return self.open(path, "PATCH", **kwargs)

    def delete(self, path: t.Any = "/", **kwargs: t.Any) -> TestResponse:
        """``open`` with ``DELETE``."""
        return self.open(path, "DELETE", **kwargs)

    def head(self, path: t.Any = "/", **kwargs: t.Any) -> TestResponse:
        """``open`` with ``HEAD``."""
        return self.open(path, "HEAD", **kwargs)

    def options(self, path: t.Any = "/", **kwargs: t.Any) -> TestResponse:
        """``open`` with ``OPTIONS``."""
        return self.open(path, "OPTIONS", **kwargs)

    def trace(self, path: t.Any = "/", **kwargs: t.Any) -> TestResponse:
        """``open`` with ``TRACE``."""
        return self.open(path, "TRACE", **kwargs)

    def request(
        self,
        method: str,
        path: str,
        json: t.Any = None,
        data: t.Any = None,
        headers: t.Any = None,
        content: bytes | str | None = None,
        files: t.Any = None,
        params: t.Any = None,
        follow_redirects: bool | None = None,
        **kwargs: t.Any,
    ) -> TestResponse:
        """Verb-agnostic request in the httpx/Starlette shape.

        ``content`` is a raw body, ``data`` form fields, ``files`` httpx-style
        uploads (``{"f": ("name.txt", b"...", "text/plain")}``), ``params`` the query
        (merged with any ``?query`` in ``path``). Other keywords go to :meth:`open`.
        """
        path = self._httpx_arguments(path, data=data, content=content, params=params, kwargs=kwargs)
        return self.open(
            path,
            method.upper(),
            json=json,
            headers=headers,
            files=files,
            follow_redirects=follow_redirects,
            **kwargs,
        )

    def websocket_connect(
        self,
        path: str,
        subprotocols: list[str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> WebSocketTestSession:
        """Open an in-memory WebSocket against the app (use it with ``with``).

        Drives the ASGI websocket protocol on the client's event loop: the handshake
        happens when the block is entered, ``send_*``/``receive_*`` exchange frames
        with the running handler, and a close by the app raises
        :class:`~veloce.core.exceptions.WebSocketDisconnect`::

            with client.websocket_connect("/ws") as ws:
                ws.send_text("hi")
                assert ws.receive_text() == "echo: hi"
        """
        scope = client_websocket_scope(self, path, subprotocols, headers)
        return WebSocketTestSession(self.application, scope, self._runner)

    @contextlib.contextmanager
    def session_transaction(self, *args: t.Any, **kwargs: t.Any) -> t.Iterator[SessionMixin]:
        """Read or change the session the client's cookies carry, without a request.

        The session opens with the app's ``session_interface`` from the cookie jar;
        when the block ends it is saved the way a response would save it, and the
        resulting ``Set-Cookie`` goes into the jar (an exception in the block
        discards the changes)::

            with client.session_transaction() as session:
                session["user_id"] = 42
            client.get("/profile")  # sent with the updated session cookie

        Args:
            *args: Passed to ``app.test_request_context`` (path, base_url, ...), for
                session backends that depend on the request.
            **kwargs: Likewise.

        Raises:
            TypeError: the client was created with ``use_cookies=False``.
            RuntimeError: the interface opened no session (for the default one: no
                ``SECRET_KEY``).

        Flask parity: ``FlaskClient.session_transaction``, same errors.
        """
        ctx, session = _session_transaction.begin(self, args, kwargs)
        yield session
        _session_transaction.end(self, ctx, session)

    def close(self) -> None:
        """Exit preserved contexts and close the client's event loop.

        The client stays usable: the next request creates a fresh loop.
        """
        self._end_preserve()
        self._runner.close()

    def __enter__(self) -> TestClient:
        """Keep the contexts of the requests made in the block (Flask's ``with client``)."""
        self._begin_preserve()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


# Defined in ``testing/_async_client.py``; this module is its public home.
AsyncTestClient.__module__ = __name__

"""``werkzeug.test``: the test client, multipart encoding and WSGI environ building.

``Client`` is Veloce's :class:`~veloce.testing.TestClient` under Werkzeug's constructor
signature; it runs an ASGI app (a Veloce/compat ``Flask`` app), not a WSGI callable.
``EnvironBuilder``/``create_environ`` build the same PEP 3333 environ as Werkzeug's
(for WSGI middleware, extensions' tests, or ``client.open(builder)``), and
``run_wsgi_app`` runs a WSGI callable such as a real Flask app.
"""

from __future__ import annotations

import typing as t
from itertools import chain

from veloce.compat.werkzeug._environ_builder import EnvironBuilder as EnvironBuilder
from veloce.compat.werkzeug._multipart import encode_multipart as encode_multipart
from veloce.compat.werkzeug._multipart import (
    stream_encode_multipart as stream_encode_multipart,
)
from veloce.compat.werkzeug.datastructures import Headers
from veloce.testing import TestClient
from veloce.testing.base import ClientRedirectError as ClientRedirectError
from veloce.testing.cookies import Cookie as Cookie
from veloce.testing.wrappers import TestResponse as TestResponse

__all__ = [
    "Client",
    "ClientRedirectError",
    "Cookie",
    "EnvironBuilder",
    "TestResponse",
    "create_environ",
    "encode_multipart",
    "run_wsgi_app",
    "stream_encode_multipart",
]


class Client(TestClient):
    """``werkzeug.test.Client(application, response_wrapper, use_cookies, ...)``.

    Flask parity: the same request methods, cookie handling and redirect following as
    Werkzeug's client. ``response_wrapper`` must be ``None`` or :class:`TestResponse`:
    responses are always Veloce's :class:`TestResponse` (Werkzeug's ``TestResponse``
    API), so a custom wrapper class is refused rather than silently ignored.
    """

    def __init__(
        self,
        application: t.Any,
        response_wrapper: type[t.Any] | None = None,
        use_cookies: bool = True,
        allow_subdomain_redirects: bool = False,
    ) -> None:
        if response_wrapper not in (None, TestResponse):
            raise TypeError(
                "veloce.compat.werkzeug.test.Client does not support a custom"
                f" response_wrapper ({response_wrapper!r}); responses are TestResponse"
            )
        super().__init__(
            application,
            use_cookies,
            allow_subdomain_redirects=allow_subdomain_redirects,
        )


def create_environ(*args: t.Any, **kwargs: t.Any) -> dict[str, t.Any]:
    """``EnvironBuilder(*args, **kwargs).get_environ()``, closing the builder.

    Flask parity: ``werkzeug.test.create_environ``.
    """
    builder = EnvironBuilder(*args, **kwargs)
    try:
        return builder.get_environ()
    finally:
        builder.close()


class _ClosingIterator:
    """Iterates ``iterable`` and calls ``close`` once, when closed."""

    def __init__(self, iterable: t.Iterable[bytes], close: t.Callable[[], t.Any]) -> None:
        self._iterator = iter(iterable)
        self._close = close

    def __iter__(self) -> _ClosingIterator:
        return self

    def __next__(self) -> bytes:
        return next(self._iterator)

    def close(self) -> None:
        """Call the application iterable's ``close``."""
        self._close()


def run_wsgi_app(
    app: t.Callable[..., t.Iterable[bytes]], environ: t.Any, buffered: bool = False
) -> tuple[t.Iterable[bytes], str, Headers]:
    """Call a WSGI app and return ``(app_iter, status, headers)``.

    The app gets a copy of ``environ`` (or of ``environ.environ`` for a request
    object). Without ``buffered`` the iterable is consumed only until
    ``start_response`` was called, and data written through ``write()`` comes first;
    with it the whole body is read and the app iterable closed.

    Flask parity: ``werkzeug.test.run_wsgi_app``.
    """
    environ = dict(getattr(environ, "environ", environ))
    response: tuple[str, list[tuple[str, str]]] | None = None
    buffer: list[bytes] = []

    def start_response(
        status: str, headers: list[tuple[str, str]], exc_info: t.Any = None
    ) -> t.Callable[[bytes], None]:
        nonlocal response
        if exc_info:
            raise exc_info[1].with_traceback(exc_info[2])
        response = (status, headers)
        return buffer.append

    app_rv = app(environ, start_response)
    close = getattr(app_rv, "close", None)
    app_iter: t.Iterable[bytes] = iter(app_rv)
    if buffered:
        try:
            app_iter = list(app_iter)
        finally:
            if close is not None:
                close()
    else:
        for item in app_iter:
            buffer.append(item)
            if response is not None:
                break
        if buffer:
            app_iter = chain(buffer, app_iter)
        if close is not None and app_iter is not app_rv:
            app_iter = _ClosingIterator(app_iter, close)
    if response is None:
        raise RuntimeError("the WSGI application did not call start_response")
    status, headers = response
    return app_iter, status, Headers(headers)


# Defined in private modules; ``werkzeug.test`` is their public home (pickling, reprs).
for _obj in (EnvironBuilder, encode_multipart, stream_encode_multipart):
    _obj.__module__ = __name__
del _obj

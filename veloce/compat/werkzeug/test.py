"""``werkzeug.test``: the test client and multipart encoding, driving apps over ASGI.

``Client`` is Veloce's :class:`~veloce.testing.TestClient` under Werkzeug's constructor
signature; it runs an ASGI app (a Veloce/compat ``Flask`` app), not a WSGI callable.
The WSGI-environ builders (``EnvironBuilder``, ``create_environ``) and
``run_wsgi_app`` are not provided: see ``migration-guide/differences.md``.
"""

from __future__ import annotations

import io
import typing as t

from veloce.core.structures import iter_multi_items
from veloce.testing import TestClient
from veloce.testing.base import ClientRedirectError as ClientRedirectError
from veloce.testing.cookies import Cookie as Cookie
from veloce.testing.encoding import encode_multipart as _encode_multipart
from veloce.testing.wrappers import TestResponse as TestResponse

__all__ = [
    "Client",
    "ClientRedirectError",
    "Cookie",
    "TestResponse",
    "encode_multipart",
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


def encode_multipart(
    values: t.Mapping[str, t.Any], boundary: str | None = None
) -> tuple[str, bytes]:
    """Encode a mapping (a :class:`MultiDict` keeps repeated keys) as multipart form data.

    Flask parity: ``werkzeug.test.encode_multipart``, returning ``(boundary, body)``;
    file values (anything with ``read``) become file parts.
    """
    body, boundary = _encode_multipart(iter_multi_items(values), boundary)
    return boundary, body


def stream_encode_multipart(
    data: t.Mapping[str, t.Any],
    use_tempfile: bool = True,
    threshold: int = 1024 * 500,
    boundary: str | None = None,
) -> tuple[t.IO[bytes], int, str]:
    """``(stream, length, boundary)`` for the encoded body, like Werkzeug's.

    The body is built in memory (``use_tempfile`` and ``threshold`` are accepted for
    signature compatibility; the stream is a :class:`io.BytesIO`).
    """
    boundary, body = encode_multipart(data, boundary)
    return io.BytesIO(body), len(body), boundary

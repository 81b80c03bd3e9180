"""The HTTP response: status, headers and a body encoded once, sent over ASGI.

Flask parity: :class:`Response` has the constructor, attributes and behaviour of Flask's
``Response`` (Werkzeug 3.1's, with ``text/html`` as the default mimetype). Hot-path
design notes:

- A ``str`` body is encoded to bytes in the constructor, exactly once.
- The :class:`~veloce.core.headers.Headers` object is only built when someone
  reads ``response.headers``. Until then the response holds just its Content-Type
  string and Content-Length integer, and :meth:`Response.__call__` emits those as
  pre-encoded bytes.
- Header names are lowered and encoded through a module-level table of common names.
"""

from __future__ import annotations

import typing as t

from markupsafe import escape

from veloce.core._response_headers import ResponseHeadersMixin, content_type_for
from veloce.core._response_helpers import ResponseHelpersMixin, ResponseStream
from veloce.core._wire import aencode_chunks, encode_chunks, wire_headers
from veloce.core.context import current_app_or_none
from veloce.core.headers import Headers
from veloce.core.status import status_line

__all__ = ["Response", "ResponseStream", "redirect"]

T_body = str | bytes | bytearray | t.Iterable[t.Any] | t.AsyncIterable[t.Any] | None

_START = "http.response.start"
_BODY = "http.response.body"


def _parse_status(value: int | str) -> tuple[int, str | None]:
    # Werkzeug's rules: int -> standard phrase (built lazily), "404" -> standard phrase,
    # "404 Gone Fishing" kept verbatim, a phrase without a code -> code 0.
    if isinstance(value, int):
        return int(value), None
    value = value.strip()
    if not value:
        raise ValueError("Empty status argument")
    code_str, sep, _ = value.partition(" ")
    try:
        code = int(code_str)
    except ValueError:
        return 0, f"0 {value}"
    return code, (value if sep else None)


class Response(ResponseHelpersMixin, ResponseHeadersMixin):
    """An HTTP response: status, headers and a body, callable as an ASGI application.

    Flask parity: ``Response(response=None, status=None, headers=None, mimetype=None,
    content_type=None, direct_passthrough=False)`` as in Flask/Werkzeug. ``str`` and
    ``bytes`` bodies are buffered (and get a Content-Length); a list or tuple of chunks
    is buffered too (its Content-Length is added when sent); any other iterable —
    generator, iterator, async iterable — is streamed.

    Args:
        response: The body.
        status: ``200``, ``"404"`` or ``"404 Not Found"``; defaults to
            :attr:`default_status`.
        headers: A ``Headers`` object (used as is), a mapping or a list of pairs.
        mimetype: Mimetype; text types get ``; charset=utf-8``.
        content_type: Full Content-Type; wins over ``mimetype``.
        direct_passthrough: Never buffer a streamed body implicitly.
    """

    __slots__ = (
        "response",
        "direct_passthrough",
        "_status_code",
        "_status",
        "_headers",
        "_ctype",
        "_clen",
        "_on_close",
    )

    default_status: int | str = 200
    default_mimetype: str | None = "text/html"
    #: ``samesite`` used by :meth:`set_cookie` when none is passed (the Flask compat
    #: subclass sets ``None``, Werkzeug's default).
    default_cookie_samesite: str | None = "Lax"
    automatically_set_content_length = True
    implicit_sequence_conversion = True
    @property
    def max_cookie_size(self) -> int:
        """Set-Cookie values longer than this warn: the app's ``MAX_COOKIE_SIZE``.

        Flask parity: read from the current app's config (4093 outside an app).
        """
        app = current_app_or_none()
        if app is None:
            return 4093
        return int(app.config["MAX_COOKIE_SIZE"])

    response: t.Any
    direct_passthrough: bool

    def __init__(
        self,
        response: T_body = None,
        status: int | str | None = None,
        headers: t.Any = None,
        mimetype: str | None = None,
        content_type: str | None = None,
        direct_passthrough: bool = False,
    ) -> None:
        # Headers stay unbuilt (None) when none were given; _ctype/_clen stand in.
        hdrs: Headers | None
        if isinstance(headers, Headers):
            hdrs = headers
        elif not headers:
            hdrs = None
        else:
            hdrs = Headers(headers)
        self._headers = hdrs
        self._ctype = None
        self._clen: int | None = None
        self._on_close: list[t.Callable[[], t.Any]] | None = None
        self.direct_passthrough = direct_passthrough

        if content_type is None:
            if mimetype is None and (hdrs is None or "content-type" not in hdrs):
                mimetype = self.default_mimetype
            if mimetype is not None:
                content_type = content_type_for(mimetype)
        if content_type is not None:
            if hdrs is None:
                self._ctype = content_type
            else:
                hdrs["Content-Type"] = content_type

        if status is None:
            status = self.default_status
        if type(status) is int:
            self._status_code = status
            self._status = None
        else:
            self._status_code, self._status = _parse_status(status)

        if response is None:
            self.response = []
        elif isinstance(response, (str, bytes, bytearray)):
            self.set_data(response)
        else:
            self.response = response

    def __repr__(self) -> str:
        if self.is_sequence:
            info = f"{sum(map(len, self.iter_encoded()))} bytes"
        else:
            info = "streamed" if self.is_streamed else "likely-streamed"
        return f"<{type(self).__name__} {info} [{self.status}]>"

    # -- status --------------------------------------------------------------------

    @property
    def status_code(self) -> int:
        """The status as an integer. Assigning sets :attr:`status` too."""
        return self._status_code

    @status_code.setter
    def status_code(self, code: int) -> None:
        self._status_code, self._status = _parse_status(code)

    @property
    def status(self) -> str:
        """The status line, e.g. ``"200 OK"``; assign an int, ``"404"`` or ``"404 Gone"``."""
        status = self._status
        if status is None:
            status = self._status = status_line(self._status_code)
        return status

    @status.setter
    def status(self, value: int | str) -> None:
        self._status_code, self._status = _parse_status(value)

    # -- headers -------------------------------------------------------------------

    @property
    def headers(self) -> Headers:
        """The response headers (built on first access)."""
        hdrs = self._headers
        if hdrs is None:
            hdrs = Headers()
            if self._ctype is not None:
                hdrs.add("Content-Type", self._ctype)
            if self._clen is not None:
                hdrs.add("Content-Length", str(self._clen))
            self._headers = hdrs
        return hdrs

    @headers.setter
    def headers(self, value: t.Any) -> None:
        self._headers = value if isinstance(value, Headers) else Headers(value)

    @property
    def headerlist(self) -> list[tuple[str, str]]:
        """The headers as a list of ``(name, value)`` pairs, one per Set-Cookie."""
        return list(self.headers.items())

    # -- body ----------------------------------------------------------------------

    @property
    def is_sequence(self) -> bool:
        """True when the body is buffered (a list or tuple of chunks)."""
        return isinstance(self.response, (list, tuple))

    @property
    def is_streamed(self) -> bool:
        """True when the body has no length: a generator, iterator or async iterable."""
        try:
            len(self.response)
        except (TypeError, AttributeError):
            return True
        return False

    def set_data(self, value: bytes | bytearray | str) -> None:
        """Replace the body with ``value`` (a ``str`` is UTF-8 encoded) and, when
        :attr:`automatically_set_content_length`, set Content-Length."""
        if isinstance(value, str):
            value = value.encode()
        elif type(value) is not bytes:
            value = bytes(value)
        self.response = [value]
        if self.automatically_set_content_length:
            if self._headers is None:
                self._clen = len(value)
            else:
                self._headers["Content-Length"] = str(len(value))

    def get_data(self, as_text: bool = False) -> t.Any:
        """The body as bytes (or text), buffering a streamed body first.

        Raises:
            RuntimeError: the body is streamed and :attr:`direct_passthrough` is set,
                or it is an async iterable (consume it with ``async for``).
        """
        body = self.response
        if type(body) is list and len(body) == 1 and type(body[0]) is bytes:
            data = body[0]
        else:
            self._ensure_sequence()
            data = b"".join(self.iter_encoded())
        return data.decode() if as_text else data

    data = property(get_data, set_data, doc="The body as bytes; assigning calls :meth:`set_data`.")

    @property
    def body(self) -> bytes:
        """The body as bytes (an alias of :attr:`data`)."""
        return self.get_data()  # type: ignore[no-any-return]

    @body.setter
    def body(self, value: bytes | str) -> None:
        self.set_data(value)

    @property
    def text(self) -> str:
        """The body decoded as UTF-8."""
        return self.get_data(as_text=True)  # type: ignore[no-any-return]

    def _ensure_sequence(self, mutable: bool = False) -> None:
        if self.is_sequence:
            if mutable and not isinstance(self.response, list):
                self.response = list(self.response)
            return
        if self.direct_passthrough:
            raise RuntimeError(
                "Attempted implicit sequence conversion but the"
                " response object is in direct passthrough mode."
            )
        if not self.implicit_sequence_conversion:
            raise RuntimeError(
                "The response object required the iterable to be a"
                " sequence, but the implicit conversion was disabled."
                " Call make_sequence() yourself."
            )
        self.make_sequence()

    def make_sequence(self) -> None:
        """Buffer a streamed body into a list of bytes, keeping its ``close`` for later."""
        if self.is_sequence:
            return
        body = self.response
        if not hasattr(body, "__iter__") and hasattr(body, "__aiter__"):
            raise RuntimeError(
                "The response body is an async iterable; it can only be consumed"
                " asynchronously (iterate it with 'async for' or send the response)."
            )
        close = getattr(body, "close", None)
        self.response = list(encode_chunks(body))
        if close is not None:
            self.call_on_close(close)

    def iter_encoded(self) -> t.Any:
        """Iterate the body as bytes chunks (an async iterator for an async body)."""
        body = self.response
        if not hasattr(body, "__iter__") and hasattr(body, "__aiter__"):
            return aencode_chunks(body)
        return encode_chunks(body)

    def iter_chunked(self, size: int) -> t.Any:
        """Iterate a buffered body in ``size``-byte slices; a streamed body as it comes.

        Raises:
            ValueError: ``size`` is not positive.
        """
        if size <= 0:
            raise ValueError("size must be positive")
        if not self.is_sequence:
            return self.iter_encoded()
        data = self.get_data()
        return (data[i : i + size] for i in range(0, len(data), size))

    def calculate_content_length(self) -> int | None:
        """The body length in bytes, or ``None`` when it cannot be buffered."""
        try:
            self._ensure_sequence()
        except RuntimeError:
            return None
        return sum(len(chunk) for chunk in self.iter_encoded())

    def freeze(self) -> None:
        """Buffer the body, set Content-Length and add an ETag (Werkzeug's ``freeze``).

        Buffers even with :attr:`direct_passthrough`, as Werkzeug does.

        Raises:
            RuntimeError: the body is an async iterable.
        """
        if self.is_sequence:
            self.response = list(encode_chunks(self.response))
        else:
            self.make_sequence()
        length = sum(map(len, self.response))
        if self._headers is None:
            self._clen = length
        else:
            self._headers["Content-Length"] = str(length)
        self.add_etag()

    # -- closing -------------------------------------------------------------------

    def call_on_close(self, func: t.Callable[[], t.Any]) -> t.Callable[[], t.Any]:
        """Register ``func`` to run when the response is closed; returns ``func``."""
        if self._on_close is None:
            self._on_close = []
        self._on_close.append(func)
        return func

    def close(self) -> None:
        """Close the body iterable (if it has ``close``) and run the close callbacks."""
        close = getattr(self.response, "close", None)
        if close is not None:
            close()
        if self._on_close:
            for func in self._on_close:
                func()

    def __enter__(self) -> Response:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- ASGI ----------------------------------------------------------------------

    _wire_headers = wire_headers

    def _buffered_bytes(self, no_body: bool) -> bytes | None:
        """The whole body as one bytes object, or None when it must be streamed.

        Only a list body with no close callbacks qualifies: sending it needs no
        iteration protocol and nothing to close afterwards. Shared by ``__call__`` and
        the built-in server's direct write (``veloce.http.response`` extension).
        """
        body = self.response
        if type(body) is not list or self._on_close or type(self).close is not _base_close:
            return None
        if no_body:
            return b""
        if len(body) == 1 and type(body[0]) is bytes:
            return body[0]  # type: ignore[no-any-return]
        return b"".join(encode_chunks(body))

    async def __call__(self, scope: t.Any, receive: t.Any, send: t.Any) -> None:
        """Send the response over ASGI.

        A HEAD request, a 1xx, 204 or 304 gets an empty body (headers, including
        Content-Length, unchanged). A streamed body is sent chunk by chunk with
        ``more_body``; sync and async iterables are both accepted. The response is
        closed afterwards.
        """
        code = self._status_code
        no_body = scope.get("method") == "HEAD" or 100 <= code < 200 or code == 204 or code == 304
        data = self._buffered_bytes(no_body)
        if data is not None:
            await send({"type": _START, "status": code, "headers": self._wire_headers()})
            await send({"type": _BODY, "body": data})
            return
        body = self.response
        try:
            await send({"type": _START, "status": code, "headers": self._wire_headers()})
            if no_body:
                await send({"type": _BODY, "body": b""})
            elif isinstance(body, (list, tuple)):
                await send({"type": _BODY, "body": b"".join(encode_chunks(body))})
            elif not hasattr(body, "__iter__") and hasattr(body, "__aiter__"):
                async for chunk in body:
                    if isinstance(chunk, str):
                        chunk = chunk.encode()
                    if chunk:
                        await send({"type": _BODY, "body": chunk, "more_body": True})
                await send({"type": _BODY, "body": b""})
            else:
                for chunk in body:
                    if isinstance(chunk, str):
                        chunk = chunk.encode()
                    if chunk:
                        await send({"type": _BODY, "body": chunk, "more_body": True})
                await send({"type": _BODY, "body": b""})
        finally:
            aclose = getattr(body, "aclose", None)
            if aclose is not None:
                await aclose()
            self.close()

    @classmethod
    def force_type(cls, response: Response, environ: t.Any = None) -> Response:
        """Return ``response`` as an instance of ``cls`` (Werkzeug's ``force_type``).

        Instances of ``cls`` are returned unchanged; other Veloce responses are copied
        into a new ``cls`` instance (same status, headers object and body).

        Raises:
            TypeError: ``response`` is not a Veloce response (WSGI applications cannot
                be converted).
        """
        if isinstance(response, cls):
            return response
        if not isinstance(response, Response):
            raise TypeError(
                "cannot convert WSGI application into response objects without an environ"
            )
        new = cls.__new__(cls)
        for slot in Response.__slots__:
            setattr(new, slot, getattr(response, slot))
        return new


_base_close = Response.close


def redirect(location: str, code: int = 302, Response: type[Response] | None = None) -> Response:  # noqa: N803
    """A response redirecting to ``location`` with status ``code``.

    Flask parity: ``werkzeug.utils.redirect`` — the same HTML body (with the escaped
    target), ``text/html`` content type and a Location header holding ``location``
    as given (made URI-safe when sent). ``Response`` picks the response class.
    """
    cls = _Response if Response is None else Response
    target = escape(location)
    response = cls(
        "<!doctype html>\n"
        "<html lang=en>\n"
        "<title>Redirecting...</title>\n"
        "<h1>Redirecting...</h1>\n"
        "<p>You should be redirected automatically to the target URL: "
        f'<a href="{target}">{target}</a>. If not, click the link.\n',
        code,
        mimetype="text/html",
    )
    response.headers["Location"] = location
    return response


_Response = Response

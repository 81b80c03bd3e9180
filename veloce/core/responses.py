"""Starlette/FastAPI-shaped response classes on top of :class:`~veloce.core.response.Response`.

They take ``(content, status_code=200, headers=None, media_type=None)`` and render the
content to bytes once, in the constructor, like Starlette's ``Response.render``. They
are ordinary Veloce responses, so every Flask-style attribute works on them too.
"""

from __future__ import annotations

import decimal
import importlib
import typing as t
from urllib.parse import quote

import orjson

from veloce.core.response import Response

__all__ = [
    "HTMLResponse",
    "JSONResponse",
    "ORJSONResponse",
    "PlainTextResponse",
    "RedirectResponse",
    "StreamingResponse",
    "UJSONResponse",
]


class _ContentResponse(Response):
    """Base of the ``(content, status_code, headers, media_type)`` classes."""

    __slots__ = ()

    #: The mimetype used when ``media_type`` is not passed (``None``: no Content-Type).
    media_type: str | None = None
    default_mimetype = None

    def __init__(
        self,
        content: t.Any = None,
        status_code: int = 200,
        headers: t.Any = None,
        media_type: str | None = None,
    ) -> None:
        super().__init__(
            self.render(content),
            status_code,
            headers,
            media_type if media_type is not None else self.media_type,
        )

    def render(self, content: t.Any) -> t.Any:
        """Turn ``content`` into the body; ``None`` is an empty body."""
        if content is None:
            return b""
        return content


class HTMLResponse(_ContentResponse):
    """An HTML response (``text/html; charset=utf-8``)."""

    __slots__ = ()
    media_type = "text/html"


class PlainTextResponse(_ContentResponse):
    """A plain-text response (``text/plain; charset=utf-8``)."""

    __slots__ = ()
    media_type = "text/plain"


def _json_default(value: t.Any) -> t.Any:
    if isinstance(value, decimal.Decimal):
        return str(value)
    if hasattr(value, "__html__"):
        return str(value.__html__())
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


class JSONResponse(_ContentResponse):
    """A JSON response encoded with orjson (compact, UTF-8, insertion-ordered keys).

    orjson serializes datetimes (ISO 8601), UUIDs, dataclasses, enums and non-``str``
    keys; ``Decimal`` becomes a string. ``NaN``/``Infinity`` become ``null``. For
    Flask's exact ``jsonify`` bytes use ``app.json.response`` instead.
    """

    __slots__ = ()
    media_type = "application/json"

    def render(self, content: t.Any) -> bytes:
        """Encode ``content`` with orjson."""
        return orjson.dumps(content, default=_json_default, option=orjson.OPT_NON_STR_KEYS)


class ORJSONResponse(JSONResponse):
    """Explicitly orjson-encoded JSON; the same as :class:`JSONResponse`, named for
    ``response_class=ORJSONResponse`` declarations."""

    __slots__ = ()


class UJSONResponse(_ContentResponse):
    """A JSON response encoded with ``ujson``, imported on first use.

    Raises:
        ImportError: ``ujson`` is not installed (raised by the constructor).
    """

    __slots__ = ()
    media_type = "application/json"

    def render(self, content: t.Any) -> bytes:
        """Encode ``content`` with ``ujson.dumps(ensure_ascii=False)``."""
        try:
            ujson = importlib.import_module("ujson")
        except ImportError:
            raise ImportError(
                "UJSONResponse requires the 'ujson' package; install it with 'pip install ujson'."
            ) from None
        return ujson.dumps(content, ensure_ascii=False).encode()  # type: ignore[no-any-return]


class RedirectResponse(Response):
    """An empty-bodied redirect to ``url`` (default 307, Starlette's shape).

    The URL is percent-quoted like Starlette does, keeping reserved characters.
    """

    __slots__ = ()
    default_mimetype = None

    def __init__(self, url: t.Any, status_code: int = 307, headers: t.Any = None) -> None:
        super().__init__(b"", status_code, headers)
        self.headers["Location"] = quote(str(url), safe=":/%#?=@[]!$&'()*+,;")


class StreamingResponse(Response):
    """A response whose body is produced by a sync or async iterable.

    ``content`` is stored unchanged and iterated when the response is sent; sync
    iterables are advanced with ``next()`` on the event loop, so they should not block.
    :attr:`body_iterator` always gives an async view of it.
    """

    __slots__ = ()
    default_mimetype = None

    def __init__(
        self,
        content: t.Iterable[t.Any] | t.AsyncIterable[t.Any],
        status_code: int = 200,
        headers: t.Any = None,
        media_type: str | None = None,
    ) -> None:
        super().__init__(content, status_code, headers, media_type)

    @property
    def body_iterator(self) -> t.AsyncIterator[t.Any]:
        """The body as an async iterator (sync iterables are wrapped)."""
        body = self.response
        if hasattr(body, "__aiter__"):
            return body.__aiter__()  # type: ignore[no-any-return]
        return _aiter_sync(body)


async def _aiter_sync(iterable: t.Iterable[t.Any]) -> t.AsyncIterator[t.Any]:
    for item in iterable:
        yield item

"""HTTPException: the base of every HTTP error, and the two bodies it can render.

Kept apart from the concrete 4xx/5xx classes so that the rendering rules (Werkzeug's
HTML page, the native JSON body, ``Retry-After``) live in one short module that the
client- and server-error modules both build on. Import the names from
:mod:`veloce.core.exceptions`; this module is private.

The response classes are imported lazily: ``core.response`` imports the exceptions.
"""

from __future__ import annotations

import typing as t

from markupsafe import Markup, escape

from veloce.core.status import HTTP_STATUS_CODES

if t.TYPE_CHECKING:
    from veloce.core.response import Response

__all__ = ["HTTPException", "json_error_body"]


class HTTPException(Exception):
    """An HTTP error that becomes a response.

    Two construction shapes are accepted:

    * Werkzeug's: ``NotFound(description=None, response=None)``; subclasses carry a
      fixed ``code`` and ``description``.
    * Veloce's: ``HTTPException(status_code, detail=None, headers=None)`` for a one-off
      code without a subclass.

    ``description`` and ``detail`` are the same value; so are ``code`` and
    ``status_code``. Extra ``headers`` are added to the rendered response.

    Flask parity: ``get_response()`` renders Werkzeug's HTML page byte for byte, and a
    ``response`` passed in is returned unchanged.
    """

    code: int | None = None
    description: str | None = None

    def __init__(
        self,
        description: str | int | None = None,
        response: Response | None = None,
        *,
        status_code: int | None = None,
        detail: t.Any = None,
        headers: t.Mapping[str, str] | t.Iterable[tuple[str, str]] | None = None,
    ) -> None:
        if isinstance(description, int) and not isinstance(description, bool):
            status_code, description = description, None
            if isinstance(response, str):  # HTTPException(404, "detail")
                detail, response = response, None
        super().__init__()
        if status_code is not None:
            self.code = status_code
        if detail is not None:
            description = detail
        if description is not None:
            self.description = description  # type: ignore[assignment]
        self.response = response
        self.headers: list[tuple[str, str]] = (
            list(headers.items()) if isinstance(headers, t.Mapping) else list(headers or ())
        )

    @property
    def name(self) -> str:
        """The status name, e.g. ``"Not Found"``."""
        return HTTP_STATUS_CODES.get(self.code or 0, "Unknown Error")

    @property
    def status_code(self) -> int:
        """Alias of ``code`` (Starlette/FastAPI spelling)."""
        return self.code or 500

    @property
    def detail(self) -> t.Any:
        """Alias of ``description`` (Starlette/FastAPI spelling)."""
        return self.description

    def get_description(self, environ: t.Any = None, scope: t.Any = None) -> str:
        """The description as an escaped HTML paragraph (Werkzeug's markup)."""
        description = "" if self.description is None else str(self.description)
        return f"<p>{escape(description).replace(chr(10), Markup('<br>'))}</p>"

    def get_body(self, environ: t.Any = None, scope: t.Any = None) -> str:
        """Werkzeug's HTML error page for this exception."""
        return (
            "<!doctype html>\n"
            "<html lang=en>\n"
            f"<title>{self.code} {escape(self.name)}</title>\n"
            f"<h1>{escape(self.name)}</h1>\n"
            f"{self.get_description(environ)}\n"
        )

    def get_headers(self, environ: t.Any = None, scope: t.Any = None) -> list[tuple[str, str]]:
        """Headers of the HTML response: the content type plus any extra headers."""
        return [("Content-Type", "text/html; charset=utf-8"), *self.headers]

    def get_response(self, environ: t.Any = None, scope: t.Any = None) -> Response:
        """The HTML response Werkzeug would send, or the ``response`` given."""
        if self.response is not None:
            return self.response
        from veloce.core.response import Response

        return Response(self.get_body(environ), self.code, self.get_headers(environ))

    def __str__(self) -> str:
        code = self.code if self.code is not None else "???"
        return f"{code} {self.name}: {self.description}"

    def __repr__(self) -> str:
        code = self.code if self.code is not None else "???"
        return f"<{type(self).__name__} '{code}: {self.name}'>"


def json_error_body(exc: HTTPException) -> bytes:
    """The native Veloce error body: ``{"detail": <description>}`` as JSON bytes."""
    import orjson

    return orjson.dumps({"detail": exc.description})


class _RetryAfter(HTTPException):
    """Adds ``Retry-After`` (seconds or a datetime) to the response."""

    def __init__(
        self,
        description: str | None = None,
        response: Response | None = None,
        retry_after: t.Any = None,
        **kwargs: t.Any,
    ) -> None:
        super().__init__(description, response, **kwargs)
        self.retry_after = retry_after

    def get_headers(self, environ: t.Any = None, scope: t.Any = None) -> list[tuple[str, str]]:
        headers = super().get_headers(environ, scope)
        if self.retry_after:
            import datetime

            if isinstance(self.retry_after, datetime.datetime):
                from veloce.core.dates import http_date

                value = http_date(self.retry_after)
            else:
                value = str(self.retry_after)
            headers.append(("Retry-After", value))
        return headers

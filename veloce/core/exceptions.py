"""The HTTPException tree, ``abort`` and the routing exceptions.

Class names, codes and descriptions are Werkzeug's, so ``except NotFound`` and
``errorhandler(NotFound)`` port unchanged, and the HTML page an exception renders is
byte-identical to Werkzeug's. The native Veloce error body (``{"detail": ...}``) is
built by :func:`json_error_body`; which of the two an app sends is the app's choice,
not the exception's.

The response classes are imported lazily: ``core.response`` imports this module.
"""

from __future__ import annotations

import typing as t

from markupsafe import Markup, escape

from veloce.core.status import HTTP_STATUS_CODES

if t.TYPE_CHECKING:
    from veloce.core.response import Response

__all__ = [
    "Aborter",
    "BadGateway",
    "BadHost",
    "BadRequest",
    "BadRequestKeyError",
    "BuildError",
    "ClientDisconnected",
    "Conflict",
    "ExpectationFailed",
    "FailedDependency",
    "Forbidden",
    "GatewayTimeout",
    "Gone",
    "HTTPException",
    "HTTPVersionNotSupported",
    "ImATeapot",
    "InternalServerError",
    "LengthRequired",
    "Locked",
    "MethodNotAllowed",
    "MisdirectedRequest",
    "NotAcceptable",
    "NotFound",
    "NotImplemented",
    "PreconditionFailed",
    "PreconditionRequired",
    "RequestEntityTooLarge",
    "RequestHeaderFieldsTooLarge",
    "RequestRedirect",
    "RequestTimeout",
    "RequestURITooLarge",
    "RequestValidationError",
    "RequestedRangeNotSatisfiable",
    "RoutingException",
    "SecurityError",
    "ServiceUnavailable",
    "TooManyRequests",
    "UnavailableForLegalReasons",
    "Unauthorized",
    "UnprocessableEntity",
    "UnsupportedMediaType",
    "ValidationError",
    "WebSocketDisconnect",
    "WebSocketException",
    "WebSocketRequestValidationError",
    "abort",
    "default_exceptions",
    "json_error_body",
]


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


class BadRequest(HTTPException):
    """400: the request could not be understood."""

    code = 400
    description = "The browser (or proxy) sent a request that this server could not understand."


class ClientDisconnected(BadRequest):
    """400: the client went away while the body was being read."""


class SecurityError(BadRequest):
    """400: something in the request looked like an attack."""


class BadHost(BadRequest):
    """400: the Host header is not trusted."""


class BadRequestKeyError(BadRequest, KeyError):
    """A missing key in ``request.args``/``form``/``headers``: a ``KeyError`` and a 400.

    Flask parity: the key is shown in the description only when ``show_exception`` is
    set, which Flask does in debug mode.
    """

    _description = BadRequest.description
    show_exception = False

    def __init__(self, arg: object = None, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        if arg is None:
            KeyError.__init__(self)
        else:
            KeyError.__init__(self, arg)

    @property  # type: ignore[override]
    def description(self) -> str:
        if self.show_exception:
            return f"{self._description}\n{KeyError.__name__}: {KeyError.__str__(self)}"
        return self._description

    @description.setter
    def description(self, value: str) -> None:
        self._description = value

    def __str__(self) -> str:
        return HTTPException.__str__(self)


class Unauthorized(HTTPException):
    """401: credentials are missing or wrong; optional ``WWW-Authenticate`` values."""

    code = 401
    description = (
        "The server could not verify that you are authorized to access the URL requested."
        " You either supplied the wrong credentials (e.g. a bad password), or your browser"
        " doesn't understand how to supply the credentials required."
    )

    def __init__(
        self,
        description: str | None = None,
        response: Response | None = None,
        www_authenticate: str | t.Iterable[str] | None = None,
        **kwargs: t.Any,
    ) -> None:
        super().__init__(description, response, **kwargs)
        if isinstance(www_authenticate, str):
            www_authenticate = (www_authenticate,)
        self.www_authenticate = list(www_authenticate or ())

    def get_headers(self, environ: t.Any = None, scope: t.Any = None) -> list[tuple[str, str]]:
        headers = super().get_headers(environ, scope)
        headers.extend(("WWW-Authenticate", str(v)) for v in self.www_authenticate)
        return headers


class Forbidden(HTTPException):
    """403: the client may not access this resource."""

    code = 403
    description = (
        "You don't have the permission to access the requested resource. It is either"
        " read-protected or not readable by the server."
    )


class NotFound(HTTPException):
    """404: no route matched the URL."""

    code = 404
    description = (
        "The requested URL was not found on the server. If you entered the URL manually"
        " please check your spelling and try again."
    )


class MethodNotAllowed(HTTPException):
    """405: the URL exists but not for this method; sends ``Allow``."""

    code = 405
    description = "The method is not allowed for the requested URL."

    def __init__(
        self,
        valid_methods: t.Iterable[str] | None = None,
        description: str | None = None,
        response: Response | None = None,
        **kwargs: t.Any,
    ) -> None:
        super().__init__(description=description, response=response, **kwargs)
        self.valid_methods = list(valid_methods) if valid_methods is not None else None

    def get_headers(self, environ: t.Any = None, scope: t.Any = None) -> list[tuple[str, str]]:
        headers = super().get_headers(environ, scope)
        if self.valid_methods:
            headers.append(("Allow", ", ".join(self.valid_methods)))
        return headers


class NotAcceptable(HTTPException):
    """406: no representation matches the Accept headers."""

    code = 406
    description = (
        "The resource identified by the request is only capable of generating response"
        " entities which have content characteristics not acceptable according to the"
        " accept headers sent in the request."
    )


class RequestTimeout(HTTPException):
    """408: the client took too long to send the request."""

    code = 408
    description = (
        "The server closed the network connection because the browser didn't finish the"
        " request within the specified time."
    )


class Conflict(HTTPException):
    """409: the request conflicts with the resource's current state."""

    code = 409
    description = (
        "A conflict happened while processing the request. The resource might have been"
        " modified while the request was being processed."
    )


class Gone(HTTPException):
    """410: the resource is permanently gone."""

    code = 410
    description = (
        "The requested URL is no longer available on this server and there is no"
        " forwarding address. If you followed a link from a foreign page, please contact"
        " the author of this page."
    )


class LengthRequired(HTTPException):
    """411: a Content-Length is required."""

    code = 411
    description = "A request with this method requires a valid <code>Content-Length</code> header."


class PreconditionFailed(HTTPException):
    """412: an If-Match / If-Unmodified-Since precondition failed."""

    code = 412
    description = "The precondition on the request for the URL failed positive evaluation."


class RequestEntityTooLarge(HTTPException):
    """413: the body exceeds ``MAX_CONTENT_LENGTH`` (or a form limit)."""

    code = 413
    description = "The data value transmitted exceeds the capacity limit."


class RequestURITooLarge(HTTPException):
    """414: the URL is too long."""

    code = 414
    description = (
        "The length of the requested URL exceeds the capacity limit for this server. The"
        " request cannot be processed."
    )


class UnsupportedMediaType(HTTPException):
    """415: the body's media type is not supported (e.g. JSON expected)."""

    code = 415
    description = "The server does not support the media type transmitted in the request."


class RequestedRangeNotSatisfiable(HTTPException):
    """416: the Range cannot be served; sends ``Content-Range: bytes */<length>``."""

    code = 416
    description = "The server cannot provide the requested range."

    def __init__(
        self,
        length: int | None = None,
        units: str = "bytes",
        description: str | None = None,
        response: Response | None = None,
        **kwargs: t.Any,
    ) -> None:
        super().__init__(description=description, response=response, **kwargs)
        self.length = length
        self.units = units

    def get_headers(self, environ: t.Any = None, scope: t.Any = None) -> list[tuple[str, str]]:
        headers = super().get_headers(environ, scope)
        if self.length is not None:
            headers.append(("Content-Range", f"{self.units} */{self.length}"))
        return headers


class ExpectationFailed(HTTPException):
    """417: the Expect header cannot be met."""

    code = 417
    description = "The server could not meet the requirements of the Expect header"


class ImATeapot(HTTPException):
    """418: RFC 2324."""

    code = 418
    description = "This server is a teapot, not a coffee machine"


class MisdirectedRequest(HTTPException):
    """421: the request reached a server that cannot answer it."""

    code = 421
    description = "The server is not able to produce a response."


class UnprocessableEntity(HTTPException):
    """422: well-formed but semantically invalid."""

    code = 422
    description = (
        "The request was well-formed but was unable to be followed due to semantic errors."
    )


class Locked(HTTPException):
    """423: the resource is locked."""

    code = 423
    description = "The resource that is being accessed is locked."


class FailedDependency(HTTPException):
    """424: an action this one depended on failed."""

    code = 424
    description = (
        "The method could not be performed on the resource because the requested action"
        " depended on another action and that action failed."
    )


class PreconditionRequired(HTTPException):
    """428: the request must be conditional."""

    code = 428
    description = (
        'This request is required to be conditional; try using "If-Match" or'
        ' "If-Unmodified-Since".'
    )


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


class TooManyRequests(_RetryAfter):
    """429: rate limited."""

    code = 429
    description = "This user has exceeded an allotted request count. Try again later."


class RequestHeaderFieldsTooLarge(HTTPException):
    """431: request headers too large."""

    code = 431
    description = "One or more header fields exceeds the maximum size."


class UnavailableForLegalReasons(HTTPException):
    """451: unavailable for legal reasons."""

    code = 451
    description = "Unavailable for legal reasons."


class InternalServerError(HTTPException):
    """500: an unhandled error; ``original_exception`` is the error that caused it."""

    code = 500
    description = (
        "The server encountered an internal error and was unable to complete your request."
        " Either the server is overloaded or there is an error in the application."
    )

    def __init__(
        self,
        description: str | None = None,
        response: Response | None = None,
        original_exception: BaseException | None = None,
        **kwargs: t.Any,
    ) -> None:
        self.original_exception = original_exception
        super().__init__(description, response, **kwargs)


class NotImplemented(HTTPException):  # noqa: A001 - Werkzeug's name
    """501: the server does not support the action."""

    code = 501
    description = "The server does not support the action requested by the browser."


class BadGateway(HTTPException):
    """502: bad upstream response."""

    code = 502
    description = "The proxy server received an invalid response from an upstream server."


class ServiceUnavailable(_RetryAfter):
    """503: temporarily unavailable."""

    code = 503
    description = (
        "The server is temporarily unable to service your request due to maintenance"
        " downtime or capacity problems. Please try again later."
    )


class GatewayTimeout(HTTPException):
    """504: upstream timed out."""

    code = 504
    description = "The connection to an upstream server timed out."


class HTTPVersionNotSupported(HTTPException):
    """505: HTTP version not supported."""

    code = 505
    description = "The server does not support the HTTP protocol version used in the request."


class ValidationError(UnprocessableEntity):
    """Request validation error (422); ``errors`` lists what failed."""

    def __init__(self, errors: t.Any = None, description: str | None = None, **kwargs: t.Any):
        super().__init__(description, **kwargs)
        self.errors = errors if errors is not None else []

    @property
    def detail(self) -> t.Any:
        return self.errors or self.description


class RequestValidationError(ValidationError):
    """Framework-level validation failure of path/query/header/body parameters (422)."""


class WebSocketRequestValidationError(RequestValidationError):
    """A WebSocket dependency failed validation; the socket closes with 1008."""


class WebSocketDisconnect(Exception):
    """The WebSocket peer closed the connection."""

    def __init__(self, code: int = 1000, reason: str | None = None) -> None:
        super().__init__(code, reason)
        self.code = code
        self.reason = reason or ""


class WebSocketException(Exception):
    """Raise in a WebSocket handler to close with ``code`` and ``reason``."""

    def __init__(self, code: int = 1008, reason: str | None = None) -> None:
        super().__init__(code, reason)
        self.code = code
        self.reason = reason or ""


class RoutingException(Exception):
    """Base of the exceptions the router raises to change the flow of a request."""


class RequestRedirect(HTTPException, RoutingException):
    """308 to the canonical URL (e.g. the trailing-slash form of a rule)."""

    code = 308

    def __init__(self, new_url: str) -> None:
        super().__init__(new_url)
        self.new_url = new_url

    def get_response(self, environ: t.Any = None, scope: t.Any = None) -> Response:
        from veloce.core.response import redirect

        return redirect(self.new_url, self.code)


class BuildError(RoutingException, LookupError):
    """``url_for`` could not build a URL for ``endpoint`` with ``values``.

    Flask parity: the message names the endpoint and, where it can, what was missing
    or a close match. ``suggested`` is a rule for the same endpoint that could be built
    with other values, when one exists.
    """

    def __init__(
        self,
        endpoint: str,
        values: t.Mapping[str, t.Any],
        method: str | None,
        adapter: t.Any = None,
        *,
        suggestion: str | None = None,
    ) -> None:
        super().__init__(endpoint, values, method)
        self.endpoint = endpoint
        self.values = values
        self.method = method
        self.adapter = adapter
        self.suggestion = suggestion

    def __str__(self) -> str:
        message = [f"Could not build url for endpoint {self.endpoint!r}"]
        if self.method:
            message.append(f" ({self.method!r})")
        if self.values:
            message.append(f" with values {sorted(self.values)!r}")
        message.append(".")
        if self.suggestion:
            message.append(f" {self.suggestion}")
        return "".join(message)


default_exceptions: dict[int, type[HTTPException]] = {}


def _collect(namespace: dict[str, t.Any]) -> None:
    for obj in namespace.values():
        if (
            isinstance(obj, type)
            and issubclass(obj, HTTPException)
            and obj.code
            and obj.__name__ not in {"RequestRedirect"}
            and not issubclass(obj, (BadRequestKeyError, ValidationError))
            and obj.code not in default_exceptions
        ):
            default_exceptions[obj.code] = obj


_collect(globals())
# The first subclass per code wins above; make sure the canonical ones are chosen.
default_exceptions[400] = BadRequest


class Aborter:
    """Raise the HTTPException for a status code; ``app.aborter`` is one of these.

    Subclass, or pass ``extra`` / mutate ``mapping``, to map more codes.
    """

    def __init__(
        self,
        mapping: dict[int, type[HTTPException]] | None = None,
        extra: dict[int, type[HTTPException]] | None = None,
    ) -> None:
        self.mapping = dict(default_exceptions if mapping is None else mapping)
        if extra is not None:
            self.mapping.update(extra)

    @property
    def _mapping(self) -> dict[int, type[HTTPException]]:
        return self.mapping

    def __call__(self, code: int | Response, *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
        """Raise for ``code``; a Response is raised wrapped, as-is.

        Flask parity: an unknown code raises ``LookupError``.
        """
        if not isinstance(code, int):
            raise HTTPException(response=code)
        if code not in self.mapping:
            raise LookupError(f"no exception for {code!r}")
        raise self.mapping[code](*args, **kwargs)


_default_aborter = Aborter()


def abort(code: int | Response, *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
    """Raise the HTTPException for ``code`` (``abort(404)``, ``abort(403, "why")``).

    Inside an app context the app's ``aborter`` is used, so custom codes registered
    on it work. ``abort(response)`` raises an HTTPException that sends ``response``.
    """
    from veloce.core.context import current_app_or_none

    app = current_app_or_none()
    aborter = getattr(app, "aborter", None) if app is not None else None
    (aborter or _default_aborter)(code, *args, **kwargs)
    raise AssertionError("unreachable")  # pragma: no cover - Aborter always raises

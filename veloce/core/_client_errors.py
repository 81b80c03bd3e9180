"""The 4xx HTTPException classes, plus the 422 request-validation errors.

Werkzeug's class names, codes and descriptions, one class per status. Separate from
the 5xx classes and from :class:`HTTPException` itself only to keep each module short;
import the names from :mod:`veloce.core.exceptions`, which is their public home.
"""

from __future__ import annotations

import typing as t

from veloce.core._httpexception import HTTPException, _RetryAfter

if t.TYPE_CHECKING:
    from veloce.core.response import Response

__all__ = [
    "BadHost",
    "BadRequest",
    "BadRequestKeyError",
    "ClientDisconnected",
    "Conflict",
    "ExpectationFailed",
    "FailedDependency",
    "Forbidden",
    "Gone",
    "ImATeapot",
    "LengthRequired",
    "Locked",
    "MethodNotAllowed",
    "MisdirectedRequest",
    "NotAcceptable",
    "NotFound",
    "PreconditionFailed",
    "PreconditionRequired",
    "RequestEntityTooLarge",
    "RequestHeaderFieldsTooLarge",
    "RequestTimeout",
    "RequestURITooLarge",
    "RequestValidationError",
    "RequestedRangeNotSatisfiable",
    "SecurityError",
    "TooManyRequests",
    "UnavailableForLegalReasons",
    "Unauthorized",
    "UnprocessableEntity",
    "UnsupportedMediaType",
    "ValidationError",
    "WebSocketRequestValidationError",
]


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

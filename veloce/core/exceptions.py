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

from veloce.core import _client_errors, _server_errors
from veloce.core._client_errors import (
    BadHost,
    BadRequest,
    BadRequestKeyError,
    ClientDisconnected,
    Conflict,
    ExpectationFailed,
    FailedDependency,
    Forbidden,
    Gone,
    ImATeapot,
    LengthRequired,
    Locked,
    MethodNotAllowed,
    MisdirectedRequest,
    NotAcceptable,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    RequestedRangeNotSatisfiable,
    RequestEntityTooLarge,
    RequestHeaderFieldsTooLarge,
    RequestTimeout,
    RequestURITooLarge,
    RequestValidationError,
    SecurityError,
    TooManyRequests,
    Unauthorized,
    UnavailableForLegalReasons,
    UnprocessableEntity,
    UnsupportedMediaType,
    ValidationError,
    WebSocketRequestValidationError,
)
from veloce.core._httpexception import HTTPException, json_error_body
from veloce.core._routing_exceptions import BuildError, RequestRedirect, RoutingException
from veloce.core._server_errors import (
    BadGateway,
    GatewayTimeout,
    HTTPVersionNotSupported,
    InternalServerError,
    NotImplemented,
    ServiceUnavailable,
)
from veloce.core._ws_exceptions import WebSocketDisconnect, WebSocketException

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


default_exceptions: dict[int, type[HTTPException]] = {}


def _collect(*modules: t.Any) -> None:
    for obj in (obj for module in modules for obj in vars(module).values()):
        if (
            isinstance(obj, type)
            and issubclass(obj, HTTPException)
            and obj.code
            and obj.__name__ not in {"RequestRedirect"}
            and not issubclass(obj, (BadRequestKeyError, ValidationError))
            and obj.code not in default_exceptions
        ):
            default_exceptions[obj.code] = obj


_collect(_client_errors, _server_errors)
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


# The classes (and ``json_error_body``) are defined in private modules, but this is their
# public home: pickling, tracebacks and the debug page name ``veloce.core.exceptions.<Name>``.
for _name in __all__:
    _obj = globals()[_name]
    if callable(_obj):
        _obj.__module__ = __name__
del _name, _obj

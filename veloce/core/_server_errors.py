"""The 5xx HTTPException classes (Werkzeug's names, codes and descriptions).

Import them from :mod:`veloce.core.exceptions`, their public home; this private
module only keeps the exception tree in modules of a readable size.
"""

from __future__ import annotations

import typing as t

from veloce.core._httpexception import HTTPException, _RetryAfter

if t.TYPE_CHECKING:
    from veloce.core.response import Response

__all__ = [
    "BadGateway",
    "GatewayTimeout",
    "HTTPVersionNotSupported",
    "InternalServerError",
    "NotImplemented",
    "ServiceUnavailable",
]


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

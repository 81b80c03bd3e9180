"""The exceptions the router raises to change a request's flow or to refuse a build.

``RequestRedirect`` (the strict-slash 308) and ``BuildError`` (``url_for`` failed) are
routing outcomes rather than plain HTTP errors, as in Werkzeug's ``routing`` package.
Import them from :mod:`veloce.core.exceptions`.
"""

from __future__ import annotations

import typing as t

from veloce.core._httpexception import HTTPException

if t.TYPE_CHECKING:
    from veloce.core.response import Response

__all__ = ["BuildError", "RequestRedirect", "RoutingException"]


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

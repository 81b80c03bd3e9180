"""``flask.wrappers``: Request and Response with Flask's defaults.

The native Request exposes ``json`` as an async method (the spec's shape); Flask's is
a property equal to ``get_json()``. The native Response defaults ``set_cookie`` to
``SameSite=Lax``; Flask's sets no SameSite attribute unless asked, and its default
mimetype is ``text/html`` (Werkzeug's is ``text/plain``).
"""

from __future__ import annotations

from veloce.compat.werkzeug.wrappers import Request as _WerkzeugRequest
from veloce.compat.werkzeug.wrappers import Response as _WerkzeugResponse
from veloce.core.exceptions import BadRequest, HTTPException

__all__ = ["BadRequest", "HTTPException", "Request", "Response"]


class Request(_WerkzeugRequest):
    """Flask's request class."""

    __slots__ = ()


class Response(_WerkzeugResponse):
    """Flask's response class: ``text/html`` by default."""

    default_mimetype = "text/html"

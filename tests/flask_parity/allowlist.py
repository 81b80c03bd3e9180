"""Parity cases allowed to differ from Flask, each with the reason.

Keys are ``"<area>::<case id>"``. Every entry must also appear (by key) in the
"Parity allowlist" section of ``migration-guide/differences.md``; a test checks both
ways. An entry is a debt, not a feature: the parity test marks allowlisted cases as
strict xfail, so once Veloce answers like Flask the entry must be removed.

Only differences that follow from a documented design choice belong here. A
difference that is a bug gets fixed, not listed.
"""

from __future__ import annotations

__all__ = ["ALLOWED"]

_ASGI_REASON = (
    "ASGI's http.response.start carries only the status code, so a custom reason phrase"
    " set on the response cannot reach the client; it sees the standard phrase"
    " (or UNKNOWN)."
)

ALLOWED: dict[str, str] = {
    "bodies::too_large_body_not_read": (
        "The body is read before dispatch, so a body over MAX_CONTENT_LENGTH is a 413"
        " even when the view never reads it (differences.md, Behaviour)."
    ),
    "responses::return_wsgi_callable": (
        "No WSGI in the request path: returning a WSGI callable from a view is a"
        " TypeError (differences.md, Behaviour)."
    ),
    "responses::return_tuple_status_custom_text": _ASGI_REASON,
    "responses::response_status_str": _ASGI_REASON,
    "bodies::multipart_malformed_body": (
        "A malformed multipart body is a 400 Bad Request (issue 7's acceptance: malformed"
        " multipart -> 400, never a 500); Werkzeug silently parses it as an empty form."
    ),
    "request_attrs::headers_missing_is_400": (
        "request.headers['X-Missing'] raises BadRequestKeyError (a KeyError and a 400),"
        " like request.args/form; Werkzeug's EnvironHeaders raises a plain KeyError that"
        " becomes a 500. Bad client input never produces a 500 in Veloce."
    ),
    "request_attrs::user_agent_test_client_default": (
        "The test client identifies itself as 'Veloce-TestClient/<version>', not"
        " 'Werkzeug/<version>'."
    ),
}

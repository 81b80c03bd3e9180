"""Turn a test-client response into a framework-neutral, JSON-serialisable record.

Only what a Flask user observes is kept, in a form where equal behaviour gives equal
records: the status, the body (JSON parsed unless a case asks for the raw text), and
the headers listed in :data:`RECORDED_HEADERS` plus any ``X-*`` header. Values that
legitimately vary between two runs are reduced to what they mean: ``Expires`` becomes
its distance from the request time, ``ETag``/``Last-Modified`` become presence flags,
signed session cookies become what they decode to.

This module is imported by the runner *before* the framework under test, so it must
not import flask, werkzeug or veloce.
"""

from __future__ import annotations

import base64
import email.utils
import json
import typing as t

__all__ = [
    "RECORDED_HEADERS",
    "SessionCodec",
    "normalize_body",
    "normalize_exception",
    "normalize_headers",
    "parse_set_cookie",
]

#: Headers compared verbatim (lower-case names). Header *names* are compared
#: case-insensitively: HTTP says so, and ASGI lower-cases them on the wire.
RECORDED_HEADERS = (
    "content-type",
    "content-length",
    "location",
    "vary",
    "cache-control",
    "content-range",
    "content-disposition",
    "content-encoding",
    "content-language",
    "accept-ranges",
    "www-authenticate",
    "retry-after",
    "transfer-encoding",
    "access-control-allow-origin",
)

#: Headers whose value is a comma-separated set (order carries no meaning).
SET_HEADERS = ("allow",)

#: Headers compared by presence only (their value depends on time or hashing).
PRESENCE_HEADERS = ("etag", "last-modified", "expires", "date")

_EPOCH_YEAR = 1970

#: ``(session cookie name, value -> decoded data)``.
SessionCodec = tuple[str, t.Callable[[str], t.Any]]


def _header_items(headers: t.Any) -> list[tuple[str, str]]:
    """(name, value) pairs from a Werkzeug or Veloce ``Headers``."""
    return [(str(name), str(value)) for name, value in headers.items()]


def normalize_headers(
    headers: t.Any,
    *,
    sent_at: float,
    extra: t.Iterable[str] = (),
    session: SessionCodec | None = None,
) -> dict[str, t.Any]:
    """The observable headers of a response.

    Args:
        headers: The response's ``Headers``.
        sent_at: ``time.time()`` just before the request, the origin for ``Expires``.
        extra: More header names to record verbatim (a case's ``"headers"``).
        session: ``(cookie_name, decode)`` for the app's signed session cookie, whose
            value is then recorded as what it decodes to; None keeps values as sent.
    """
    items = _header_items(headers)
    wanted = {*RECORDED_HEADERS, *(name.lower() for name in extra)}
    record: dict[str, t.Any] = {}
    for name, value in items:
        key = name.lower()
        if key in wanted or key.startswith("x-"):
            record.setdefault(key, []).append(value)
        elif key in SET_HEADERS:
            tokens = {token.strip() for token in value.split(",") if token.strip()}
            record[key] = sorted({*record.get(key, []), *tokens})
        elif key in PRESENCE_HEADERS:
            record[key] = "weak" if value.startswith("W/") else "present"
        elif key == "set-cookie":
            record.setdefault(key, []).append(
                parse_set_cookie(value, sent_at=sent_at, session=session)
            )
    for key, value in list(record.items()):
        if isinstance(value, list) and len(value) == 1 and key not in ("set-cookie", *SET_HEADERS):
            record[key] = value[0]
    return record


def _expires(value: str, sent_at: float) -> dict[str, t.Any]:
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return {"unparsable": value}
    if when.year <= _EPOCH_YEAR:
        return {"exact": value}
    # A relative form, so max_age-derived dates compare across runs; the comparer
    # allows a few seconds of drift (see harness.reconcile).
    return {"delta": round(when.timestamp() - sent_at), "format_ok": value.endswith(" GMT")}


def parse_set_cookie(
    header: str,
    *,
    sent_at: float,
    session: SessionCodec | None = None,
) -> dict[str, t.Any]:
    """One ``Set-Cookie`` value as ``{"name", "value", "attrs", "order"}``.

    ``attrs`` keys are lower-cased (``Max-Age`` -> ``max-age``) and flags map to True;
    ``order`` lists the attribute names as spelled in the header, in header order.
    """
    first, *rest = header.split(";")
    name, _, value = first.strip().partition("=")
    attrs: dict[str, t.Any] = {}
    spelled: list[str] = []
    for part in rest:
        key, eq, attr_value = part.strip().partition("=")
        if not key:
            continue
        spelled.append(key)
        key = key.lower()
        if key == "expires":
            attrs[key] = _expires(attr_value, sent_at)
        else:
            attrs[key] = attr_value if eq else True
    # Attribute order and spelling too: tests often assert the raw header string.
    cookie: dict[str, t.Any] = {"name": name, "value": value, "attrs": attrs, "order": spelled}
    if session is not None and name == session[0] and value:
        try:
            cookie["value"] = {"decoded": session[1](value)}
        except Exception as exc:
            cookie["value"] = {"undecodable": type(exc).__name__, "raw_length": len(value)}
    return cookie


def _is_json_mimetype(content_type: str | None) -> bool:
    if not content_type:
        return False
    mimetype = content_type.split(";", 1)[0].strip().lower()
    return mimetype == "application/json" or (
        mimetype.startswith("application/") and mimetype.endswith("+json")
    )


def normalize_body(data: bytes, content_type: str | None, *, raw: bool = False) -> dict[str, t.Any]:
    """``{"json": parsed}``, ``{"text": str}`` or ``{"base64": str}``.

    JSON bodies are compared parsed (whitespace and key order aside) unless ``raw``.
    """
    if not raw and _is_json_mimetype(content_type):
        try:
            return {"json": json.loads(data)}
        except ValueError:
            pass
    try:
        return {"text": data.decode("utf-8")}
    except UnicodeDecodeError:
        return {"base64": base64.b64encode(data).decode("ascii")}


def normalize_exception(exc: BaseException) -> dict[str, t.Any]:
    """An exception that escaped the test client: its type name and message."""
    return {"type": type(exc).__name__, "message": str(exc)}

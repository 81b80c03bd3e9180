"""Message flashing: record a message now, show it on the next page.

Messages live in the session under ``"_flashes"`` as a list of ``(category,
message)`` tuples — Flask's storage, so flashes survive a Flask <-> Veloce switch in
the middle of a redirect. Reading them removes them from the session; the request
context keeps the list, so every call in the same request sees the same messages.

Flask parity: ``flask.flash`` / ``flask.get_flashed_messages``.
"""

from __future__ import annotations

import typing as t
from collections.abc import Container

from veloce.core.context import _cv_ctx
from veloce.globals import _no_req_msg
from veloce.signals import message_flashed, send

__all__ = ["flash", "get_flashed_messages"]


def _request_ctx() -> t.Any:
    ctx = _cv_ctx.get(None)
    if ctx is None or ctx.request is None:
        raise RuntimeError(_no_req_msg)
    # An app context pushed inside a request shares that request's state (session,
    # flashes cache) through its owner, the request context. A context object
    # without ``_owner`` (a stand-in) is taken as its own owner.
    return getattr(ctx, "_owner", ctx)


def flash(message: str, category: str = "message") -> None:
    """Flash a message for the next request (stored in the session).

    Usage::

        flash("Item created successfully")
        flash("Invalid input", "error")

    Args:
        message: The text to show.
        category: Any string; ``"message"``, ``"error"``, ``"info"`` and
            ``"warning"`` are the customary ones.

    Raises:
        RuntimeError: outside a request, or (through the null session) when no
            ``SECRET_KEY`` is set.
    """
    ctx = _request_ctx()
    session = ctx.session
    # Re-assign rather than append in place, so the session sees the change even
    # when it only watches its own keys (or stores data out of process).
    flashes = session.get("_flashes", [])
    flashes.append((category, message))
    session["_flashes"] = flashes
    if message_flashed.receivers:
        send(message_flashed, ctx.app, message=message, category=category)


def get_flashed_messages(
    with_categories: bool = False, category_filter: t.Iterable[str] | None = ()
) -> list[t.Any]:
    """Take the flashed messages out of the session; call it in templates.

    Repeated calls in one request return the same messages.

    Usage::

        messages = get_flashed_messages()
        messages = get_flashed_messages(with_categories=True)

    Args:
        with_categories: Return ``(category, message)`` tuples instead of messages.
        category_filter: Only messages in these categories (empty or ``None``: all).

    Raises:
        RuntimeError: outside a request.
    """
    ctx = _request_ctx()
    flashes = getattr(ctx, "flashes", None)
    if flashes is None:
        session = ctx.session
        flashes = session.pop("_flashes") if "_flashes" in session else []
        ctx.flashes = flashes
    if category_filter:
        # Membership like Flask's ``in category_filter`` (a str filter is a substring
        # test there too); a one-shot iterable is materialised first.
        wanted = (
            category_filter if isinstance(category_filter, Container) else list(category_filter)
        )
        flashes = [item for item in flashes if item[0] in wanted]
    if with_categories:
        return list(flashes)
    return [item[1] for item in flashes]

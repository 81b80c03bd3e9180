"""Turning a view's return value into a response: Flask 3.1's ``make_response`` table.

The app layer calls :func:`make_response_from` with its ``response_class`` and its JSON
provider's ``response``; nothing here knows about apps or contexts.
"""

from __future__ import annotations

import collections.abc as cabc
import typing as t

from veloce.core.headers import Headers
from veloce.core.response import Response

__all__ = ["make_response_from"]

_BAD_TUPLE = (
    "The view function did not return a valid response tuple."
    " The tuple must have the form (body, status, headers),"
    " (body, status), or (body, headers)."
)
_BAD_TYPE = (
    "The view function did not return a valid"
    " response. The return type must be a string,"
    " dict, list, tuple with headers or status,"
    " Response instance, or WSGI callable, but it was a"
    " {}."
)


def make_response_from(
    rv: t.Any,
    *,
    response_class: type[Response],
    json_response: t.Callable[[t.Any], Response],
    view_name: str | None = None,
) -> Response:
    """Coerce a view's return value into an instance of ``response_class``.

    Flask parity: ``Flask.make_response`` exactly —

    - ``str``/``bytes``/``bytearray`` and (async) iterators become the body of a new
      ``response_class``, which also receives the tuple's status and headers;
    - ``dict``/``list`` go through ``json_response`` (``app.json.response``);
    - a response is used as is;
    - ``(body, status, headers)``, ``(body, status)`` and ``(body, headers)`` tuples
      unpack (a 2-tuple whose second item is a Headers/dict/tuple/list is headers);
      the status then overrides the response's and the headers extend its own
      (``Headers.update``).

    Difference: a Veloce response of another class is used as is rather than being
    converted to ``response_class``; a WSGI callable is rejected (Flask would run it).

    Args:
        rv: The view's return value.
        response_class: Class for new responses.
        json_response: Builds the response for a dict or list.
        view_name: Endpoint named in the error for ``None``.

    Raises:
        TypeError: ``None``, a tuple of the wrong length, or an unsupported type,
            with Flask's messages.
    """
    status = None
    headers = None

    if isinstance(rv, tuple):
        size = len(rv)
        if size == 3:
            rv, status, headers = rv
        elif size == 2:
            if isinstance(rv[1], (Headers, dict, tuple, list)):
                rv, headers = rv
            else:
                rv, status = rv
        else:
            raise TypeError(_BAD_TUPLE)

    if rv is None:
        raise TypeError(
            f"The view function for {view_name!r} did not"
            " return a valid response. The function either returned"
            " None or ended without a return statement."
        )

    if not isinstance(rv, response_class):
        if isinstance(rv, (str, bytes, bytearray)) or isinstance(
            rv, (cabc.Iterator, cabc.AsyncIterator)
        ):
            # The class applies status and headers itself (it may special-case them).
            return response_class(rv, status=status, headers=headers)
        if isinstance(rv, (dict, list)):
            rv = json_response(rv)
        elif not isinstance(rv, Response):
            raise TypeError(_BAD_TYPE.format(type(rv).__name__))

    if status is not None:
        if isinstance(status, (str, bytes, bytearray)):
            rv.status = status
        else:
            rv.status_code = status

    if headers:
        rv.headers.update(headers)

    return rv  # type: ignore[no-any-return]

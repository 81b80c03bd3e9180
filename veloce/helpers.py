"""Request-time helpers with Flask's names: ``url_for``, ``redirect``, ``make_response``...

They find the current app through the context, so views and templates call them
without holding the app.
"""

from __future__ import annotations

import typing as t

from veloce.core.context import _cv_ctx
from veloce.core.exceptions import abort
from veloce.core.response import redirect as _redirect

if t.TYPE_CHECKING:
    from veloce.core.response import Response

__all__ = ["abort", "get_debug_flag", "make_response", "redirect", "url_for"]


def _current_app() -> t.Any:
    ctx = _cv_ctx.get(None)
    return None if ctx is None else ctx.app


def url_for(
    endpoint: str,
    *,
    _anchor: str | None = None,
    _method: str | None = None,
    _scheme: str | None = None,
    _external: bool | None = None,
    **values: t.Any,
) -> str:
    """Build a URL for ``endpoint`` with the current app (see ``Veloce.url_for``)."""
    app = _current_app()
    if app is None:
        from veloce.globals import _no_app_msg

        raise RuntimeError(_no_app_msg)
    return app.url_for(  # type: ignore[no-any-return]
        endpoint, _anchor=_anchor, _method=_method, _scheme=_scheme, _external=_external, **values
    )


def redirect(location: str, code: int = 302, Response: type[Response] | None = None) -> Response:  # noqa: N803
    """A redirect response; Werkzeug's body, the current app's response class.

    Flask parity: inside an app context the app's ``response_class`` is used unless
    one is passed.
    """
    if Response is None:
        app = _current_app()
        if app is not None:
            return app.redirect(location, code)  # type: ignore[no-any-return]
    return _redirect(location, code, Response)


def make_response(*args: t.Any, **kwargs: t.Any) -> Response:
    """Turn view-style return values into a response object you can modify.

    Flask parity: ``make_response()`` is an empty response, ``make_response(rv)``
    and ``make_response(body, status, headers)`` follow the view return-value table.
    The spec's keywords ``status_code``, ``headers`` and ``content_type`` are
    accepted too.
    """
    app = _current_app()
    if app is None:
        from veloce.globals import _no_app_msg

        raise RuntimeError(_no_app_msg)
    status_code = kwargs.pop("status_code", None)
    headers = kwargs.pop("headers", None)
    content_type = kwargs.pop("content_type", None)
    if kwargs:
        raise TypeError(f"make_response() got unexpected keyword arguments {sorted(kwargs)}")
    if not args:
        response = app.response_class()
    else:
        rv: t.Any = args[0] if len(args) == 1 else args
        response = app.make_response(rv)
    if status_code is not None:
        response.status_code = status_code
    if headers:
        response.headers.update(headers)
    if content_type is not None:
        response.headers["Content-Type"] = content_type
    return response  # type: ignore[no-any-return]


def get_debug_flag() -> bool:
    """Whether debug mode is requested by ``VELOCE_DEBUG`` or ``FLASK_DEBUG``."""
    import os

    val = os.environ.get("VELOCE_DEBUG") or os.environ.get("FLASK_DEBUG")
    return bool(val and val.lower() not in {"0", "false", "no"})

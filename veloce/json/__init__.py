"""JSON helpers bound to the current application's provider (``app.json``).

Flask parity: inside an app context each function delegates to ``app.json``, so an app
that swaps its provider changes them all. Outside one, ``dumps``/``dump``/``loads``/
``load`` behave like Flask's no-app fallback (the standard library with Flask's
``default``), and ``jsonify`` — which Flask refuses outside an app — uses a module-level
:class:`DefaultJSONProvider` instead.
"""

from __future__ import annotations

import json as _json
import typing as t

from veloce.core.context import current_app_or_none
from veloce.json.provider import DefaultJSONProvider, JSONProvider, _default

if t.TYPE_CHECKING:
    from veloce.core.response import Response

__all__ = ["DefaultJSONProvider", "JSONProvider", "dump", "dumps", "jsonify", "load", "loads"]

_default_provider = DefaultJSONProvider(None)


def dumps(obj: t.Any, **kwargs: t.Any) -> str:
    """Serialize ``obj`` as JSON with the current app's provider (``app.json.dumps``)."""
    app = current_app_or_none()
    if app is not None:
        return app.json.dumps(obj, **kwargs)  # type: ignore[no-any-return]
    kwargs.setdefault("default", _default)
    return _json.dumps(obj, **kwargs)


def dump(obj: t.Any, fp: t.IO[str], **kwargs: t.Any) -> None:
    """Serialize ``obj`` as JSON into the text file ``fp``."""
    app = current_app_or_none()
    if app is not None:
        app.json.dump(obj, fp, **kwargs)
        return
    kwargs.setdefault("default", _default)
    _json.dump(obj, fp, **kwargs)


def loads(s: str | bytes, **kwargs: t.Any) -> t.Any:
    """Deserialize JSON text or UTF-8 bytes with the current app's provider."""
    app = current_app_or_none()
    if app is not None:
        return app.json.loads(s, **kwargs)
    return _json.loads(s, **kwargs)


def load(fp: t.IO[t.AnyStr], **kwargs: t.Any) -> t.Any:
    """Deserialize JSON read from the file ``fp``."""
    app = current_app_or_none()
    if app is not None:
        return app.json.load(fp, **kwargs)
    return _json.load(fp, **kwargs)


def jsonify(*args: t.Any, **kwargs: t.Any) -> Response:
    """Serialize the arguments into an ``application/json`` response.

    Flask parity: calls ``app.json.response(*args, **kwargs)``; positional or keyword
    arguments, not both; nothing serializes ``null``; a trailing newline; indented in
    debug mode. Outside an app the module default provider is used (compact).
    """
    app = current_app_or_none()
    if app is not None:
        return app.json.response(*args, **kwargs)  # type: ignore[no-any-return]
    return _default_provider.response(*args, **kwargs)

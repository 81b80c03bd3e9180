"""The ``--native`` table: which Flask/Werkzeug names have a native Veloce equivalent.

Native targets are limited to Veloce's public top-level namespace (``veloce``) and
``veloce.signals``, so a migrated project depends only on names the API reference
documents. A name missing here stays on ``veloce.compat`` and the codemod says so.

Most entries are the *same object* the compat layer re-exports (``request``,
``url_for``, ``Blueprint``...): switching them changes nothing at run time. The
entries with ``same_object=False`` are native classes whose defaults differ from
Flask's (``Flask`` becomes ``Veloce``, ``Request``/``Response``, ``MethodView``); see
"Native defaults" in ``migration-guide/differences.md``. ``tests/test_migrate.py``
checks both claims against the real modules.
"""

from __future__ import annotations

import typing as t

__all__ = ["NATIVE_NAMES", "NativeName", "native_name"]


class NativeName(t.NamedTuple):
    """Where a Flask/Werkzeug name lives natively.

    Attributes:
        module: The native module (``veloce`` or ``veloce.signals``).
        name: The native name (differs from the Flask name only for ``Flask``/``FileStorage``).
        same_object: Whether the compat layer exports this very object; ``False``
            means the native one has Veloce's defaults.
    """

    module: str
    name: str
    same_object: bool = True


def _same(module: str, *names: str) -> dict[str, NativeName]:
    return {name: NativeName(module, name) for name in names}


_SIGNALS = _same(
    "veloce.signals",
    "Namespace",
    "appcontext_popped",
    "appcontext_pushed",
    "appcontext_tearing_down",
    "before_render_template",
    "got_request_exception",
    "message_flashed",
    "request_finished",
    "request_started",
    "request_tearing_down",
    "template_rendered",
)
_GLOBALS = _same("veloce", "current_app", "g", "request", "session")
_CTX = _same(
    "veloce",
    "after_this_request",
    "copy_current_request_context",
    "has_app_context",
    "has_request_context",
)
_HELPERS = _same(
    "veloce",
    "abort",
    "flash",
    "get_flashed_messages",
    "get_template_attribute",
    "make_response",
    "redirect",
    "send_file",
    "send_from_directory",
    "stream_with_context",
    "url_for",
)
_TEMPLATING = _same(
    "veloce",
    "render_template",
    "render_template_string",
    "stream_template",
    "stream_template_string",
)
_WRAPPERS = {
    "Request": NativeName("veloce", "Request", same_object=False),
    "Response": NativeName("veloce", "Response", same_object=False),
}
_FLASK = {"Flask": NativeName("veloce", "Veloce", same_object=False)}

#: Source module (Flask/Werkzeug spelling) -> imported name -> native location.
NATIVE_NAMES: dict[str, dict[str, NativeName]] = {
    "flask": {
        **_FLASK,
        **_same("veloce", "Blueprint", "Config", "jsonify"),
        **_GLOBALS,
        **_CTX,
        **_HELPERS,
        **_TEMPLATING,
        **_WRAPPERS,
        **{k: v for k, v in _SIGNALS.items() if k != "Namespace"},
    },
    "flask.app": dict(_FLASK),
    "flask.blueprints": _same("veloce", "Blueprint"),
    "flask.config": _same("veloce", "Config"),
    "flask.ctx": dict(_CTX),
    "flask.globals": dict(_GLOBALS),
    "flask.helpers": dict(_HELPERS),
    "flask.json": _same("veloce", "jsonify"),
    "flask.signals": dict(_SIGNALS),
    "flask.templating": dict(_TEMPLATING),
    "flask.views": {
        **_same("veloce", "View"),
        "MethodView": NativeName("veloce", "MethodView", same_object=False),
    },
    "flask.wrappers": dict(_WRAPPERS),
    "werkzeug.datastructures": {
        **_same("veloce", "Authorization", "Headers"),
        "FileStorage": NativeName("veloce", "UploadFile"),
    },
    "werkzeug.exceptions": _same("veloce", "HTTPException", "abort"),
    "werkzeug.routing": _same("veloce", "BuildError"),
    "werkzeug.security": _same("veloce", "safe_join"),
    "werkzeug.utils": _same("veloce", "secure_filename"),
    "werkzeug.wrappers": dict(_WRAPPERS),
}


def native_name(module: str, name: str) -> NativeName | None:
    """The native location of ``from <module> import <name>``, or ``None``."""
    return NATIVE_NAMES.get(module, {}).get(name)

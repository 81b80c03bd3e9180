"""``flask.views``: class-based views with Flask's behaviour.

``View`` and ``http_method_funcs`` are Veloce's own. ``MethodView`` differs in one
place: a verb that reaches the view with no method to handle it (``methods`` set by
hand) fails the way Flask's does, with ``AssertionError("Unimplemented method
'POST'")`` (a 500, or the exception itself under testing), where the native class
answers 405.
"""

from __future__ import annotations

import typing as t

from veloce.views import MethodView as _NativeMethodView
from veloce.views import View as View
from veloce.views import http_method_funcs as http_method_funcs

__all__ = ["MethodView", "View", "http_method_funcs"]


class MethodView(_NativeMethodView):
    """``flask.views.MethodView``: Veloce's MethodView with Flask's missing-verb error."""

    def unimplemented_method(self, method: str) -> t.NoReturn:
        """Raise Flask's ``AssertionError`` for a verb the class does not implement."""
        raise AssertionError(f"Unimplemented method {method!r}")

"""Small helpers with no home of their own: import strings and cached properties."""

from __future__ import annotations

import importlib
import sys
import typing as t

__all__ = ["import_string", "get_root_path"]


def import_string(import_name: str, silent: bool = False) -> t.Any:
    """Import ``"pkg.module:attr"`` or ``"pkg.module.attr"`` and return the object.

    With ``silent=True`` an ``ImportError`` returns ``None`` instead.
    """
    import_name = import_name.replace(":", ".")
    try:
        try:
            return importlib.import_module(import_name)
        except ImportError:
            if "." not in import_name:
                raise
        module_name, _, obj_name = import_name.rpartition(".")
        module = importlib.import_module(module_name)
        try:
            return getattr(module, obj_name)
        except AttributeError as e:
            raise ImportError(f"module {module_name!r} has no attribute {obj_name!r}") from e
    except ImportError:
        if not silent:
            raise
        return None


def get_root_path(import_name: str) -> str:
    """The directory of the module or package named ``import_name`` (Flask's rule).

    Falls back to the current working directory for ``__main__`` run interactively
    or a module that cannot be found.
    """
    import os

    mod = sys.modules.get(import_name)
    if mod is not None and getattr(mod, "__file__", None) is not None:
        return os.path.dirname(os.path.abspath(mod.__file__))  # type: ignore[type-var]
    try:
        import importlib.util

        spec = importlib.util.find_spec(import_name)
    except (ImportError, ValueError):
        spec = None
    if spec is None or spec.origin in (None, "namespace", "built-in", "frozen"):
        if spec is not None and spec.submodule_search_locations:
            return os.path.dirname(os.path.abspath(next(iter(spec.submodule_search_locations))))
        return os.getcwd()
    return os.path.dirname(os.path.abspath(spec.origin))

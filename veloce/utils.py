"""Small helpers with no home of their own: import strings and cached properties."""

from __future__ import annotations

import importlib
import sys
import typing as t

__all__ = ["ImportStringError", "find_instance_path", "get_root_path", "import_string"]


class ImportStringError(ImportError):
    """``import_string`` could not import ``import_name``; says how far it got.

    Flask parity: Werkzeug's class, attributes (``import_name``, ``exception``) and
    message layout.
    """

    def __init__(self, import_name: str, exception: BaseException) -> None:
        self.import_name = import_name
        self.exception = exception
        msg = import_name
        name = ""
        tracked: list[tuple[str, str | None]] = []
        for part in import_name.replace(":", ".").split("."):
            name = f"{name}.{part}" if name else part
            imported = import_string(name, silent=True)
            if imported:
                tracked.append((name, getattr(imported, "__file__", None)))
                continue
            lines = [f"- {n!r} found in {i!r}." for n, i in tracked]
            lines.append(f"- {name!r} not found.")
            debugged = "\n".join(lines)
            msg = (
                f"import_string() failed for {import_name!r}. Possible reasons are:\n\n"
                "- missing __init__.py in a package;\n"
                "- package or module path not included in sys.path;\n"
                "- duplicated package or module name taking precedence in sys.path;\n"
                "- missing module, class, function or variable;\n\n"
                f"Debugged import:\n\n{debugged}\n\n"
                f"Original exception:\n\n{type(exception).__name__}: {exception}"
            )
            break
        super().__init__(msg)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}({self.import_name!r}, {self.exception!r})>"


def import_string(import_name: str, silent: bool = False) -> t.Any:
    """Import ``"pkg.module:attr"`` or ``"pkg.module.attr"`` and return the object.

    Raises ``ImportStringError``; with ``silent=True`` returns ``None`` instead.
    """
    import_name = import_name.replace(":", ".")
    try:
        try:
            __import__(import_name)
        except ImportError:
            if "." not in import_name:
                raise
        else:
            return sys.modules[import_name]
        module_name, _, obj_name = import_name.rpartition(".")
        module = importlib.import_module(module_name)
        try:
            return getattr(module, obj_name)
        except AttributeError as e:
            raise ImportError(e) from None
    except ImportError as e:
        if not silent:
            raise ImportStringError(import_name, e).with_traceback(e.__traceback__) from None
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


def _package_path(import_name: str) -> str:
    """The directory containing the top-level package of ``import_name`` (Flask's rule)."""
    import importlib.util
    import os
    import pathlib

    root_name = import_name.partition(".")[0]
    try:
        root_spec = importlib.util.find_spec(root_name)
        if root_spec is None:
            raise ValueError("not found")
    except (ImportError, ValueError):
        return os.getcwd()
    locations = root_spec.submodule_search_locations
    if locations:
        if root_spec.origin is None or root_spec.origin == "namespace":
            package_spec = importlib.util.find_spec(import_name)
            if package_spec is not None and package_spec.submodule_search_locations:
                package_path = pathlib.Path(
                    os.path.commonpath(package_spec.submodule_search_locations)
                )
                search = next(
                    loc for loc in locations if package_path.is_relative_to(loc)
                )
            else:
                search = next(iter(locations))
            return os.path.dirname(search)
        return os.path.dirname(os.path.dirname(root_spec.origin))  # type: ignore[arg-type]
    return os.path.dirname(root_spec.origin)  # type: ignore[arg-type]


def find_instance_path(import_name: str, app_name: str) -> str:
    """Flask's default instance folder for an app defined in ``import_name``.

    ``instance/`` beside the top-level package or module, unless that lives in an
    installation prefix (the interpreter's or a ``site-packages``), in which case
    ``<prefix>/var/<app_name>-instance``.
    """
    import os
    import pathlib

    package_path = _package_path(import_name)
    py_prefix = os.path.abspath(sys.prefix)
    prefix: str | None = None
    if pathlib.PurePath(package_path).is_relative_to(py_prefix):
        prefix = py_prefix
    else:
        site_parent, site_folder = os.path.split(package_path)
        if site_folder.lower() == "site-packages":
            parent, folder = os.path.split(site_parent)
            if folder.lower() == "lib":
                prefix = parent
            elif os.path.basename(parent).lower() == "lib":
                prefix = os.path.dirname(parent)
            else:
                prefix = site_parent
    if prefix is None:
        return os.path.join(package_path, "instance")
    return os.path.join(prefix, "var", f"{app_name}-instance")

"""Make ``import flask`` and ``import werkzeug`` resolve to Veloce's compat modules.

``install()`` puts a meta-path finder first on ``sys.meta_path``. For ``flask`` and
``flask.<sub>`` it loads ``veloce.compat.flask[.<sub>]``; for ``werkzeug[.<sub>]`` it
loads ``veloce.compat.werkzeug[.<sub>]``; the module object is shared, so
``sys.modules["flask"] is sys.modules["veloce.compat.flask"]``. A submodule with no
compat mirror fails to import with ``ModuleNotFoundError`` naming the compat path,
rather than silently falling back to the real package.

Install it before anything imports the real packages: ``install()`` raises if they
are already imported (mixing both would give two incompatible ``request`` objects).
For a test suite, ``pytest -p veloce.compat.pytest_plugin`` (or
``PYTEST_PLUGINS=veloce.compat.pytest_plugin``) installs it before collection.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types
import typing as t

__all__ = ["ALIASES", "install", "installed", "uninstall"]

#: Top-level package name -> compat package that stands in for it.
ALIASES: dict[str, str] = {
    "flask": "veloce.compat.flask",
    "werkzeug": "veloce.compat.werkzeug",
}


class _AliasLoader(importlib.abc.Loader):
    """Hands the import system an already-imported compat module."""

    def __init__(self, target: str) -> None:
        self.target = target

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        return importlib.import_module(self.target)

    def exec_module(self, module: types.ModuleType) -> None:
        """Nothing to run: the compat module was executed under its own name."""


class CompatFinder(importlib.abc.MetaPathFinder):
    """Resolves ``flask[.x]`` / ``werkzeug[.x]`` to the compat modules."""

    def find_spec(
        self,
        fullname: str,
        path: t.Sequence[str] | None = None,
        target: types.ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        top, dot, rest = fullname.partition(".")
        base = ALIASES.get(top)
        if base is None:
            return None
        compat_name = f"{base}.{rest}" if dot else base
        if importlib.util.find_spec(compat_name) is None:
            raise ModuleNotFoundError(
                f"No module named {fullname!r}: Veloce's compat layer has no"
                f" {compat_name!r} (see migration-guide/differences.md)",
                name=fullname,
            )
        module = importlib.import_module(compat_name)
        spec = importlib.machinery.ModuleSpec(
            fullname,
            _AliasLoader(compat_name),
            is_package=hasattr(module, "__path__"),
        )
        return spec


_finder: CompatFinder | None = None


def installed() -> bool:
    """Whether the aliasing finder is active."""
    return _finder is not None and _finder in sys.meta_path


def install() -> None:
    """Alias ``flask`` and ``werkzeug`` to Veloce. Idempotent.

    Raises:
        RuntimeError: the real ``flask`` or ``werkzeug`` is already imported.
    """
    global _finder
    if installed():
        return
    for name in ALIASES:
        module = sys.modules.get(name)
        if module is not None and not module.__name__.startswith("veloce.compat"):
            raise RuntimeError(
                f"the real {name!r} package is already imported; call"
                " veloce.compat.install() before anything imports it"
            )
    _finder = CompatFinder()
    sys.meta_path.insert(0, _finder)


def uninstall() -> None:
    """Remove the finder and forget the aliased modules (not the compat ones)."""
    global _finder
    if _finder is not None and _finder in sys.meta_path:
        sys.meta_path.remove(_finder)
    _finder = None
    for name in list(sys.modules):
        if name.partition(".")[0] in ALIASES:
            del sys.modules[name]

"""Making ``import flask`` mean Veloce for the app the ``veloce`` command loads.

An unported project says ``from flask import Flask``. ``flask --app blog run`` served
it; for ``veloce --app blog run`` to serve the same code, ``flask`` and ``werkzeug``
must resolve to :mod:`veloce.compat` *before* the project (or a ``flask.commands``
plugin) is imported, otherwise the module builds a real ``flask.Flask`` that Veloce
cannot run. The rules, decided once per process:

1. ``--no-compat`` or ``VELOCE_NO_COMPAT=1``: no aliasing.
2. The real ``flask`` or ``werkzeug`` is already imported (a ``sitecustomize``, or a
   program that imported it and then called :func:`veloce.cli.main`): no aliasing,
   because two ``flask`` packages in one process would mean two unrelated ``request``
   objects. The reason is added to a failed-discovery error.
3. Otherwise :func:`veloce.compat.install` runs. A native Veloce app imports neither
   package, so nothing changes for it.

Only the console entry point (``veloce``, ``python -m veloce``) asks for this: the
aliases are process-wide, so a :class:`~veloce.cli.VeloceGroup` invoked inside a
program or a test (click's ``CliRunner``) leaves the program's imports alone.
Child processes follow the parent: the reloader re-runs the same command line,
forked workers inherit the import system, and uvicorn's spawned processes read
``VELOCE_NO_COMPAT`` (set by :mod:`veloce.cli.server` when the parent did not alias).

The compat package is imported by name, not by an import statement: it sits above
the command line in the layering, and only this opt-in path loads it.
"""

from __future__ import annotations

import importlib
import os
import sys

__all__ = [
    "NO_COMPAT_ENV",
    "aliases_installed",
    "compat_disabled_by_env",
    "install_flask_aliases",
    "real_package_imported",
]

#: Set to ``1`` (or pass ``--no-compat``) to keep ``flask``/``werkzeug`` unaliased.
NO_COMPAT_ENV = "VELOCE_NO_COMPAT"

_COMPAT_PACKAGE = "veloce.compat"
_ALIASED_PACKAGES = ("flask", "werkzeug")


def compat_disabled_by_env() -> bool:
    """Whether ``VELOCE_NO_COMPAT`` is set to anything but ``0``/``false``/``no``."""
    value = os.environ.get(NO_COMPAT_ENV, "").strip().lower()
    return value not in ("", "0", "false", "no")


def aliases_installed() -> bool:
    """Whether ``flask``/``werkzeug`` currently resolve to Veloce in this process."""
    compat = sys.modules.get(_COMPAT_PACKAGE)
    return compat is not None and bool(compat.installed())


def real_package_imported() -> str | None:
    """The name of a real ``flask``/``werkzeug`` package already imported, if any."""
    for name in _ALIASED_PACKAGES:
        module = sys.modules.get(name)
        if module is not None and not module.__name__.startswith(_COMPAT_PACKAGE):
            return name
    return None


def install_flask_aliases(disabled: bool = False) -> str | None:
    """Alias ``flask``/``werkzeug`` to Veloce unless the rules above forbid it.

    Args:
        disabled: ``--no-compat`` was given.

    Returns:
        ``None`` when the aliases are active, else why they are not (a sentence
        meant for the end of an error message).
    """
    if aliases_installed():
        return None
    if disabled or compat_disabled_by_env():
        return (
            "'flask' was not aliased to Veloce (--no-compat or VELOCE_NO_COMPAT), so"
            " 'import flask' in the app gave real Flask."
        )
    real = real_package_imported()
    if real is not None:
        return (
            f"The real {real!r} package was imported before the 'veloce' command could"
            f" alias it to Veloce, so 'import flask' in the app gave real Flask."
            " Run the 'veloce' command directly, or call veloce.compat.install() before"
            " anything imports flask."
        )
    importlib.import_module(_COMPAT_PACKAGE).install()
    return None

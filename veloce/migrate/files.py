"""Which files ``veloce migrate PATH`` visits: ``*.py`` below PATH, minus environments.

Virtualenvs (any directory holding ``pyvenv.cfg``), ``site-packages``, build output,
caches and hidden directories (``.git``, ``.tox``...) are skipped: rewriting
installed packages would "migrate" Flask itself. A file named on the command line is
always visited, whatever its suffix.
"""

from __future__ import annotations

import os
import pathlib
import typing as t

__all__ = ["SKIP_DIRS", "iter_python_files"]

#: Directory names never descended into (besides hidden ones and virtualenvs).
SKIP_DIRS = frozenset(
    {"__pycache__", "site-packages", "build", "dist", "node_modules", "venv", "env"}
)


def _skipped(directory: pathlib.Path) -> bool:
    name = directory.name
    return (
        name in SKIP_DIRS
        or name.startswith(".")
        or name.endswith(".egg-info")
        or (directory / "pyvenv.cfg").is_file()
    )


def iter_python_files(paths: t.Iterable[pathlib.Path]) -> t.Iterator[pathlib.Path]:
    """Yield each file once, in a stable (sorted) order."""
    seen: set[pathlib.Path] = set()
    for path in paths:
        if path.is_dir():
            found: list[pathlib.Path] = []
            for root, dirs, files in os.walk(path):
                base = pathlib.Path(root)
                dirs[:] = sorted(d for d in dirs if not _skipped(base / d))
                found.extend(base / f for f in files if f.endswith(".py"))
            candidates = sorted(found)
        else:
            candidates = [path]
        for candidate in candidates:
            key = candidate.resolve()
            if key not in seen:
                seen.add(key)
                yield candidate

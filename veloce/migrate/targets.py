"""Where a ``flask``/``werkzeug`` import goes: the compat mirror, or a native name.

The decisions are plain functions of module and imported names, kept apart from the
syntax tree (``transformer.py``) so they read as a table. Whether a compat module or
name exists is asked of the compat package itself (:class:`CompatIndex` imports the
mirror once per run), so a mirror another release adds is picked up without editing
the codemod, and an import that would fail after rewriting is left alone and reported
instead of being written.
"""

from __future__ import annotations

import dataclasses
import importlib
import types
import typing as t
import warnings

from veloce.migrate.native import native_name

__all__ = [
    "COMPAT_PREFIX",
    "SOURCE_PACKAGES",
    "CompatIndex",
    "FromDecision",
    "ModuleDecision",
    "Resolver",
    "extension_package",
    "source_module",
]

#: Top-level packages the codemod rewrites.
SOURCE_PACKAGES = ("flask", "werkzeug")
#: Where their mirrors live: ``flask.json`` -> ``veloce.compat.flask.json``.
COMPAT_PREFIX = "veloce.compat."


def source_module(dotted: str, *, include_compat: bool = False) -> str | None:
    """The Flask/Werkzeug spelling of ``dotted`` if the codemod handles it, else ``None``.

    Args:
        dotted: An absolute module name from an import statement.
        include_compat: Also accept ``veloce.compat.flask[.x]`` (``--native`` moves
            names already on the compat layer to their native home).
    """
    if dotted.partition(".")[0] in SOURCE_PACKAGES:
        return dotted
    if include_compat and dotted.startswith(COMPAT_PREFIX):
        rest = dotted[len(COMPAT_PREFIX) :]
        if rest.partition(".")[0] in SOURCE_PACKAGES:
            return rest
    return None


def extension_package(dotted: str) -> str | None:
    """The top-level package if ``dotted`` is a Flask extension (``flask_login``)."""
    top = dotted.partition(".")[0]
    if top.startswith("flask_") or top == "flaskext":
        return top
    return None


class CompatIndex:
    """Which compat modules and names exist, learnt by importing the mirrors.

    One instance per run; nothing is cached at module level.
    """

    def __init__(self) -> None:
        self._modules: dict[str, types.ModuleType | None] = {}

    def module(self, source: str) -> types.ModuleType | None:
        """The compat mirror of ``source`` (``"flask.json"``), or ``None`` if absent."""
        name = COMPAT_PREFIX + source
        if name not in self._modules:
            try:
                self._modules[name] = importlib.import_module(name)
            except ImportError:
                self._modules[name] = None
        return self._modules[name]

    def has_name(self, source: str, name: str) -> bool:
        """Whether ``from <mirror of source> import <name>`` would succeed."""
        module = self.module(source)
        if module is None:
            return False
        if name in vars(module):
            return True
        if hasattr(module, "__path__") and self.module(f"{source}.{name}") is not None:
            return True
        if "__getattr__" not in vars(module):
            return False
        # A module-level __getattr__ may serve deprecated aliases; asking must not
        # turn their DeprecationWarning into the codemod's output.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                getattr(module, name)
            except AttributeError:
                return False
        return True


@dataclasses.dataclass
class FromDecision:
    """The outcome for one ``from <module> import <names>`` statement.

    Attributes:
        targets: Per imported name, in order: ``(new module, new name)``.
        kept: Names that stay on the compat layer although ``--native`` was asked.
        unavailable: Why the statement is left unchanged (empty if it is rewritten).
    """

    targets: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    kept: list[str] = dataclasses.field(default_factory=list)
    unavailable: str = ""


@dataclasses.dataclass
class ModuleDecision:
    """The outcome for one alias of an ``import <module>`` statement.

    Attributes:
        imports: ``(module, asname)`` pairs replacing the alias (``asname`` may be
            ``None``), in order.
        unavailable: Why the alias is left unchanged (empty if it is rewritten).
    """

    imports: list[tuple[str, str | None]] = dataclasses.field(default_factory=list)
    unavailable: str = ""


class Resolver:
    """Decides the rewrite of each import; ``native`` selects ``--native``."""

    def __init__(self, *, native: bool = False, index: CompatIndex | None = None) -> None:
        self.native = native
        self.index = index if index is not None else CompatIndex()

    def import_from(self, module: str, names: t.Sequence[str]) -> FromDecision | None:
        """Decide ``from <module> import <names>`` (``"*"`` for a star import).

        Returns:
            ``None`` if the module is not Flask's or Werkzeug's.
        """
        source = source_module(module, include_compat=self.native)
        if source is None:
            return None
        compat = COMPAT_PREFIX + source
        if self.index.module(source) is None:
            return FromDecision(unavailable=f"Veloce's compat layer has no {compat!r}")
        missing = [n for n in names if n != "*" and not self.index.has_name(source, n)]
        if missing:
            listed = ", ".join(missing)
            return FromDecision(unavailable=f"{compat!r} has no {listed}")
        decision = FromDecision()
        for name in names:
            target = native_name(source, name) if self.native else None
            if target is None:
                decision.targets.append((compat, name))
                if self.native:
                    decision.kept.append(name)
            else:
                decision.targets.append((target.module, target.name))
        return decision

    def import_module(self, dotted: str, asname: str | None) -> ModuleDecision | None:
        """Decide one alias of ``import <dotted> [as <asname>]``.

        A module import always goes to the compat mirror, also with ``--native``:
        attribute access such as ``flask.Flask`` is not rewritten, and the native
        package has different names. Without ``as``, ``import werkzeug.exceptions``
        binds ``werkzeug``, so the rewrite binds that name to the compat package (after
        importing the submodule) to keep ``werkzeug.exceptions.NotFound`` working.

        Returns:
            ``None`` if the module is not Flask's or Werkzeug's.
        """
        source = source_module(dotted)
        if source is None:
            return None
        compat = COMPAT_PREFIX + source
        if self.index.module(source) is None:
            return ModuleDecision(unavailable=f"Veloce's compat layer has no {compat!r}")
        if asname is not None:
            return ModuleDecision(imports=[(compat, asname)])
        top = source.partition(".")[0]
        if top == source:
            return ModuleDecision(imports=[(compat, top)])
        return ModuleDecision(imports=[(compat, None), (COMPAT_PREFIX + top, top)])

"""The libcst transformer that rewrites ``flask``/``werkzeug`` imports in one module.

libcst keeps every comment, blank line and parenthesis, so only the import statements
the codemod decides to change are re-rendered. Decisions come from
:class:`~veloce.migrate.targets.Resolver`; this module only edits the tree and records
notes (with line numbers) about what it left alone and why. Importing it imports
libcst, so the command imports it lazily (``veloce[migrate]``).
"""

from __future__ import annotations

import dataclasses
import typing as t

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import MetadataWrapper, PositionProvider

from veloce.migrate.targets import COMPAT_PREFIX, Resolver, extension_package, source_module

__all__ = ["ImportRewriter", "Note", "Rewrite", "rewrite_source"]

_DEFAULT = cst.MaybeSentinel.DEFAULT
_DYNAMIC_IMPORTERS = frozenset({"import_module", "__import__"})


@dataclasses.dataclass(frozen=True)
class Note:
    """Something the user should know about one line.

    Attributes:
        line: 1-based line number in the original file.
        severity: ``"warning"`` (left as is, will not run on Veloce) or ``"note"``.
        message: What happened and what to do.
    """

    line: int
    severity: str
    message: str


@dataclasses.dataclass(frozen=True)
class Rewrite:
    """The result for one module: source before and after (text), bytes to write, notes."""

    before: str
    after: str
    data: bytes
    notes: tuple[Note, ...]

    @property
    def changed(self) -> bool:
        """Whether the rewrite differs from the original."""
        return self.before != self.after


def _dotted(name: str) -> cst.Attribute | cst.Name:
    expr = cst.parse_expression(name)
    if not isinstance(expr, (cst.Attribute, cst.Name)):  # pragma: no cover - our own names
        raise ValueError(f"not a dotted name: {name!r}")
    return expr


def _alias_name(alias: cst.ImportAlias) -> str:
    name = get_full_name_for_node(alias.name)
    if name is None:  # pragma: no cover - the parser only produces names here
        raise ValueError("import alias without a name")
    return name


class ImportRewriter(cst.CSTTransformer):
    """Rewrites import statements in place; splits ``import flask, os`` into lines.

    Only simple statements are touched, so a ``from __future__`` import stays first,
    relative imports and strings (including string annotations) are never changed, and
    re-running on the output changes nothing.
    """

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, resolver: Resolver) -> None:
        super().__init__()
        self.resolver = resolver
        self.notes: list[Note] = []
        self._extensions: dict[str, int] = {}
        self._native_module_import: int | None = None

    # -- statements ---------------------------------------------------------------

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine | cst.FlattenSentinel[cst.SimpleStatementLine]:
        body = self._rewrite_body(original_node.body, updated_node.body)
        if body is None:
            return updated_node
        if len(updated_node.body) == 1 and len(body) > 1:
            # One import per line, as written; the line's comments stay on the first.
            first = updated_node.with_changes(body=[body[0]])
            rest = [cst.SimpleStatementLine(body=[stmt]) for stmt in body[1:]]
            return cst.FlattenSentinel([first, *rest])
        return updated_node.with_changes(body=body)

    def leave_SimpleStatementSuite(
        self, original_node: cst.SimpleStatementSuite, updated_node: cst.SimpleStatementSuite
    ) -> cst.SimpleStatementSuite:
        body = self._rewrite_body(original_node.body, updated_node.body)
        return updated_node if body is None else updated_node.with_changes(body=body)

    def _rewrite_body(
        self,
        original: t.Sequence[cst.BaseSmallStatement],
        updated: t.Sequence[cst.BaseSmallStatement],
    ) -> list[cst.BaseSmallStatement] | None:
        changed = False
        body: list[cst.BaseSmallStatement] = []
        for orig, stmt in zip(original, updated, strict=True):
            line = self.get_metadata(PositionProvider, orig).start.line
            new: t.Sequence[cst.BaseSmallStatement] | None = None
            if isinstance(stmt, cst.Import):
                new = self._rewrite_import(stmt, line)
            elif isinstance(stmt, cst.ImportFrom):
                new = self._rewrite_from(stmt, line)
            if new is None:
                body.append(stmt)
                continue
            changed = True
            last = len(new) - 1
            body.extend(
                s.with_changes(semicolon=stmt.semicolon if i == last else _DEFAULT)
                for i, s in enumerate(new)
            )
        return body if changed else None

    def _rewrite_import(self, node: cst.Import, line: int) -> list[cst.Import] | None:
        aliases: list[cst.ImportAlias] = []
        seen: set[tuple[str, str | None]] = set()
        changed = False
        for alias in node.names:
            dotted = _alias_name(alias)
            asname = alias.evaluated_alias
            decision = self.resolver.import_module(dotted, asname)
            if decision is None or decision.unavailable:
                if decision is None:
                    self._saw_extension(dotted, line)
                else:
                    self._warn_unavailable(line, f"import {dotted}", decision.unavailable)
                aliases.append(alias.with_changes(comma=_DEFAULT))
                continue
            changed = True
            for module, name in decision.imports:
                if (module, name) in seen:
                    continue
                seen.add((module, name))
                as_node = cst.AsName(name=cst.Name(name)) if name is not None else None
                aliases.append(cst.ImportAlias(name=_dotted(module), asname=as_node))
        if not changed:
            return None
        if self.resolver.native and self._native_module_import is None:
            self._native_module_import = line
        return [node.with_changes(names=[alias]) for alias in aliases]

    def _rewrite_from(self, node: cst.ImportFrom, line: int) -> list[cst.ImportFrom] | None:
        if node.relative or node.module is None:
            return None
        module = get_full_name_for_node(node.module)
        if module is None:  # pragma: no cover - the parser only produces names here
            return None
        star = isinstance(node.names, cst.ImportStar)
        aliases: t.Sequence[cst.ImportAlias] = () if star else t.cast(t.Any, node.names)
        names = ["*"] if star else [_alias_name(a) for a in aliases]
        decision = self.resolver.import_from(module, names)
        if decision is None:
            self._saw_extension(module, line)
            return None
        if decision.unavailable:
            self._warn_unavailable(line, f"from {module} import ...", decision.unavailable)
            return None
        if decision.kept and not module.startswith(COMPAT_PREFIX):
            kept_in = decision.targets[names.index(decision.kept[0])][0]
            self.notes.append(
                Note(
                    line,
                    "note",
                    f"no native equivalent, kept on {kept_in}: {', '.join(decision.kept)}",
                )
            )
        if decision.targets == [(module, name) for name in names]:
            return None
        if star:
            return [node.with_changes(module=_dotted(decision.targets[0][0]))]
        groups: dict[str, list[cst.ImportAlias]] = {}
        for alias, (target_module, new), old in zip(aliases, decision.targets, names, strict=True):
            if new != old:
                # Keep the name the module uses: ``Veloce as Flask``.
                as_node = alias.asname or cst.AsName(name=cst.Name(old))
                alias = alias.with_changes(name=cst.Name(new), asname=as_node)
            groups.setdefault(target_module, []).append(alias)
        statements = []
        for target_module, group in groups.items():
            # The original last alias's comma (or its absence) ends every group, so no
            # group ends in a bare trailing comma outside parentheses.
            group[-1] = group[-1].with_changes(comma=aliases[-1].comma)
            statements.append(node.with_changes(module=_dotted(target_module), names=group))
        return statements

    # -- notes ----------------------------------------------------------------------

    def visit_Call(self, node: cst.Call) -> None:
        """Report ``importlib.import_module("flask")`` and ``__import__("flask")``."""
        func = get_full_name_for_node(node.func)
        if func is None or func.rpartition(".")[2] not in _DYNAMIC_IMPORTERS or not node.args:
            return
        arg = node.args[0].value
        if not isinstance(arg, cst.SimpleString):
            return
        value = arg.evaluated_value
        if isinstance(value, str) and source_module(value) is not None:
            line = self.get_metadata(PositionProvider, node).start.line
            self.notes.append(
                Note(
                    line,
                    "warning",
                    f"dynamic import of {value!r} left unchanged: use"
                    f" 'veloce.compat.{value}' or call veloce.compat.install() first",
                )
            )

    def _warn_unavailable(self, line: int, statement: str, reason: str) -> None:
        self.notes.append(
            Note(
                line,
                "warning",
                f"'{statement}' left unchanged: {reason} (see migration-guide/differences.md)",
            )
        )

    def _saw_extension(self, dotted: str, line: int) -> None:
        package = extension_package(dotted)
        if package is not None:
            self._extensions.setdefault(package, line)

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        """Add the once-per-module notes (extensions, module imports under --native)."""
        if self._native_module_import is not None:
            self.notes.append(
                Note(
                    self._native_module_import,
                    "note",
                    "module imports ('import flask') stay on veloce.compat: attribute"
                    " access such as 'flask.Flask' is not rewritten; import names instead"
                    " to use native ones",
                )
            )
        if self._extensions:
            packages = ", ".join(sorted(self._extensions))
            self.notes.append(
                Note(
                    min(self._extensions.values()),
                    "note",
                    f"Flask extensions ({packages}) import 'flask' themselves and are not"
                    " rewritten: call veloce.compat.install() before importing them (tests:"
                    " pytest -p veloce.compat.pytest_plugin)",
                )
            )
        return updated_node


def rewrite_source(source: str | bytes, resolver: Resolver) -> Rewrite:
    """Rewrite one module's imports.

    Args:
        source: The module's text, or its bytes (the encoding is detected from the
            coding cookie or BOM, as Python does, and kept).
        resolver: The decisions (compat or ``--native``).

    Raises:
        libcst.ParserSyntaxError: The source is not valid Python.
    """
    module = cst.parse_module(source)
    rewriter = ImportRewriter(resolver)
    new = MetadataWrapper(module, unsafe_skip_copy=True).visit(rewriter)
    notes = tuple(sorted(rewriter.notes, key=lambda n: n.line))
    return Rewrite(before=module.code, after=new.code, data=new.bytes, notes=notes)

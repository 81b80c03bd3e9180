"""Run the codemod over files: diff by default, ``--write`` in place, ``--check`` for CI.

The unified diff goes to stdout (so ``veloce migrate . > port.patch`` gives a patch
``git apply`` takes); notes, warnings and the summary go to stderr. A file that cannot
be parsed or read is reported and skipped, and the run still covers every other file.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import pathlib
import tempfile
import typing as t

import click

from veloce.migrate.files import iter_python_files
from veloce.migrate.targets import Resolver

if t.TYPE_CHECKING:
    from veloce.migrate.transformer import Rewrite

__all__ = [
    "EXIT_CHANGES_OR_ERRORS",
    "EXIT_MISSING_LIBCST",
    "MissingLibCST",
    "Summary",
    "load_rewriter",
    "migrate_paths",
    "unified_diff",
]

#: ``--check`` found files to rewrite, or some files could not be processed.
EXIT_CHANGES_OR_ERRORS = 1
#: libcst is not installed.
EXIT_MISSING_LIBCST = 2

NATIVE_DEFAULTS_WARNING = (
    "warning: --native uses Veloce's own classes, whose defaults differ from Flask's"
    " (JSON error bodies, SameSite=Lax cookies, 'await request.json()'): see"
    ' "Native defaults" in migration-guide/differences.md'
)


class MissingLibCST(RuntimeError):
    """libcst, the optional dependency of ``veloce migrate``, is not installed."""


def load_rewriter() -> t.Callable[[bytes, Resolver], Rewrite]:
    """Import the libcst transformer, or explain how to install it.

    Raises:
        MissingLibCST: libcst cannot be imported.
    """
    try:
        from veloce.migrate.transformer import rewrite_source
    except ImportError as e:
        if (e.name or "").partition(".")[0] != "libcst":
            raise
        raise MissingLibCST("'veloce migrate' needs libcst: pip install 'veloce[migrate]'") from e
    return rewrite_source


@dataclasses.dataclass
class Summary:
    """What a run did, for the summary line and the exit status."""

    changed: int = 0
    unchanged: int = 0
    failed: int = 0
    native: bool = False
    write: bool = False

    def line(self) -> str:
        """The closing summary line."""
        verb = "rewritten" if self.write else "would be rewritten"
        parts = [f"{self.changed} {_files(self.changed)} {verb}", f"{self.unchanged} unchanged"]
        if self.failed:
            parts.append(f"{self.failed} failed")
        return ", ".join(parts) + "."


def _files(n: int) -> str:
    return "file" if n == 1 else "files"


def _display(path: pathlib.Path) -> str:
    try:
        return path.resolve().relative_to(pathlib.Path.cwd()).as_posix()
    except ValueError:
        return path.resolve().as_posix()


def unified_diff(before: str, after: str, name: str) -> str:
    """A ``git apply``-able unified diff of one file (``a/`` and ``b/`` prefixes)."""
    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=f"a/{name}",
        tofile=f"b/{name}",
    )
    out = []
    for line in lines:
        out.append(line)
        if not line.endswith(("\n", "\r")):
            out.append("\n\\ No newline at end of file\n")
    return "".join(out)


def _write_atomically(path: pathlib.Path, data: bytes) -> None:
    """Replace the file in one step, keeping its permission bits.

    A symlink is resolved first, so the file it points to is rewritten and the link
    stays a link.
    """
    path = path.resolve()
    mode = path.stat().st_mode
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def _process(
    path: pathlib.Path,
    name: str,
    rewrite: t.Callable[[bytes, Resolver], Rewrite],
    resolver: Resolver,
) -> Rewrite | None:
    """Rewrite one file; ``None`` (after reporting) if it cannot be read or parsed."""
    import libcst

    try:
        return rewrite(path.read_bytes(), resolver)
    except libcst.ParserSyntaxError as e:
        reason = f"syntax error at line {e.raw_line}, column {e.raw_column}"
    except (OSError, UnicodeDecodeError, LookupError, RecursionError) as e:
        reason = f"{type(e).__name__}: {e}"
    click.echo(f"{name}: error: {reason}; skipped", err=True)
    return None


def migrate_paths(
    paths: t.Iterable[pathlib.Path],
    *,
    native: bool = False,
    write: bool = False,
) -> Summary:
    """Rewrite (or diff) every Python file under ``paths``.

    Args:
        paths: Files and directories.
        native: Import native Veloce names where one exists (``--native``).
        write: Write the files instead of printing a diff.

    Raises:
        MissingLibCST: libcst is not installed.
    """
    rewrite = load_rewriter()
    resolver = Resolver(native=native)
    summary = Summary(native=native, write=write)
    for path in iter_python_files(paths):
        name = _display(path)
        result = _process(path, name, rewrite, resolver)
        if result is None:
            summary.failed += 1
            continue
        for note in result.notes:
            click.echo(f"{name}:{note.line}: {note.severity}: {note.message}", err=True)
        if not result.changed:
            summary.unchanged += 1
            continue
        summary.changed += 1
        if write:
            try:
                _write_atomically(path, result.data)
            except OSError as e:
                click.echo(f"{name}: error: cannot write: {e}", err=True)
                summary.changed -= 1
                summary.failed += 1
                continue
            click.echo(f"rewrote {name}", err=True)
        else:
            click.echo(unified_diff(result.before, result.after, name), nl=False)
    if native:
        click.echo(NATIVE_DEFAULTS_WARNING, err=True)
    click.echo(summary.line(), err=True)
    return summary

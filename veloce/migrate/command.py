"""``veloce migrate PATH...``: the click command over :mod:`veloce.migrate.runner`."""

from __future__ import annotations

import pathlib

import click

from veloce.migrate.runner import (
    EXIT_CHANGES_OR_ERRORS,
    EXIT_MISSING_LIBCST,
    MissingLibCST,
    migrate_paths,
)

__all__ = ["migrate_command"]


@click.command("migrate", short_help="Rewrite flask/werkzeug imports to Veloce.")
@click.argument(
    "paths",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, path_type=pathlib.Path),
)
@click.option(
    "--native",
    is_flag=True,
    help="Import native Veloce names where one exists (Flask -> Veloce); other names"
    " stay on veloce.compat.",
)
@click.option("--write", is_flag=True, help="Rewrite the files in place instead of diffing.")
@click.option(
    "--check",
    is_flag=True,
    help="Exit with status 1 if any file would be rewritten (for CI).",
)
def migrate_command(
    paths: tuple[pathlib.Path, ...], native: bool, write: bool, check: bool
) -> None:
    """Rewrite a project's flask/werkzeug imports to veloce.compat.

    PATHS are files or directories (every *.py below them, skipping virtualenvs,
    site-packages, build output and hidden directories). By default a unified diff is
    printed and nothing is written; '--write' writes. Re-running changes nothing.
    Needs libcst: pip install 'veloce[migrate]'.
    """
    if write and check:
        raise click.UsageError("'--write' and '--check' cannot be combined.")
    try:
        summary = migrate_paths(paths, native=native, write=write)
    except MissingLibCST as e:
        click.echo(f"Error: {e}", err=True)
        raise click.exceptions.Exit(EXIT_MISSING_LIBCST) from None
    if summary.failed or (check and summary.changed):
        raise click.exceptions.Exit(EXIT_CHANGES_OR_ERRORS)

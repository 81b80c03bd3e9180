"""``flask.cli``: Veloce's command line under Flask's names.

``FlaskGroup`` is :class:`~veloce.cli.VeloceGroup` reading ``FLASK_``-prefixed
environment variables for its commands' options (``FLASK_RUN_PORT``), as Flask's
does; ``--app`` reads ``VELOCE_APP`` then ``FLASK_APP`` in both.
"""

from __future__ import annotations

import typing as t

from veloce.cli import (
    AppGroup,
    NoAppException,
    ScriptInfo,
    VeloceGroup,
    find_app_by_string,
    find_best_app,
    load_dotenv,
    locate_app,
    pass_script_info,
    prepare_import,
    routes_command,
    run_command,
    shell_command,
    show_server_banner,
    with_appcontext,
)
from veloce.cli.commands import CertParamType, SeparatedPathType
from veloce.cli.options import _get_version
from veloce.cli.options import version_option as version_option

if t.TYPE_CHECKING:
    import click

__all__ = [
    "AppGroup",
    "CertParamType",
    "FlaskGroup",
    "NoAppException",
    "ScriptInfo",
    "SeparatedPathType",
    "cli",
    "find_app_by_string",
    "find_best_app",
    "get_version",
    "load_dotenv",
    "locate_app",
    "main",
    "pass_script_info",
    "prepare_import",
    "routes_command",
    "run_command",
    "shell_command",
    "show_server_banner",
    "version_option",
    "with_appcontext",
]


def get_version(ctx: click.Context, param: click.Parameter, value: t.Any) -> None:
    """The ``--version`` callback: print the Python, Veloce and Click versions and exit.

    Flask parity: ``flask.cli.get_version`` prints Flask's and Werkzeug's versions; the
    running framework is Veloce, so that is the version printed.
    """
    _get_version(ctx, param, value)


class FlaskGroup(VeloceGroup):
    """``flask.cli.FlaskGroup``: the same constructor, ``FLASK_`` option variables."""

    def __init__(self, *args: t.Any, **extra: t.Any) -> None:
        extra.setdefault("context_settings", {}).setdefault("auto_envvar_prefix", "FLASK")
        super().__init__(*args, **extra)


cli = FlaskGroup(
    name="flask",
    help="""\
A general utility script for Flask applications, run by Veloce.

An application to load must be given with the '--app' option,
'FLASK_APP' environment variable, or with a 'wsgi.py' or 'app.py' file
in the current directory.
""",
)


def main() -> None:
    """``flask`` as a console script, on Veloce."""
    cli.main()

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

__all__ = [
    "AppGroup",
    "FlaskGroup",
    "NoAppException",
    "ScriptInfo",
    "cli",
    "find_app_by_string",
    "find_best_app",
    "load_dotenv",
    "locate_app",
    "main",
    "pass_script_info",
    "prepare_import",
    "routes_command",
    "run_command",
    "shell_command",
    "show_server_banner",
    "with_appcontext",
]


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

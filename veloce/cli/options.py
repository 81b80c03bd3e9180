"""The ``veloce`` command's own options (``--app``, ``--debug``, ``--env-file``,
``--no-compat``, ``--version``) and dotenv loading.

The options act through callbacks, not the group's callback, so a custom group
built on :class:`~veloce.cli.VeloceGroup` keeps them. ``--env-file`` and ``--app``
are eager (in that order), so dotenv files can name the app and ``--help`` can list
the app's commands.
"""

from __future__ import annotations

import importlib.metadata
import os
import platform

import click
from click.core import ParameterSource

from veloce.cli.aliases import NO_COMPAT_ENV
from veloce.cli.discovery import ScriptInfo

__all__ = [
    "app_option",
    "debug_option",
    "env_file_option",
    "load_dotenv",
    "no_compat_option",
    "version_option",
]


def load_dotenv(path: str | os.PathLike[str] | None = None, load_defaults: bool = True) -> bool:
    """Set environment variables from dotenv files; never override the real environment.

    Precedence (highest first): variables already in ``os.environ``, the file at
    ``path``, ``.env``, ``.flaskenv`` (the defaults are searched upwards from the
    current directory). Without python-dotenv this prints a tip when such files
    exist and returns ``False``.

    Returns:
        Whether any variable was read from the files.

    Flask parity: ``flask.cli.load_dotenv`` (3.1 semantics).
    """
    try:
        import dotenv
    except ImportError:
        if path or os.path.isfile(".env") or os.path.isfile(".flaskenv"):
            click.secho(
                " * Tip: There are .env files present. Install python-dotenv to use them.",
                fg="yellow",
                err=True,
            )
        return False

    data: dict[str, str | None] = {}
    if load_defaults:
        for default_name in (".flaskenv", ".env"):
            found = dotenv.find_dotenv(default_name, usecwd=True)
            if found:
                data.update(dotenv.dotenv_values(found, encoding="utf-8"))
    if path is not None and os.path.isfile(path):
        data.update(dotenv.dotenv_values(path, encoding="utf-8"))
    for key, value in data.items():
        if value is not None and key not in os.environ:
            os.environ[key] = value
    return bool(data)


def _set_app(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None:
        ctx.ensure_object(ScriptInfo).app_import_path = value
    return value


def _set_debug(ctx: click.Context, param: click.Parameter, value: bool) -> bool | None:
    # Not given: leave VELOCE_DEBUG / FLASK_DEBUG from the environment in charge.
    source = ctx.get_parameter_source(param.name or "debug")
    if source is None or source in (ParameterSource.DEFAULT, ParameterSource.DEFAULT_MAP):
        return None
    # Through the environment, so an app factory already sees it while it runs.
    os.environ["VELOCE_DEBUG"] = "1" if value else "0"
    return value


def _env_file_callback(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    try:
        import dotenv  # noqa: F401
    except ImportError:
        if value is not None:
            raise click.BadParameter(
                "python-dotenv must be installed to load an env file.", ctx=ctx, param=param
            ) from None
    info = ctx.ensure_object(ScriptInfo)
    if value is not None or info.load_dotenv_defaults:
        load_dotenv(value, load_defaults=info.load_dotenv_defaults)


# Eager, and before --app, so dotenv files can provide VELOCE_APP.
env_file_option = click.Option(
    ["-e", "--env-file"],
    type=click.Path(exists=True, dir_okay=False),
    help=(
        "Load environment variables from this file, taking precedence over those set by"
        " '.env' and '.flaskenv'. Variables set directly in the environment take highest"
        " precedence. python-dotenv must be installed."
    ),
    is_eager=True,
    expose_value=False,
    callback=_env_file_callback,
)

# Eager so the app's commands are known when --help is processed.
app_option = click.Option(
    ["-A", "--app"],
    metavar="IMPORT",
    envvar=["VELOCE_APP", "FLASK_APP"],
    help=(
        "The Veloce application or factory function to load, in the form 'module:name'."
        " Module can be a dotted import or file path. Name is not required if it is"
        " 'app', 'application', 'create_app', or 'make_app', and can be 'name(args)' to"
        " pass arguments. Read from VELOCE_APP, then FLASK_APP, when not given."
    ),
    is_eager=True,
    expose_value=False,
    callback=_set_app,
)


def _set_no_compat(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    if value:
        ctx.ensure_object(ScriptInfo).no_compat = True
    return value


# Eager, so it is known before --help or an app command loads the app.
no_compat_option = click.Option(
    ["--no-compat"],
    is_flag=True,
    envvar=NO_COMPAT_ENV,
    help=(
        "Do not alias 'flask' and 'werkzeug' to Veloce's compat layer before loading the"
        " app (by default an app that imports flask runs on Veloce). Also"
        f" {NO_COMPAT_ENV}=1."
    ),
    is_eager=True,
    expose_value=False,
    callback=_set_no_compat,
)

debug_option = click.Option(
    ["--debug/--no-debug"],
    envvar=["VELOCE_DEBUG", "FLASK_DEBUG"],
    help="Set debug mode.",
    expose_value=False,
    callback=_set_debug,
)


def _get_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    click.echo(
        f"Python {platform.python_version()}\n"
        f"Veloce {importlib.metadata.version('veloce')}\n"
        f"Click {importlib.metadata.version('click')}",
        color=ctx.color,
    )
    ctx.exit()


version_option = click.Option(
    ["--version"],
    help="Show the Veloce version.",
    expose_value=False,
    callback=_get_version,
    is_flag=True,
    is_eager=True,
)

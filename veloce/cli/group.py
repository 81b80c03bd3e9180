"""``VeloceGroup``: the ``veloce`` command, and ``main``, its console entry point.

The group owns the ``--app``, ``--debug``, ``--env-file`` and ``--no-compat`` options,
loads the app lazily, and lists the app's own commands beside the built-in ``run``,
``routes``, ``shell`` and ``check``. :func:`main` (the console script) also aliases
``flask``/``werkzeug`` to Veloce before loading an app (:mod:`veloce.cli.aliases`).
"""

from __future__ import annotations

import os
import traceback
import typing as t

import click

from veloce.cli.appgroup import AppGroup
from veloce.cli.commands import DEFAULT_COMMANDS
from veloce.cli.discovery import NoAppException, ScriptInfo
from veloce.cli.options import (
    app_option,
    debug_option,
    env_file_option,
    no_compat_option,
    version_option,
)
from veloce.core.context import current_app_or_none

__all__ = ["VeloceGroup", "cli", "main"]


class VeloceGroup(AppGroup):
    """The ``veloce`` command: app options, built-in commands, and the app's commands.

    Args:
        add_default_commands: Add ``run``, ``shell``, ``routes`` and ``check``.
        create_app: A callable returning the app (skips ``--app`` discovery).
        addversion_option: Add ``--version``.
        load_dotenv: Load ``.flaskenv`` / ``.env`` before anything else.
        set_debug_flag: Set ``app.debug`` from the environment after loading.
        flask_aliases: Alias ``flask``/``werkzeug`` to Veloce before importing the
            app or plugins (process-wide; :func:`main` turns it on, and
            ``group.main(flask_aliases=True)`` does it for one invocation).
        **extra: Passed to ``click.Group``.

    Flask parity: ``flask.cli.FlaskGroup``, including plugin commands from the
    ``flask.commands`` entry point group (and Veloce's ``veloce.commands``).
    Environment options use the ``VELOCE_`` prefix (``VELOCE_RUN_PORT``).
    """

    def __init__(
        self,
        add_default_commands: bool = True,
        create_app: t.Callable[..., t.Any] | None = None,
        addversion_option: bool = True,
        load_dotenv: bool = True,
        set_debug_flag: bool = True,
        flask_aliases: bool = False,
        **extra: t.Any,
    ) -> None:
        params: list[click.Parameter] = list(extra.pop("params", None) or ())
        params.extend((env_file_option, no_compat_option, app_option, debug_option))
        if addversion_option:
            params.append(version_option)
        extra.setdefault("context_settings", {}).setdefault("auto_envvar_prefix", "VELOCE")
        super().__init__(params=params, **extra)
        self.create_app = create_app
        self.load_dotenv = load_dotenv
        self.set_debug_flag = set_debug_flag
        self.flask_aliases = flask_aliases
        if add_default_commands:
            for command in DEFAULT_COMMANDS:
                self.add_command(command)
        self._loaded_plugin_commands = False

    def _load_plugin_commands(self, ctx: click.Context) -> None:
        if self._loaded_plugin_commands:
            return
        from importlib import metadata

        # A ``flask.commands`` plugin imports flask: alias first.
        ctx.ensure_object(ScriptInfo).alias_flask()
        for group in ("veloce.commands", "flask.commands"):
            for ep in metadata.entry_points(group=group):
                self.add_command(ep.load(), ep.name)
        self._loaded_plugin_commands = True

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """A built-in or plugin command, else the app's (loading the app)."""
        self._load_plugin_commands(ctx)
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            return command
        info = ctx.ensure_object(ScriptInfo)
        try:
            app = info.load_app()
        except NoAppException as e:
            click.secho(f"Error: {e.format_message()}\n", err=True, fg="red")
            return None
        # Parameter callbacks of app commands run before the command's own
        # with_appcontext, so the context is pushed here already.
        if current_app_or_none() is not app:
            ctx.with_resource(app.app_context())
        return t.cast(click.Command | None, app.cli.get_command(ctx, cmd_name))

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Built-in, plugin and app command names; an app that fails to load is reported."""
        self._load_plugin_commands(ctx)
        names = set(super().list_commands(ctx))
        info = ctx.ensure_object(ScriptInfo)
        try:
            names.update(info.load_app().cli.list_commands(ctx))
        except NoAppException as e:
            click.secho(f"Error: {e.format_message()}\n", err=True, fg="red")
        except Exception:
            click.secho(f"{traceback.format_exc()}\n", err=True, fg="red")
        return sorted(names)

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: t.Any,
    ) -> click.Context:
        """Create the click context with a :class:`ScriptInfo` as its ``obj``."""
        # Lets an app module know it is imported by the command line.
        os.environ["VELOCE_RUN_FROM_CLI"] = "true"
        flask_aliases = extra.pop("flask_aliases", self.flask_aliases)
        if "obj" not in extra and "obj" not in self.context_settings:
            extra["obj"] = ScriptInfo(
                create_app=self.create_app,
                set_debug_flag=self.set_debug_flag,
                load_dotenv_defaults=self.load_dotenv,
                flask_aliases=flask_aliases,
            )
        return super().make_context(info_name, args, parent=parent, **extra)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Process ``--env-file`` and ``--app`` early for bare ``--help``, so the help
        lists the app's commands."""
        if (not args and self.no_args_is_help) or (
            len(args) == 1 and args[0] in self.get_help_option_names(ctx)
        ):
            env_file_option.handle_parse_result(ctx, {}, [])
            no_compat_option.handle_parse_result(ctx, {}, [])
            app_option.handle_parse_result(ctx, {}, [])
        return super().parse_args(ctx, args)


cli = VeloceGroup(
    name="veloce",
    help="""\
A general utility script for Veloce applications.

An application to load must be given with the '--app' option,
'VELOCE_APP' (or 'FLASK_APP') environment variable, or with a 'wsgi.py'
or 'app.py' file in the current directory.

An unported Flask app runs as is: 'flask' and 'werkzeug' are aliased to
Veloce's compat layer before the app is imported ('--no-compat' or
VELOCE_NO_COMPAT=1 turns that off).

'veloce run' serves the app on the built-in development server; in
production use uvicorn (install 'veloce[server]').
""",
)


def main(argv: list[str] | None = None) -> None:
    """The ``veloce`` console script and ``python -m veloce``; exits the process.

    Unlike invoking :data:`cli` in-process, this aliases ``flask``/``werkzeug`` to
    Veloce before the app is imported (see :mod:`veloce.cli.aliases`).
    """
    cli.main(args=argv, flask_aliases=True)

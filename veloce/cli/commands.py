"""The built-in commands: ``run``, ``shell``, ``routes`` and ``check``, plus ``migrate``
(the codemod, defined in :mod:`veloce.migrate`)."""

from __future__ import annotations

import code
import os
import sys
import typing as t
from operator import itemgetter

import click

from veloce.cli.appgroup import pass_script_info, with_appcontext
from veloce.cli.discovery import ScriptInfo
from veloce.cli.options import debug_option
from veloce.cli.server import SERVERS, ServerOptions, serve
from veloce.globals import current_app
from veloce.helpers import get_debug_flag
from veloce.migrate.command import migrate_command

__all__ = [
    "DEFAULT_COMMANDS",
    "check_command",
    "routes_command",
    "run_command",
    "shell_command",
    "show_server_banner",
]


class SeparatedPathType(click.Path):
    """A list of paths separated by ``os.pathsep`` (``:``; ``;`` on Windows)."""

    def convert(
        self, value: t.Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> t.Any:
        """Split on the path separator and check each path."""
        check = super().convert
        return [check(item, param, ctx) for item in self.split_envvar_value(value)]


class CertParamType(click.Path):
    """``--cert``: an existing certificate file.

    Flask parity: Flask also takes ``adhoc`` and an ``SSLContext`` import; the
    uvicorn backend only loads files, so those are rejected with a clear message.
    """

    def __init__(self) -> None:
        super().__init__(exists=True, dir_okay=False, resolve_path=True)

    def convert(
        self, value: t.Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> t.Any:
        """The resolved certificate path."""
        if isinstance(value, str) and value.lower() == "adhoc":
            self.fail(
                "Ad-hoc certificates are not supported by 'veloce run'; pass a certificate"
                " file and '--key'.",
                param,
                ctx,
            )
        return super().convert(value, param, ctx)


def _validate_key(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """``--key`` goes with ``--cert``, and ``--cert`` needs ``--key``."""
    cert = ctx.params.get("cert")
    if value is not None and not cert:
        raise click.BadParameter('"--cert" must also be specified.', ctx, param)
    if value is None and cert:
        raise click.BadParameter('Required when using "--cert".', ctx, param)
    return value


def show_server_banner(debug: bool, app_import_path: str | None) -> None:
    """Print which app is served and whether debug mode is on (Flask's banner)."""
    if app_import_path is not None:
        click.echo(f" * Serving Veloce app '{app_import_path}'")
    click.echo(f" * Debug mode: {'on' if debug else 'off'}")


@click.command("run", short_help="Run a development server.")
@click.option("--host", "-h", default="127.0.0.1", help="The interface to bind to.")
@click.option("--port", "-p", default=5000, help="The port to bind to.")
@click.option(
    "--cert",
    type=CertParamType(),
    help="Specify a certificate file to use HTTPS.",
    is_eager=True,
)
@click.option(
    "--key",
    type=click.Path(exists=True, dir_okay=False, resolve_path=True),
    callback=_validate_key,
    help="The key file to use when specifying a certificate.",
)
@click.option(
    "--reload/--no-reload",
    default=None,
    help="Enable or disable the reloader. By default the reloader is active if debug is"
    " enabled (and one worker is used).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    help="The number of worker processes (cannot be combined with the reloader).",
)
@click.option(
    "--server",
    type=click.Choice(SERVERS),
    default="builtin",
    envvar="VELOCE_SERVER",
    show_default=True,
    help="The server: Veloce's built-in development server, or uvicorn"
    " (install 'veloce[server]').",
)
@click.option(
    "--extra-files",
    default=None,
    type=SeparatedPathType(),
    help="Extra files that trigger a reload on change. Multiple paths are separated by"
    f" {os.path.pathsep!r}.",
)
@click.option(
    "--exclude-patterns",
    default=None,
    type=SeparatedPathType(),
    help="Files matching these fnmatch patterns will not trigger a reload on change."
    f" Multiple patterns are separated by {os.path.pathsep!r}.",
)
@pass_script_info
def run_command(
    info: ScriptInfo,
    host: str,
    port: int,
    cert: str | None,
    key: str | None,
    reload: bool | None,
    workers: int,
    server: str,
    extra_files: list[str] | None,
    exclude_patterns: list[str] | None,
) -> None:
    """Run a local development server.

    The app is served by Veloce's built-in server ('--server uvicorn' or
    VELOCE_SERVER=uvicorn for uvicorn). The reloader is enabled by default with the
    '--debug' option (install 'veloce[reload]' for the built-in server's reloader).
    """
    app = info.load_app()
    debug = get_debug_flag()
    if reload is None:
        reload = debug and workers == 1
    elif reload and workers > 1:
        raise click.UsageError("'--reload' cannot be combined with '--workers' above 1.")
    show_server_banner(debug, info.app_import_path)
    options = ServerOptions(
        host=host,
        port=port,
        reload=reload,
        workers=workers,
        certfile=cert,
        keyfile=key,
        extra_files=extra_files or [],
        exclude_patterns=exclude_patterns or [],
        debug=debug,
        server=server,
    )
    try:
        serve(app, info.app_import_path, options)
    except RuntimeError as e:
        if "install 'veloce[" not in str(e):
            raise
        raise click.ClickException(str(e)) from None


run_command.params.insert(0, debug_option)

# ``flask run`` reads FLASK_RUN_HOST, FLASK_RUN_PORT, FLASK_RUN_CERT... (often from a
# .flaskenv): read them too, after the VELOCE_RUN_* name of the same option.
for _param in run_command.params:
    if _param.envvar is None and _param.name not in ("debug", "workers"):
        _suffix = _param.name.upper()
        _param.envvar = [f"VELOCE_RUN_{_suffix}", f"FLASK_RUN_{_suffix}"]
del _param


def _start_ipython(namespace: dict[str, t.Any]) -> bool:
    """Start IPython on ``namespace`` if it is installed; whether it was."""
    try:
        import IPython
    except ImportError:
        return False
    IPython.start_ipython(argv=[], user_ns=namespace)
    return True


@click.command("shell", short_help="Run a shell in the app context.")
@with_appcontext
def shell_command() -> None:
    """Run an interactive Python shell in the context of a given Veloce application.

    The namespace holds 'app', 'g' and what the app's shell context processors
    return. IPython is used when it is installed.
    """
    click.echo(
        f"Python {sys.version} on {sys.platform}\n"
        f"App: {current_app.import_name}\n"
        f"Instance: {current_app.instance_path}"
    )
    namespace: dict[str, t.Any] = {}
    startup = os.environ.get("PYTHONSTARTUP")
    if startup and os.path.isfile(startup):
        with open(startup, encoding="utf-8") as f:
            exec(compile(f.read(), startup, "exec"), namespace)  # noqa: S102
    namespace.update(current_app.make_shell_context())
    if _start_ipython(namespace):
        return
    interactive_hook = getattr(sys, "__interactivehook__", None)
    if interactive_hook is not None:
        try:
            import readline
            from rlcompleter import Completer
        except ImportError:
            pass
        else:
            # rlcompleter completes from __main__ by default; use the shell's namespace.
            readline.set_completer(Completer(namespace).complete)
        interactive_hook()
    code.interact(banner="", local=namespace)


@click.command("routes", short_help="Show the routes for the app.")
@click.option(
    "--sort",
    "-s",
    type=click.Choice(("endpoint", "methods", "domain", "rule", "match")),
    default="endpoint",
    help="Method to sort routes by. 'match' is the order that Veloce will match routes"
    " when dispatching a request.",
)
@click.option("--all-methods", is_flag=True, help="Show HEAD and OPTIONS methods.")
@with_appcontext
def routes_command(sort: str, all_methods: bool) -> None:
    """Show all registered routes with endpoints and methods.

    Flask parity: the same table as 'flask routes' (a Host or Subdomain column
    when any rule has one).
    """
    rules = list(current_app.url_map.iter_rules())
    if not rules:
        click.echo("No routes were registered.")
        return
    ignored = frozenset() if all_methods else frozenset({"HEAD", "OPTIONS"})
    host_matching = current_app.url_map.host_matching
    has_domain = any(rule.host if host_matching else rule.subdomain for rule in rules)
    headers = ["Endpoint", "Methods"]
    sorts = ["endpoint", "methods"]
    if has_domain:
        headers.append("Host" if host_matching else "Subdomain")
        sorts.append("domain")
    headers.append("Rule")
    sorts.append("rule")
    rows: list[list[str]] = []
    for rule in rules:
        row = [rule.endpoint, ", ".join(sorted((rule.methods or frozenset()) - ignored))]
        if has_domain:
            row.append((rule.host if host_matching else rule.subdomain) or "")
        row.append(rule.rule)
        rows.append(row)
    if sort in sorts:  # "match" keeps the registration order, which is the match order.
        rows.sort(key=itemgetter(sorts.index(sort)))
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]
    template = "  ".join(f"{{{i}:<{width}}}" for i, width in enumerate(widths))
    for row in [headers, ["-" * width for width in widths], *rows]:
        click.echo(template.format(*row))


@click.command("check", short_help="Audit the app's security settings.")
@with_appcontext
def check_command() -> None:
    """Print the findings of app.security_audit(); exit with status 1 if there are any."""
    findings = current_app.security_audit()
    if not findings:
        click.echo("No security issues found.")
        return
    noun = "issue" if len(findings) == 1 else "issues"
    click.echo(f"{len(findings)} security {noun} found:")
    for finding in findings:
        click.echo(f" * {finding}")
    raise click.exceptions.Exit(1)


#: What ``VeloceGroup(add_default_commands=True)`` adds.
DEFAULT_COMMANDS: tuple[click.Command, ...] = (
    run_command,
    shell_command,
    routes_command,
    check_command,
    migrate_command,
)

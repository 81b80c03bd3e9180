"""Which server ``veloce run`` starts, and how its options map onto that server.

``veloce run`` serves with Veloce's built-in development server
(:func:`veloce.server.main.run`). ``--server uvicorn`` (or ``VELOCE_SERVER=uvicorn``)
runs uvicorn instead. A reloading or multi-worker uvicorn re-imports the app in child
processes, so it is given an import string (:func:`load_app_from_environ`, a factory)
and the ``--app`` string travels in the environment, which the children inherit. The
built-in server needs neither: its workers are forked from the loaded app, and its
reloader re-runs the whole command.
"""

from __future__ import annotations

import os
import typing as t

from veloce.cli.aliases import NO_COMPAT_ENV, aliases_installed
from veloce.cli.discovery import ScriptInfo

if t.TYPE_CHECKING:
    from veloce.app import Veloce

__all__ = [
    "APP_IMPORT_PATH_ENV",
    "SERVERS",
    "ServerOptions",
    "load_app_from_environ",
    "serve",
    "uvicorn_hint",
]

#: The servers ``veloce run --server`` can start.
SERVERS = ("builtin", "uvicorn")

#: How the ``--app`` string reaches server processes started by a reloader or for
#: extra workers ("" means default discovery).
APP_IMPORT_PATH_ENV = "VELOCE_RUN_APP_IMPORT_PATH"

#: uvicorn's import string for :func:`load_app_from_environ` (``factory=True``).
_FACTORY_IMPORT_STRING = "veloce.cli.server:load_app_from_environ"


class ServerOptions(t.NamedTuple):
    """The ``veloce run`` options a server honours."""

    host: str
    port: int
    reload: bool
    workers: int
    certfile: str | None
    keyfile: str | None
    extra_files: list[str]
    exclude_patterns: list[str]
    debug: bool
    server: str = "builtin"


def load_app_from_environ() -> Veloce:
    """Load the app in a server child process, the way the parent found it.

    ``flask`` is aliased unless ``VELOCE_NO_COMPAT`` is set, which :func:`serve` does
    when the parent process runs without the aliases.
    """
    info = ScriptInfo(
        app_import_path=os.environ.get(APP_IMPORT_PATH_ENV) or None, flask_aliases=True
    )
    return info.load_app()


def _reload_settings(options: ServerOptions) -> dict[str, t.Any]:
    """uvicorn reload keywords: watch the current directory plus the extra files.

    uvicorn watches directories and filters by glob, so an extra file adds its
    directory to the watch list and its name to the include patterns.
    """
    dirs = [os.getcwd()]
    includes = ["*.py"]
    for path in options.extra_files:
        folder = os.path.dirname(os.path.abspath(path))
        if folder not in dirs:
            dirs.append(folder)
        includes.append(os.path.basename(path))
    return {
        "reload_dirs": dirs,
        "reload_includes": includes,
        "reload_excludes": list(options.exclude_patterns) or None,
    }


def uvicorn_hint(app_import_path: str | None) -> str:
    """The ``module:app`` uvicorn would take for an ``--app`` string (for the banner)."""
    if not app_import_path:
        return "app:app"
    path, _, name = app_import_path.partition(":")
    if path.endswith(".py"):
        path = os.path.splitext(os.path.normpath(path))[0].replace(os.sep, ".")
    return f"{path}:{name or 'app'}"


def serve(app: Veloce, app_import_path: str | None, options: ServerOptions) -> None:
    """Serve ``app`` until interrupted, on the server ``options.server`` names.

    Args:
        app: The loaded app (served directly when one process suffices).
        app_import_path: The ``--app`` string, for processes that load it again.
        options: The command-line options.

    Raises:
        RuntimeError: uvicorn (``--server uvicorn``) or watchfiles (``--reload`` on the
            built-in server) is not installed.
    """
    if options.server == "uvicorn":
        _serve_uvicorn(app, app_import_path, options)
    else:
        _serve_builtin(app, app_import_path, options)


def _serve_builtin(app: Veloce, app_import_path: str | None, options: ServerOptions) -> None:
    import ssl

    from veloce.server.main import run

    context = None
    if options.certfile:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(options.certfile, options.keyfile)
    run(
        app,
        host=options.host,
        port=options.port,
        workers=options.workers,
        ssl_context=context,
        debug=options.debug,
        reload=options.reload,
        extra_files=options.extra_files,
        exclude_patterns=options.exclude_patterns,
        app_hint=uvicorn_hint(app_import_path),
    )


def _serve_uvicorn(app: Veloce, app_import_path: str | None, options: ServerOptions) -> None:
    try:
        import uvicorn
    except ImportError:
        raise RuntimeError(
            "'veloce run --server uvicorn' needs uvicorn: install 'veloce[server]'"
            " (pip install 'veloce[server]')"
        ) from None

    kwargs: dict[str, t.Any] = {
        "host": options.host,
        "port": options.port,
        "ssl_certfile": options.certfile,
        "ssl_keyfile": options.keyfile,
        "log_level": "debug" if options.debug else "info",
    }
    if not options.reload and options.workers == 1:
        uvicorn.run(app, **kwargs)
        return
    os.environ[APP_IMPORT_PATH_ENV] = app_import_path or ""
    if not aliases_installed():
        # The spawned processes load the app the way this one did.
        os.environ[NO_COMPAT_ENV] = "1"
    if options.reload:
        kwargs.update(_reload_settings(options))
    uvicorn.run(
        _FACTORY_IMPORT_STRING,
        factory=True,
        reload=options.reload,
        workers=None if options.reload else options.workers,
        **kwargs,
    )

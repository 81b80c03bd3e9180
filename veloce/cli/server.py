"""Which server ``veloce run`` starts, and how its options map onto that server.

Until Veloce's built-in server exists, :func:`serve` runs uvicorn; it is the one
function the built-in server replaces. A reloading or multi-worker uvicorn
re-imports the app in child processes, so it is given an import string
(:func:`load_app_from_environ`, a factory) and the ``--app`` string travels in the
environment, which the children inherit.
"""

from __future__ import annotations

import os
import typing as t

from veloce.cli.discovery import ScriptInfo

if t.TYPE_CHECKING:
    from veloce.app import Veloce

__all__ = ["APP_IMPORT_PATH_ENV", "ServerOptions", "load_app_from_environ", "serve"]

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


def load_app_from_environ() -> Veloce:
    """Load the app in a server child process, the way the parent found it."""
    return ScriptInfo(app_import_path=os.environ.get(APP_IMPORT_PATH_ENV) or None).load_app()


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


def serve(app: Veloce, app_import_path: str | None, options: ServerOptions) -> None:
    """Serve ``app`` until interrupted.

    Args:
        app: The loaded app (served directly when one process suffices).
        app_import_path: The ``--app`` string, for processes that load it again.
        options: The command-line options.

    Raises:
        RuntimeError: uvicorn is not installed.
    """
    try:
        import uvicorn
    except ImportError:
        raise RuntimeError(
            "'veloce run' serves apps with uvicorn until Veloce's built-in server is"
            " available: install 'veloce[server]' (pip install 'veloce[server]')"
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
    if options.reload:
        kwargs.update(_reload_settings(options))
    uvicorn.run(
        _FACTORY_IMPORT_STRING,
        factory=True,
        reload=options.reload,
        workers=None if options.reload else options.workers,
        **kwargs,
    )

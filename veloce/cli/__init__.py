"""The ``veloce`` command line, built on click and shaped like ``flask``'s.

``veloce --app examples/hello.py run`` serves an app; ``routes``, ``shell`` and
``check`` inspect it; ``app.cli`` / ``blueprint.cli`` add project commands.
Modules: :mod:`~veloce.cli.discovery` (finding the app), :mod:`~veloce.cli.appgroup`
(``AppGroup``, ``with_appcontext``), :mod:`~veloce.cli.options` (``--app``,
``--debug``, ``--env-file``), :mod:`~veloce.cli.commands` (the built-in commands),
:mod:`~veloce.cli.server` (the server ``run`` starts), :mod:`~veloce.cli.group`
(the ``veloce`` group and :func:`main`), :mod:`~veloce.cli.aliases` (running an
unported app: ``import flask`` made to mean Veloce), :mod:`~veloce.cli.testing`.
"""

from .appgroup import AppGroup as AppGroup
from .appgroup import pass_script_info as pass_script_info
from .appgroup import with_appcontext as with_appcontext
from .commands import check_command as check_command
from .commands import routes_command as routes_command
from .commands import run_command as run_command
from .commands import shell_command as shell_command
from .commands import show_server_banner as show_server_banner
from .discovery import NoAppException as NoAppException
from .discovery import ScriptInfo as ScriptInfo
from .discovery import find_app_by_string as find_app_by_string
from .discovery import find_best_app as find_best_app
from .discovery import get_load_dotenv as get_load_dotenv
from .discovery import locate_app as locate_app
from .discovery import prepare_import as prepare_import
from .group import VeloceGroup as VeloceGroup
from .group import cli as cli
from .group import main as main
from .options import load_dotenv as load_dotenv
from .testing import VeloceCliRunner as VeloceCliRunner

__all__ = [
    "AppGroup",
    "NoAppException",
    "ScriptInfo",
    "VeloceCliRunner",
    "VeloceGroup",
    "check_command",
    "cli",
    "find_app_by_string",
    "find_best_app",
    "get_load_dotenv",
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

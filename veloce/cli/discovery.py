"""Finding the app the command line works on: ``--app`` strings, modules, factories.

Discovery follows Flask 3.1's rules so a project moves from ``flask --app x`` to
``veloce --app x`` unchanged:

* ``--app`` is ``module``, ``module:name`` or ``module:factory(args)``, where the
  module may be a dotted import or a file path (``examples/hello.py``);
* without ``--app``: ``VELOCE_APP``, then ``FLASK_APP`` (read by the option), then a
  ``wsgi.py`` or ``app.py`` in the current directory;
* in a module: ``app``, then ``application``, then the single app instance, then a
  ``create_app`` / ``make_app`` factory called without arguments.

Every failure is a :class:`NoAppException` (a ``click.UsageError``) whose text is
Flask's, with "Flask" read as "Veloce". When the console script was asked to alias
``flask`` and could not (:mod:`veloce.cli.aliases`), the reason follows the message.
"""

from __future__ import annotations

import ast
import inspect
import os
import re
import sys
import traceback
import types
import typing as t

import click

from veloce.app import Veloce
from veloce.cli.aliases import install_flask_aliases, real_package_imported
from veloce.helpers import get_debug_flag

__all__ = [
    "NoAppException",
    "ScriptInfo",
    "find_app_by_string",
    "find_best_app",
    "get_load_dotenv",
    "locate_app",
    "prepare_import",
]

#: Files tried, in order, when no app is named anywhere.
DEFAULT_APP_FILES = ("wsgi.py", "app.py")


class NoAppException(click.UsageError):
    """No app could be found or loaded; click prints it as a usage error (exit 2)."""


def _called_with_wrong_args(
    factory: t.Callable[..., t.Any], tb: types.TracebackType | None
) -> bool:
    """Whether a ``TypeError`` came from calling ``factory`` rather than from inside it.

    If the traceback never reaches the factory's own frame, the call itself failed
    (wrong arguments); otherwise the factory's body raised and the error is real.
    """
    while tb is not None:
        if tb.tb_frame.f_code is factory.__code__:
            return False
        tb = tb.tb_next
    return True


def find_best_app(module: types.ModuleType) -> Veloce:
    """Pick the app of ``module`` when the ``--app`` string names no attribute.

    Raises:
        NoAppException: several app instances, a factory that needs arguments, or
            nothing app-like at all.

    Flask parity: same search order and messages as ``flask.cli.find_best_app``.
    """
    for attr_name in ("app", "application"):
        candidate = getattr(module, attr_name, None)
        if isinstance(candidate, Veloce):
            return candidate

    matches = [value for value in module.__dict__.values() if isinstance(value, Veloce)]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise NoAppException(
            f"Detected multiple Veloce applications in module '{module.__name__}'."
            f" Use '{module.__name__}:name' to specify the correct one."
        )

    for attr_name in ("create_app", "make_app"):
        factory = getattr(module, attr_name, None)
        if not inspect.isfunction(factory):
            continue
        try:
            candidate = factory()
        except TypeError as e:
            if not _called_with_wrong_args(factory, e.__traceback__):
                raise
            raise NoAppException(
                f"Detected factory '{attr_name}' in module '{module.__name__}', but could"
                f" not call it without arguments. Use '{module.__name__}:{attr_name}(args)'"
                " to specify arguments."
            ) from e
        if isinstance(candidate, Veloce):
            return candidate

    raise NoAppException(
        f"Failed to find Veloce application or factory in module '{module.__name__}'."
        f" Use '{module.__name__}:name' to specify one."
    )


def _parse_app_expression(app_name: str) -> tuple[str, list[t.Any], dict[str, t.Any]]:
    """Split ``name`` or ``name(literal, key=literal)`` into (name, args, kwargs)."""
    try:
        expr = ast.parse(app_name.strip(), mode="eval").body
    except SyntaxError:
        raise NoAppException(
            f"Failed to parse {app_name!r} as an attribute name or function call."
        ) from None
    if isinstance(expr, ast.Name):
        return expr.id, [], {}
    if not isinstance(expr, ast.Call):
        raise NoAppException(
            f"Failed to parse {app_name!r} as an attribute name or function call."
        )
    if not isinstance(expr.func, ast.Name):
        raise NoAppException(f"Function reference must be a simple name: {app_name!r}.")
    try:
        args = [ast.literal_eval(arg) for arg in expr.args]
        kwargs = {kw.arg: ast.literal_eval(kw.value) for kw in expr.keywords if kw.arg}
    except ValueError:
        # literal_eval's own message names no expression; show the user's text.
        raise NoAppException(
            f"Failed to parse arguments as literal values: {app_name!r}."
        ) from None
    return expr.func.id, args, kwargs


def find_app_by_string(module: types.ModuleType, app_name: str) -> Veloce:
    """Resolve the ``name`` / ``factory(args)`` part of an ``--app`` string in ``module``.

    A function is called with the literal arguments given (none for a bare name);
    anything else must be the app itself.

    Raises:
        NoAppException: unparsable text, a missing attribute, a factory the
            arguments do not fit, or a result that is not an app.
    """
    name, args, kwargs = _parse_app_expression(app_name)
    try:
        attr = getattr(module, name)
    except AttributeError as e:
        raise NoAppException(f"Failed to find attribute {name!r} in {module.__name__!r}.") from e
    if inspect.isfunction(attr):
        try:
            candidate = attr(*args, **kwargs)
        except TypeError as e:
            if not _called_with_wrong_args(attr, e.__traceback__):
                raise
            raise NoAppException(
                f"The factory {app_name!r} in module {module.__name__!r} could not be"
                " called with the specified arguments."
            ) from e
    else:
        candidate = attr
    if isinstance(candidate, Veloce):
        return candidate
    raise NoAppException(
        f"A valid Veloce application was not obtained from '{module.__name__}:{app_name}'."
    )


def prepare_import(path: str) -> str:
    """Turn a file or dotted path into an importable module name, fixing ``sys.path``.

    For a file inside packages (directories with ``__init__.py``) the name is
    dotted from the outermost package, and the directory above it goes first on
    ``sys.path``; a plain dotted name resolves relative to the current directory.
    """
    path = os.path.realpath(path)
    stem, ext = os.path.splitext(path)
    if ext == ".py":
        path = stem
    if os.path.basename(path) == "__init__":
        path = os.path.dirname(path)
    parts: list[str] = []
    while True:
        path, name = os.path.split(path)
        parts.append(name)
        if not os.path.exists(os.path.join(path, "__init__.py")):
            break
    if sys.path[0] != path:
        sys.path.insert(0, path)
    return ".".join(reversed(parts))


@t.overload
def locate_app(
    module_name: str, app_name: str | None, raise_if_not_found: t.Literal[True] = True
) -> Veloce: ...


@t.overload
def locate_app(
    module_name: str, app_name: str | None, raise_if_not_found: bool = ...
) -> Veloce | None: ...


def locate_app(
    module_name: str, app_name: str | None, raise_if_not_found: bool = True
) -> Veloce | None:
    """Import ``module_name`` and find the app in it.

    An ``ImportError`` raised *inside* the module is reported with its traceback;
    a module that does not exist is "Could not import" (or ``None`` when
    ``raise_if_not_found`` is false, which default discovery uses).
    """
    try:
        __import__(module_name)
    except ImportError as e:
        # One frame means the import statement itself failed: no such module.
        if e.__traceback__ is not None and e.__traceback__.tb_next is not None:
            raise NoAppException(
                f"While importing {module_name!r}, an ImportError was raised:\n\n"
                f"{traceback.format_exc()}"
            ) from None
        if raise_if_not_found:
            raise NoAppException(f"Could not import {module_name!r}.") from None
        return None
    module = sys.modules[module_name]
    if app_name is None:
        return find_best_app(module)
    return find_app_by_string(module, app_name)


def get_load_dotenv(default: bool = True) -> bool:
    """Whether default dotenv files load: false if ``VELOCE_SKIP_DOTENV`` (or
    ``FLASK_SKIP_DOTENV``) is set to anything but ``0``/``false``/``no``."""
    value = os.environ.get("VELOCE_SKIP_DOTENV") or os.environ.get("FLASK_SKIP_DOTENV")
    if not value:
        return default
    return value.lower() in ("0", "false", "no")


class ScriptInfo:
    """What the command line knows about the app to load, and the app once loaded.

    Args:
        app_import_path: The ``--app`` string (``None``: default discovery).
        create_app: A callable returning the app; wins over ``app_import_path``
            (:meth:`Veloce.test_cli_runner` passes one).
        set_debug_flag: Set ``app.debug`` from ``VELOCE_DEBUG`` / ``FLASK_DEBUG``
            after loading.
        load_dotenv_defaults: Whether ``.flaskenv`` / ``.env`` are loaded (read by
            the ``--env-file`` handling; ``VELOCE_SKIP_DOTENV`` turns it off).
        flask_aliases: Alias ``flask``/``werkzeug`` to Veloce before importing the
            app (see :mod:`veloce.cli.aliases`); the ``veloce`` console script asks
            for it, ``--no-compat`` sets :attr:`no_compat`.

    Flask parity: ``flask.cli.ScriptInfo`` with the same attributes and ``data``;
    ``flask_aliases`` and ``no_compat`` are Veloce's.
    """

    def __init__(
        self,
        app_import_path: str | None = None,
        create_app: t.Callable[..., Veloce] | None = None,
        set_debug_flag: bool = True,
        load_dotenv_defaults: bool = True,
        *,
        flask_aliases: bool = False,
    ) -> None:
        self.app_import_path = app_import_path
        self.create_app = create_app
        #: Free-form data commands may attach to the invocation.
        self.data: dict[t.Any, t.Any] = {}
        self.set_debug_flag = set_debug_flag
        self.load_dotenv_defaults = get_load_dotenv(load_dotenv_defaults)
        self.flask_aliases = flask_aliases
        #: ``--no-compat`` was given: never alias ``flask``.
        self.no_compat = False
        #: Why ``flask`` is not aliased although asked for (shown on discovery errors).
        self.alias_note: str | None = None
        self._aliases_decided = False
        self._loaded_app: Veloce | None = None

    def alias_flask(self) -> None:
        """Install the ``flask``/``werkzeug`` aliases if asked for and allowed; once.

        Called before the app module and ``flask.commands`` plugins are imported.
        """
        if self._aliases_decided or not self.flask_aliases:
            return
        self._aliases_decided = True
        self.alias_note = install_flask_aliases(disabled=self.no_compat)

    def _import_app(self) -> Veloce | None:
        """Find the app from ``app_import_path`` or the default files (aliasing first)."""
        self.alias_flask()
        try:
            if self.app_import_path:
                # A colon followed by a slash is a Windows drive ("C:\..."), not "module:name".
                parts = re.split(r":(?![\\/])", self.app_import_path, maxsplit=1)
                name = parts[1] if len(parts) == 2 else None
                return locate_app(prepare_import(parts[0]), name)
            for filename in DEFAULT_APP_FILES:
                app = locate_app(prepare_import(filename), None, raise_if_not_found=False)
                if app is not None:
                    return app
        except NoAppException as e:
            if self.alias_note is None or real_package_imported() is None:
                raise
            raise NoAppException(f"{e.message}\n{self.alias_note}") from e
        return None

    def load_app(self) -> Veloce:
        """Load the app once and return it; later calls return the same app.

        Raises:
            NoAppException: nothing was found (see the module docstring).
        """
        if self._loaded_app is not None:
            return self._loaded_app
        if self.create_app is not None:
            app: Veloce | None = self.create_app()
        else:
            app = self._import_app()
        if app is None:
            raise NoAppException(
                "Could not locate a Veloce application. Use the 'veloce --app' option,"
                " 'VELOCE_APP' environment variable, or a 'wsgi.py' or 'app.py' file in"
                " the current directory."
            )
        if self.set_debug_flag:
            # Through the config attribute, so everything derived from DEBUG follows.
            app.debug = get_debug_flag()
        self._loaded_app = app
        return app

"""Every public name of the real Flask 3.1 / Werkzeug 3.1 modules exists in ``veloce.compat``.

For each mirrored module, the real module is imported (flask and werkzeug are in the
test extra) and its public names are enumerated by one deterministic rule:

* if the module defines ``__all__``, those names;
* otherwise, the names its own source binds at module level (walking into top-level
  ``if``/``try`` blocks) by ``def``, ``class`` or assignment, plus explicit re-exports
  written ``from x import name as name`` / ``import x as x`` (PEP 484's re-export
  form, which Flask and Werkzeug use for their intentional re-exports);
* of those, the names that do not start with ``_``, exist at run time (names imported
  only under ``TYPE_CHECKING`` drop out), are not modules, and are not type variables
  (``TypeVar``/``ParamSpec`` are annotation machinery, not API).

Plain ``import x`` / ``from x import y`` lines without ``as y`` are the module's own
tools (``typing``, ``os``, ``from .globals import request`` in ``flask.helpers``), not its
surface. Names served by a module ``__getattr__`` (Flask's deprecated names) are not in
the module namespace, so they are not required either.

Each name must exist in ``veloce.compat.<same dotted path>`` or be listed, with a
reason, in the ``## Compat names not provided`` section of
``migration-guide/differences.md``. A listed name that *is* provided, or that is not a
public name of an enumerated module, fails the test too, so the list cannot go stale.
The compat modules are imported directly (``veloce.compat.flask.cli``), never through
``veloce.compat.install()``, which refuses to run once the real packages are imported.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pathlib
import re
import types
import typing as t

import pytest

DIFFERENCES = pathlib.Path(__file__).resolve().parents[1] / "migration-guide" / "differences.md"
SECTION = "## Compat names not provided"

FLASK_MODULES = [
    "flask",
    "flask.blueprints",
    "flask.cli",
    "flask.config",
    "flask.ctx",
    "flask.globals",
    "flask.helpers",
    "flask.json",
    "flask.json.provider",
    "flask.sessions",
    "flask.signals",
    "flask.templating",
    "flask.testing",
    "flask.typing",
    "flask.views",
    "flask.wrappers",
]
WERKZEUG_MODULES = [
    "werkzeug.datastructures",
    "werkzeug.exceptions",
    "werkzeug.http",
    "werkzeug.middleware.dispatcher",
    "werkzeug.middleware.proxy_fix",
    "werkzeug.routing",
    "werkzeug.security",
    "werkzeug.test",
    "werkzeug.urls",
    "werkzeug.utils",
    "werkzeug.wrappers",
]
MODULES = FLASK_MODULES + WERKZEUG_MODULES

# `- `werkzeug.test.run_wsgi_app` — reason` (an em dash, or `--`, before the reason).
_ENTRY = re.compile(r"^- `(?P<name>[A-Za-z_][\w.]*)`\s*(?:—|--)\s*(?P<reason>.*)$")


def _source_bound_names(tree: ast.Module) -> set[str]:
    """Names bound at module level by def/class/assignment or an ``as``-same re-export."""
    names: set[str] = set()

    def walk(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                if isinstance(node.target, ast.Name):
                    names.add(node.target.id)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    if alias.asname and alias.asname == alias.name.rpartition(".")[2]:
                        names.add(alias.asname)
            elif isinstance(node, ast.If):
                walk(node.body)
                walk(node.orelse)
            elif isinstance(node, ast.Try):
                walk(node.body)
                walk(node.orelse)
                walk(node.finalbody)
                for handler in node.handlers:
                    walk(handler.body)

    walk(tree.body)
    return names


def real_public_names(module_name: str) -> list[str]:
    """The public names of the real ``module_name`` by the rule in the module docstring."""
    module = importlib.import_module(module_name)
    explicit = getattr(module, "__all__", None)
    if explicit is not None:
        return sorted(explicit)
    namespace = vars(module)
    candidates = _source_bound_names(ast.parse(inspect.getsource(module)))
    return sorted(
        name
        for name in candidates
        if not name.startswith("_")
        and name in namespace
        and not isinstance(namespace[name], (types.ModuleType, t.TypeVar, t.ParamSpec))
    )


def not_provided_entries(text: str) -> dict[str, str]:
    """``{dotted name: reason}`` from the differences section; malformed lines raise."""
    lines = text.splitlines()
    try:
        start = lines.index(SECTION) + 1
    except ValueError:
        raise AssertionError(f"{DIFFERENCES.name} has no {SECTION!r} section") from None
    entries: dict[str, str] = {}
    for line in lines[start:]:
        if line.startswith("## "):
            break
        if not line.startswith("- `"):
            continue
        match = _ENTRY.match(line)
        if match is None:
            raise AssertionError(f"malformed entry (want `- `name` — reason`): {line!r}")
        name, reason = match["name"], match["reason"].strip()
        if len(reason) < 10:
            raise AssertionError(f"{name}: the entry needs a reason, got {reason!r}")
        if name in entries:
            raise AssertionError(f"{name} is listed twice")
        entries[name] = reason
    return entries


def _split(dotted: str) -> tuple[str, str]:
    """``werkzeug.test.Client`` -> (``werkzeug.test``, ``Client``), by the known modules."""
    module, _, name = dotted.rpartition(".")
    return module, name


def _compat_module(module_name: str) -> types.ModuleType | None:
    try:
        return importlib.import_module(f"veloce.compat.{module_name}")
    except ModuleNotFoundError as exc:
        if exc.name is not None and f"veloce.compat.{module_name}".startswith(exc.name):
            return None
        raise


def _kind(obj: object) -> str:
    if isinstance(obj, type):
        return "exception class" if issubclass(obj, BaseException) else "class"
    if inspect.isroutine(obj):
        return "function"
    return "value"


@pytest.fixture(scope="module")
def listed() -> dict[str, str]:
    return not_provided_entries(DIFFERENCES.read_text(encoding="utf-8"))


@pytest.mark.parametrize("module_name", MODULES)
def test_public_names_exist_in_compat_or_are_listed(
    module_name: str, listed: dict[str, str]
) -> None:
    compat = _compat_module(module_name)
    missing = [
        name
        for name in real_public_names(module_name)
        if (compat is None or not hasattr(compat, name)) and f"{module_name}.{name}" not in listed
    ]
    where = "missing module" if compat is None else "missing names"
    assert not missing, f"veloce.compat.{module_name}: {where} not in {SECTION!r}: {missing}"


@pytest.mark.parametrize("module_name", MODULES)
def test_provided_names_have_the_real_kind(module_name: str) -> None:
    """A class stays a class, an exception an exception, a function something callable."""
    compat = _compat_module(module_name)
    if compat is None:
        pytest.skip(f"veloce.compat.{module_name} does not exist (reported by the test above)")
    real = importlib.import_module(module_name)
    wrong = []
    for name in real_public_names(module_name):
        if not hasattr(compat, name):
            continue
        expected, got = _kind(getattr(real, name)), getattr(compat, name)
        if expected == "function" and callable(got) and not isinstance(got, type):
            continue
        if expected == "function" and _kind(got) == "class":
            continue  # a class used as a decorator/factory (cached_property and friends)
        if _kind(got) != expected:
            wrong.append(f"{name}: real is a {expected}, compat is a {_kind(got)}")
    assert not wrong, wrong


def test_listed_names_are_real_and_still_missing(listed: dict[str, str]) -> None:
    stale, unknown = [], []
    for dotted in listed:
        module_name, name = _split(dotted)
        if module_name not in MODULES or name not in real_public_names(module_name):
            unknown.append(dotted)
            continue
        compat = _compat_module(module_name)
        if compat is not None and hasattr(compat, name):
            stale.append(dotted)
    assert not unknown, f"listed but not a public name of an enumerated module: {unknown}"
    assert not stale, f"listed as not provided, but veloce.compat provides them: {stale}"


def test_entry_parser_rejects_missing_reason_and_malformed_lines() -> None:
    ok = f"{SECTION}\n\n- `werkzeug.test.run_wsgi_app` — no WSGI apps on ASGI, use mount\n"
    assert not_provided_entries(ok) == {
        "werkzeug.test.run_wsgi_app": "no WSGI apps on ASGI, use mount"
    }
    with pytest.raises(AssertionError, match="needs a reason"):
        not_provided_entries(f"{SECTION}\n- `flask.cli.F` —\n")
    with pytest.raises(AssertionError, match="malformed"):
        not_provided_entries(f"{SECTION}\n- `flask.cli.F` reason without a dash\n")
    with pytest.raises(AssertionError, match="no '## Compat"):
        not_provided_entries("# nothing here\n")


def test_enumeration_rule_keeps_reexports_and_drops_tools() -> None:
    """The rule, checked on a module whose surface is known from its source."""
    names = real_public_names("flask.helpers")
    assert "url_for" in names and "send_file" in names
    assert "request" not in names  # `from .globals import request`: a tool, not a re-export
    assert "t" not in names and "os" not in names
    assert "F" not in real_public_names("flask.ctx")  # a TypeVar

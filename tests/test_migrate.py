"""``veloce migrate``: the import codemod (transformer, native table, CLI, examples)."""

from __future__ import annotations

import ast
import importlib
import os
import pathlib
import shutil
import subprocess
import sys
import textwrap

import libcst
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import veloce
import veloce.compat.flask
import veloce.compat.werkzeug.exceptions
from veloce.cli import cli
from veloce.migrate import NATIVE_NAMES, Resolver, migrate_command
from veloce.migrate.targets import COMPAT_PREFIX
from veloce.migrate.transformer import rewrite_source

EXAMPLES = pathlib.Path(__file__).resolve().parents[1] / "examples"


def _rewrite(source: str, *, native: bool = False):
    return rewrite_source(textwrap.dedent(source), Resolver(native=native))


def _after(source: str, *, native: bool = False) -> str:
    return _rewrite(source, native=native).after


def _exec(code: str) -> dict[str, object]:
    namespace: dict[str, object] = {"__name__": "migrated_module"}
    exec(compile(code, "<migrated>", "exec"), namespace)
    return namespace


# -- compat mode: statement shapes --------------------------------------------------

COMPAT_CASES = [
    ("import flask\n", "import veloce.compat.flask as flask\n"),
    ("import flask as f\n", "import veloce.compat.flask as f\n"),
    ("import werkzeug\n", "import veloce.compat.werkzeug as werkzeug\n"),
    ("import flask.json as fj\n", "import veloce.compat.flask.json as fj\n"),
    (
        "import werkzeug.exceptions\n",
        "import veloce.compat.werkzeug.exceptions\nimport veloce.compat.werkzeug as werkzeug\n",
    ),
    (
        "import flask, os  # why\n",
        "import veloce.compat.flask as flask  # why\nimport os\n",
    ),
    (
        "import os, werkzeug.exceptions, werkzeug.utils\n",
        "import os\n"
        "import veloce.compat.werkzeug.exceptions\n"
        "import veloce.compat.werkzeug as werkzeug\n"
        "import veloce.compat.werkzeug.utils\n",
    ),
    (
        "from flask import Flask, request\n",
        "from veloce.compat.flask import Flask, request\n",
    ),
    (
        "from flask import (\n    Flask,  # the app\n    request as req,\n)\n",
        "from veloce.compat.flask import (\n    Flask,  # the app\n    request as req,\n)\n",
    ),
    ("from flask import *\n", "from veloce.compat.flask import *\n"),
    ("from flask.json import dumps\n", "from veloce.compat.flask.json import dumps\n"),
    (
        "from flask.sessions import SecureCookieSessionInterface\n",
        "from veloce.compat.flask.sessions import SecureCookieSessionInterface\n",
    ),
    (
        "from werkzeug.utils import secure_filename\n",
        "from veloce.compat.werkzeug.utils import secure_filename\n",
    ),
    (
        "from werkzeug.exceptions import NotFound as NF\n",
        "from veloce.compat.werkzeug.exceptions import NotFound as NF\n",
    ),
    ("from werkzeug import exceptions\n", "from veloce.compat.werkzeug import exceptions\n"),
    (
        "import os; import flask.json;\n",
        "import os; import veloce.compat.flask.json; import veloce.compat.flask as flask;\n",
    ),
    (
        "if True: import flask, os\n",
        "if True: import veloce.compat.flask as flask; import os\n",
    ),
    (
        "try:\n    import flask  # optional\nexcept ImportError:\n    flask = None\n",
        "try:\n    import veloce.compat.flask as flask  # optional\n"
        "except ImportError:\n    flask = None\n",
    ),
    (
        '"""Doc."""\nfrom __future__ import annotations\n\n# comment\nimport flask\n',
        '"""Doc."""\nfrom __future__ import annotations\n\n# comment\n'
        "import veloce.compat.flask as flask\n",
    ),
    (
        "def view() -> 'flask.Response':\n    from flask import g\n    return g\n",
        "def view() -> 'flask.Response':\n    from veloce.compat.flask import g\n    return g\n",
    ),
]


@pytest.mark.parametrize(("before", "after"), COMPAT_CASES)
def test_compat_rewrite(before: str, after: str) -> None:
    assert _after(before) == after


@pytest.mark.parametrize(
    "source",
    [
        "from . import flask\n",
        "from .flask import Flask\n",
        "from ..werkzeug import utils\n",
        "import flask_login\n",
        "from flask_sqlalchemy import SQLAlchemy\n",
        "import flaskr\nfrom werkzeugs import x\n",
        "x = 'import flask'\n",
        "import veloce.compat.flask as flask\nfrom veloce.compat.flask import request\n",
        "from veloce import Veloce\n",
    ],
)
def test_other_imports_are_untouched(source: str) -> None:
    result = _rewrite(source)
    assert not result.changed
    assert result.after == source


@pytest.mark.parametrize("native", [False, True], ids=["compat", "native"])
@pytest.mark.parametrize(("before", "after"), COMPAT_CASES)
def test_rewrite_is_idempotent(before: str, after: str, native: bool) -> None:
    once = _after(before, native=native)
    twice = _rewrite(once, native=native)
    assert not twice.changed
    assert twice.after == once


def test_comments_and_formatting_elsewhere_are_preserved() -> None:
    source = textwrap.dedent(
        """\
        #!/usr/bin/env python
        # -*- coding: utf-8 -*-
        '''Module docstring.'''
        from __future__ import annotations

        import os   # odd   spacing kept


        from flask import (  # the framework
            Flask,
            # a comment line inside
            jsonify,
        )

        app = Flask(__name__)   # trailing


        def f(x:'flask.Flask'):  # string annotation untouched
            return  os.sep
        """
    )
    after = _after(source)
    assert after == source.replace("from flask import (", "from veloce.compat.flask import (")


def test_crlf_and_source_encoding_are_kept() -> None:
    source = "# -*- coding: latin-1 -*-\r\nimport flask\r\nname = 'caf\xe9'\r\n".encode("latin-1")
    result = rewrite_source(source, Resolver())
    assert result.data == (
        "# -*- coding: latin-1 -*-\r\nimport veloce.compat.flask as flask\r\n"
        "name = 'caf\xe9'\r\n".encode("latin-1")
    )


def test_split_import_lines_keep_block_indentation() -> None:
    source = "def f():\n    import flask, os\n    return flask, os\n"
    after = _after(source)
    assert after == (
        "def f():\n    import veloce.compat.flask as flask\n    import os\n    return flask, os\n"
    )
    flask_mod, os_mod = _exec(after)["f"]()  # type: ignore[operator]
    assert flask_mod is veloce.compat.flask
    assert os_mod is os


def test_rewritten_module_keeps_attribute_references_working() -> None:
    source = textwrap.dedent(
        """\
        import werkzeug.exceptions
        import flask.json
        import flask as f
        from werkzeug.exceptions import NotFound as NF

        NOT_FOUND = werkzeug.exceptions.NotFound
        DUMPS = flask.json.dumps
        APP_CLASS = f.Flask
        """
    )
    namespace = _exec(_after(source))
    assert namespace["werkzeug"] is importlib.import_module("veloce.compat.werkzeug")
    assert namespace["NOT_FOUND"] is veloce.compat.werkzeug.exceptions.NotFound
    assert namespace["NF"] is veloce.compat.werkzeug.exceptions.NotFound
    assert namespace["DUMPS"] is veloce.compat.flask.json.dumps
    assert namespace["APP_CLASS"] is veloce.compat.flask.Flask


# -- notes and warnings -------------------------------------------------------------


def test_import_of_module_without_compat_mirror_is_left_and_reported() -> None:
    source = "import os\nfrom werkzeug.no_such_module import Thing\nimport werkzeug.no_such_mod\n"
    result = _rewrite(source)
    assert not result.changed
    assert [(n.line, n.severity) for n in result.notes] == [(2, "warning"), (3, "warning")]
    assert "veloce.compat.werkzeug.no_such_module" in result.notes[0].message


def test_import_of_missing_name_is_left_and_reported() -> None:
    result = _rewrite("from flask import Flask, NoSuchName\n")
    assert not result.changed
    (note,) = result.notes
    assert note.severity == "warning"
    assert "NoSuchName" in note.message
    assert "differences.md" in note.message


def test_dynamic_imports_are_reported_not_rewritten() -> None:
    source = textwrap.dedent(
        """\
        import importlib
        from importlib import import_module
        a = importlib.import_module("flask")
        b = import_module("werkzeug.utils")
        c = __import__("flask.json")
        d = importlib.import_module("json")
        e = importlib.import_module(name)
        """
    )
    result = _rewrite(source)
    assert not result.changed
    assert [(n.line, n.severity) for n in result.notes] == [
        (3, "warning"),
        (4, "warning"),
        (5, "warning"),
    ]
    assert "veloce.compat.install()" in result.notes[0].message


def test_flask_extensions_get_one_note_suggesting_install() -> None:
    source = "import os\nimport flask_login\nfrom flask_sqlalchemy import SQLAlchemy\n"
    result = _rewrite(source)
    assert not result.changed
    (note,) = result.notes
    assert (note.line, note.severity) == (2, "note")
    assert "flask_login, flask_sqlalchemy" in note.message
    assert "veloce.compat.install()" in note.message


# -- native mode --------------------------------------------------------------------

NATIVE_CASES = [
    ("from flask import Flask\n", "from veloce import Veloce as Flask\n"),
    ("from flask import Flask as F, request\n", "from veloce import Veloce as F, request\n"),
    (
        "from flask import Flask, json, request\n",
        "from veloce import Veloce as Flask, request\nfrom veloce.compat.flask import json\n",
    ),
    (
        "from flask import (\n    Flask,  # app\n    json,\n    request,\n)\n",
        "from veloce import (\n    Veloce as Flask,  # app\n    request,\n)\n"
        "from veloce.compat.flask import (\n    json,\n)\n",
    ),
    (
        "from flask import request_started, g\n",
        "from veloce.signals import request_started\nfrom veloce import g\n",
    ),
    ("from flask.views import MethodView\n", "from veloce import MethodView\n"),
    (
        "from werkzeug.datastructures import FileStorage\n",
        "from veloce import UploadFile as FileStorage\n",
    ),
    (
        "from werkzeug.exceptions import HTTPException, NotFound\n",
        "from veloce import HTTPException\n"
        "from veloce.compat.werkzeug.exceptions import NotFound\n",
    ),
    ("from veloce.compat.flask import request\n", "from veloce import request\n"),
    ("import flask\n", "import veloce.compat.flask as flask\n"),
    ("from flask import *\n", "from veloce.compat.flask import *\n"),
]


@pytest.mark.parametrize(("before", "after"), NATIVE_CASES)
def test_native_rewrite(before: str, after: str) -> None:
    assert _after(before, native=True) == after


@pytest.mark.parametrize(("before", "after"), NATIVE_CASES)
def test_native_rewrite_is_idempotent(before: str, after: str) -> None:
    assert not _rewrite(after, native=True).changed


_SNIPPETS = [b for b, _ in COMPAT_CASES + NATIVE_CASES if "__future__" not in b] + [
    "from . import flask\n",
    "import flask_login\n",
    "x = 1  # plain code\n",
]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(_SNIPPETS), min_size=1, max_size=6), st.booleans())
def test_any_mix_of_imports_rewrites_to_valid_idempotent_code(
    snippets: list[str], native: bool
) -> None:
    source = "".join(snippets)
    once = _after(source, native=native)
    compile(once, "<migrated>", "exec")
    assert not _rewrite(once, native=native).changed


def test_native_names_bind_native_objects() -> None:
    source = "from flask import Flask, json, request\nfrom flask.views import MethodView\n"
    namespace = _exec(_after(source, native=True))
    assert namespace["Flask"] is veloce.Veloce
    assert namespace["request"] is veloce.request
    assert namespace["json"] is veloce.compat.flask.json
    assert namespace["MethodView"] is veloce.MethodView


def test_native_notes_name_what_stays_on_compat() -> None:
    result = _rewrite("import flask\nfrom flask import Flask, json\n", native=True)
    messages = [(n.line, n.message) for n in result.notes]
    assert messages[0][0] == 1 and "module imports" in messages[0][1]
    assert messages[1] == (2, "no native equivalent, kept on veloce.compat.flask: json")


def _native_table() -> list[tuple[str, str, str, str, bool]]:
    return [
        (source, name, target.module, target.name, target.same_object)
        for source, names in NATIVE_NAMES.items()
        for name, target in names.items()
    ]


@pytest.mark.parametrize(
    ("source", "name", "module", "native", "same_object"),
    _native_table(),
    ids=[f"{row[0]}.{row[1]}" for row in _native_table()],
)
def test_native_table_matches_the_modules(
    source: str, name: str, module: str, native: str, same_object: bool
) -> None:
    compat_object = getattr(importlib.import_module(COMPAT_PREFIX + source), name)
    native_module = importlib.import_module(module)
    native_object = getattr(native_module, native)
    if module == "veloce":
        assert native in dir(veloce), "native targets are public top-level names"
    # The table's claim: the very object the compat layer exports, or (for the
    # classes with Veloce's defaults) a different, native one.
    assert (compat_object is native_object) is same_object


# -- the command --------------------------------------------------------------------


@pytest.fixture
def project(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> pathlib.Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "app.py").write_text("from flask import Flask\n\napp = Flask(__name__)\n")
    (tmp_path / "pkg" / "plain.py").write_text("import os\n")
    for skipped in (".git", "__pycache__", "build", "venv_x/lib/site-packages", ".venv"):
        (tmp_path / skipped).mkdir(parents=True)
        (tmp_path / skipped / "mod.py").write_text("import flask\n")
    (tmp_path / "venv_x" / "pyvenv.cfg").write_text("home = /usr\n")
    (tmp_path / "env2").mkdir()
    (tmp_path / "env2" / "pyvenv.cfg").write_text("home = /usr\n")
    (tmp_path / "env2" / "mod.py").write_text("import flask\n")
    return tmp_path


def _invoke(*args: str):
    return CliRunner().invoke(migrate_command, list(args), catch_exceptions=False)


def test_command_is_registered_on_the_veloce_group() -> None:
    assert cli.commands["migrate"] is migrate_command


def test_default_prints_a_diff_and_writes_nothing(project: pathlib.Path) -> None:
    result = _invoke(".")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "--- a/pkg/app.py\n"
        "+++ b/pkg/app.py\n"
        "@@ -1,3 +1,3 @@\n"
        "-from flask import Flask\n"
        "+from veloce.compat.flask import Flask\n"
        " \n"
        " app = Flask(__name__)\n"
    )
    assert result.stderr.splitlines()[-1] == "1 file would be rewritten, 1 unchanged."
    assert (project / "pkg" / "app.py").read_text().startswith("from flask import Flask")


def test_write_rewrites_in_place_and_a_second_run_is_a_no_op(project: pathlib.Path) -> None:
    app_py = project / "pkg" / "app.py"
    app_py.chmod(0o640)
    result = _invoke("--write", "pkg")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "rewrote pkg/app.py" in result.stderr
    assert result.stderr.splitlines()[-1] == "1 file rewritten, 1 unchanged."
    assert app_py.read_text() == _after("from flask import Flask\n\napp = Flask(__name__)\n")
    assert app_py.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in (project / "pkg").iterdir()) == ["app.py", "plain.py"]
    again = _invoke("--check", "pkg")
    assert again.exit_code == 0
    assert again.stdout == ""


def test_write_through_a_symlink_keeps_the_link(project: pathlib.Path) -> None:
    (project / "linked.py").symlink_to(project / "pkg" / "app.py")
    result = _invoke("--write", "linked.py")
    assert result.exit_code == 0, result.output
    assert (project / "linked.py").is_symlink()
    assert (project / "pkg" / "app.py").read_text().startswith("from veloce.compat.flask")


def test_skipped_directories_are_not_visited(project: pathlib.Path) -> None:
    result = _invoke("--write", ".")
    assert result.exit_code == 0
    for skipped in (".git", "__pycache__", "build", "venv_x/lib/site-packages", ".venv", "env2"):
        assert (project / skipped / "mod.py").read_text() == "import flask\n", skipped


def test_a_file_argument_is_always_visited(project: pathlib.Path) -> None:
    result = _invoke("--write", "build/mod.py")
    assert result.exit_code == 0
    assert (project / "build" / "mod.py").read_text() == "import veloce.compat.flask as flask\n"


def test_check_exits_1_when_files_would_change(project: pathlib.Path) -> None:
    result = _invoke("--check", "pkg")
    assert result.exit_code == 1
    assert "+from veloce.compat.flask import Flask" in result.stdout


def test_write_and_check_together_is_a_usage_error(project: pathlib.Path) -> None:
    result = _invoke("--write", "--check", "pkg")
    assert result.exit_code == 2
    assert "cannot be combined" in result.stderr


def test_missing_path_is_a_usage_error(project: pathlib.Path) -> None:
    result = _invoke("no/such/dir")
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_syntax_error_is_reported_and_skipped(project: pathlib.Path) -> None:
    (project / "pkg" / "broken.py").write_text("import flask\ndef f(:\n")
    (project / "pkg" / "bad_encoding.py").write_bytes(b"import flask\nx = '\xff'\n")
    result = _invoke("--write", "pkg")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "pkg/broken.py: error: syntax error at line 2" in result.stderr
    assert "pkg/bad_encoding.py: error: UnicodeDecodeError" in result.stderr
    assert result.stderr.splitlines()[-1] == "1 file rewritten, 1 unchanged, 2 failed."
    # The other files were still processed, the broken ones left as they were.
    assert (project / "pkg" / "app.py").read_text().startswith("from veloce.compat.flask")
    assert (project / "pkg" / "broken.py").read_text() == "import flask\ndef f(:\n"


def test_notes_go_to_stderr_with_file_and_line(project: pathlib.Path) -> None:
    (project / "pkg" / "ext.py").write_text("import os\nfrom flask_login import LoginManager\n")
    result = _invoke("pkg")
    assert "pkg/ext.py:2: note: Flask extensions (flask_login)" in result.stderr
    assert "flask_login" not in result.stdout


def test_native_prints_the_native_defaults_warning(project: pathlib.Path) -> None:
    result = _invoke("--native", "--write", "pkg")
    assert result.exit_code == 0
    assert '"Native defaults" in migration-guide/differences.md' in result.stderr
    assert (project / "pkg" / "app.py").read_text().startswith("from veloce import Veloce as Flask")


def test_missing_libcst_exits_2_with_install_hint(
    project: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A None entry makes ``import libcst`` raise ImportError, as if not installed.
    monkeypatch.setitem(sys.modules, "libcst", None)
    monkeypatch.delitem(sys.modules, "veloce.migrate.transformer")
    result = _invoke("pkg")
    assert result.exit_code == 2
    assert "pip install 'veloce[migrate]'" in result.stderr
    assert "Traceback" not in result.output
    assert (project / "pkg" / "app.py").read_text().startswith("from flask import Flask")


def test_importing_the_package_does_not_import_libcst() -> None:
    code = "import sys, veloce.cli, veloce.migrate; print('libcst' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"


# -- round trip over the examples ---------------------------------------------------


def _example_entries() -> list[pathlib.Path]:
    return sorted(
        p
        for p in EXAMPLES.iterdir()
        if not p.name.startswith((".", "_")) and (p.is_dir() or p.suffix == ".py")
    )


def _imports_of(path: pathlib.Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_bytes())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names.add(node.module)
    return names


# Run by the examples' own suites: fails the run if the real flask/werkzeug was imported
# (the migrated project must not need them, or aliasing).
_GUARD = """
import sys


def pytest_sessionfinish(session, exitstatus):
    real = sorted(m for m in sys.modules if m.split(".")[0] in {"flask", "werkzeug"})
    if real:
        print("real flask/werkzeug imported:", real)
        session.exitstatus = 3
"""


@pytest.mark.parametrize("example", _example_entries(), ids=lambda p: p.name)
def test_migrated_example_still_works_and_second_run_is_a_no_op(
    example: pathlib.Path, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / example.name
    if example.is_dir():
        shutil.copytree(example, target, ignore=shutil.ignore_patterns("__pycache__", ".*"))
    else:
        shutil.copy2(example, target)
    monkeypatch.chdir(tmp_path)

    first = _invoke("--write", example.name)
    assert first.exit_code == 0, first.output
    assert "warning:" not in first.stderr, first.stderr
    second = _invoke("--check", example.name)
    assert second.exit_code == 0, second.output
    assert second.stdout == ""

    files = [target] if target.is_file() else sorted(target.rglob("*.py"))
    for path in files:
        compile(path.read_bytes(), str(path), "exec")
        left = {n for n in _imports_of(path) if n.split(".")[0] in {"flask", "werkzeug"}}
        assert not left, f"{path} still imports {left}"

    has_suite = target.is_dir() and any(target.rglob("test_*.py"))
    if not has_suite:
        return
    guard_dir = tmp_path / "_guard"
    guard_dir.mkdir()
    (guard_dir / "migrate_guard.py").write_text(_GUARD)
    env = {
        **os.environ,
        "PYTEST_PLUGINS": "",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(guard_dir), os.environ.get("PYTHONPATH")])),
    }
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "migrate_guard"],
        cwd=target,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout


def test_libcst_parser_error_type_is_what_the_runner_catches() -> None:
    with pytest.raises(libcst.ParserSyntaxError):
        rewrite_source("def f(:\n", Resolver())

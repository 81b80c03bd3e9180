"""The ``veloce`` command line: discovery, built-in commands, app/blueprint commands.

Discovery messages and the ``routes`` table are compared with real Flask's
(``flask.cli`` run on an equivalent Flask app), never hard-coded.
"""

from __future__ import annotations

import json
import os
import pathlib
import signal
import subprocess
import sys
import textwrap
import time
import types
import urllib.request

import click
import pytest
from _procs import free_port
from click.testing import CliRunner

from veloce import Blueprint, Veloce, current_app, g
from veloce.cli import (
    AppGroup,
    NoAppException,
    ScriptInfo,
    VeloceGroup,
    cli,
    find_best_app,
    load_dotenv,
    locate_app,
    prepare_import,
    with_appcontext,
)

ROOT = pathlib.Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _clean_cli_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands write VELOCE_DEBUG / VELOCE_RUN_FROM_CLI into os.environ; undo it."""
    for name in (
        "VELOCE_APP",
        "FLASK_APP",
        "VELOCE_DEBUG",
        "FLASK_DEBUG",
        "VELOCE_RUN_FROM_CLI",
        "FLASK_RUN_FROM_CLI",
        "VELOCE_SKIP_DOTENV",
        "FLASK_SKIP_DOTENV",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "path", list(sys.path))


def _module(name: str, **attrs: object) -> types.ModuleType:
    module = types.ModuleType(name)
    module.__dict__.update(attrs)
    return module


def _flask_message(error: Exception) -> str:
    """Flask's message with its product names read as Veloce's."""
    return (
        str(error)
        .replace("FLASK_APP", "VELOCE_APP")
        .replace("Flask", "Veloce")
        .replace("'flask --app'", "'veloce --app'")
    )


# -- discovery ---------------------------------------------------------------------------


def _pairs() -> list[tuple[str, dict[str, object], dict[str, object]]]:
    """(case, veloce module attrs, flask module attrs) for find_best_app."""
    import flask

    def veloce_factory() -> Veloce:
        return Veloce("f")

    def flask_factory() -> flask.Flask:
        return flask.Flask("f")

    def veloce_needs_arg(config: str) -> Veloce:
        return Veloce("f")

    def flask_needs_arg(config: str) -> flask.Flask:
        return flask.Flask("f")

    return [
        (
            "multiple",
            {"a": Veloce("a"), "b": Veloce("b")},
            {"a": flask.Flask("a"), "b": flask.Flask("b")},
        ),
        ("nothing", {"x": 1}, {"x": 1}),
        ("factory_needs_args", {"create_app": veloce_needs_arg}, {"create_app": flask_needs_arg}),
        ("factory_returns_other", {"make_app": lambda: 1}, {"make_app": lambda: 1}),
        ("ok_app", {"app": Veloce("a")}, {"app": flask.Flask("a")}),
        ("ok_application", {"application": Veloce("a")}, {"application": flask.Flask("a")}),
        ("ok_single", {"thing": Veloce("a")}, {"thing": flask.Flask("a")}),
        ("ok_factory", {"create_app": veloce_factory}, {"create_app": flask_factory}),
    ]


@pytest.mark.parametrize("case", range(8))
def test_find_best_app_matches_flask(case: int) -> None:
    import flask.cli

    name, veloce_attrs, flask_attrs = _pairs()[case]
    try:
        flask_result: object = flask.cli.find_best_app(_module("mod", **flask_attrs))
    except flask.cli.NoAppException as e:
        flask_result = e
    if isinstance(flask_result, Exception):
        with pytest.raises(NoAppException) as info:
            find_best_app(_module("mod", **veloce_attrs))
        assert str(info.value) == _flask_message(flask_result), name
    else:
        assert isinstance(find_best_app(_module("mod", **veloce_attrs)), Veloce), name


def test_find_best_app_factory_type_error_inside_is_not_hidden() -> None:
    def create_app() -> Veloce:
        raise TypeError("bug inside the factory")

    with pytest.raises(TypeError, match="bug inside"):
        find_best_app(_module("mod", create_app=create_app))


APP_STRINGS = [
    "app",
    "create_app()",
    "create_app('x', debug=True)",
    "create_app(1",
    "create_app(a)",
    "a.b",
    "x.y()",
    "missing",
    "not_app",
    "create_app(1, 2, 3)",
    "",
]

MODULE_SOURCE = """\
from {pkg} import {cls}
app = {cls}("app")
not_app = 3
def create_app(name="default", debug=False):
    return {cls}(name)
"""


@pytest.fixture
def app_modules(tmp_path: pathlib.Path) -> pathlib.Path:
    (tmp_path / "vel_discovery_mod.py").write_text(MODULE_SOURCE.format(pkg="veloce", cls="Veloce"))
    (tmp_path / "fl_discovery_mod.py").write_text(MODULE_SOURCE.format(pkg="flask", cls="Flask"))
    (tmp_path / "vel_broken_mod.py").write_text("import no_such_module_hopefully\n")
    (tmp_path / "fl_broken_mod.py").write_text("import no_such_module_hopefully\n")
    return tmp_path


@pytest.mark.parametrize("app_string", APP_STRINGS)
def test_locate_app_by_string_matches_flask(app_modules: pathlib.Path, app_string: str) -> None:
    import flask.cli

    vel_module = prepare_import(str(app_modules / "vel_discovery_mod.py"))
    fl_module = flask.cli.prepare_import(str(app_modules / "fl_discovery_mod.py"))
    try:
        flask_result: object = flask.cli.locate_app(fl_module, app_string)
    except flask.cli.NoAppException as e:
        flask_result = e
    if isinstance(flask_result, Exception):
        with pytest.raises(NoAppException) as info:
            locate_app(vel_module, app_string)
        expected = _flask_message(flask_result).replace("fl_discovery_mod", "vel_discovery_mod")
        assert str(info.value) == expected
    else:
        assert isinstance(locate_app(vel_module, app_string), Veloce)


def test_locate_app_import_errors_match_flask(app_modules: pathlib.Path) -> None:
    import flask.cli

    sys.path.insert(0, str(app_modules))
    with pytest.raises(flask.cli.NoAppException) as flask_missing:
        flask.cli.locate_app("no_such_app_module_x", None)
    with pytest.raises(NoAppException) as missing:
        locate_app("no_such_app_module_x", None)
    assert str(missing.value) == str(flask_missing.value)
    assert locate_app("no_such_app_module_x", None, raise_if_not_found=False) is None
    with pytest.raises(flask.cli.NoAppException) as flask_broken:
        flask.cli.locate_app("fl_broken_mod", None)
    with pytest.raises(NoAppException) as broken:
        locate_app("vel_broken_mod", None)
    first_line = str(flask_broken.value).splitlines()[0].replace("fl_broken_mod", "vel_broken_mod")
    assert str(broken.value).splitlines()[0] == first_line
    assert "No module named 'no_such_module_hopefully'" in str(broken.value)


def test_prepare_import_matches_flask(tmp_path: pathlib.Path) -> None:
    import flask.cli

    pkg = tmp_path / "outer" / "inner"
    pkg.mkdir(parents=True)
    (tmp_path / "outer" / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("")
    (pkg / "mod.py").write_text("")
    for path in (pkg / "mod.py", pkg / "__init__.py", pkg, tmp_path / "plain.py"):
        assert prepare_import(str(path)) == flask.cli.prepare_import(str(path))
        assert sys.path[0] == str(tmp_path)


def test_default_discovery_error_matches_flask(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import flask.cli

    monkeypatch.chdir(tmp_path)
    with pytest.raises(flask.cli.NoAppException) as flask_error:
        flask.cli.ScriptInfo().load_app()
    with pytest.raises(NoAppException) as error:
        ScriptInfo().load_app()
    assert str(error.value) == _flask_message(flask_error.value)


def test_default_discovery_finds_app_py(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "app.py").write_text("from veloce import Veloce\nweb = Veloce('found')\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delitem(sys.modules, "app", raising=False)
    try:
        assert ScriptInfo().load_app().import_name == "found"
    finally:
        sys.modules.pop("app", None)


def test_script_info_sets_debug_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    app = Veloce("x")
    monkeypatch.setenv("FLASK_DEBUG", "1")
    assert ScriptInfo(create_app=lambda: app).load_app().debug is True
    monkeypatch.setenv("VELOCE_DEBUG", "0")
    assert ScriptInfo(create_app=lambda: Veloce("y")).load_app().debug is False


# -- the veloce group ----------------------------------------------------------------------


def _write_app(tmp_path: pathlib.Path, name: str, body: str) -> pathlib.Path:
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(body))
    return path


def test_app_option_env_vars_and_custom_commands(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write_app(
        tmp_path,
        "cli_custom_app",
        """
        import asyncio
        import click
        from veloce import Veloce, current_app, g
        app = Veloce("custom")

        @app.cli.command("hello")
        @click.argument("who")
        def hello(who):
            click.echo(f"hello {who} from {current_app.import_name}")

        @app.cli.command("ahello")
        async def ahello():
            await asyncio.sleep(0)
            g.x = 1
            click.echo(f"async {current_app.import_name} {g.x}")
        """,
    )
    runner = CliRunner()
    result = runner.invoke(cli, ["--app", str(path), "hello", "you"])
    assert result.exit_code == 0, result.output
    assert result.output == "hello you from custom\n"
    for var in ("VELOCE_APP", "FLASK_APP"):
        result = runner.invoke(cli, ["ahello"], env={var: str(path)})
        assert result.exit_code == 0, result.output
        assert result.output == "async custom 1\n"
    result = runner.invoke(cli, ["--help"], env={"VELOCE_APP": str(path)})
    assert "ahello" in result.output and "hello" in result.output


def test_veloce_app_env_wins_over_flask_app(tmp_path: pathlib.Path) -> None:
    one = _write_app(tmp_path, "cli_env_one", "from veloce import Veloce\napp = Veloce('one')\n")
    two = _write_app(tmp_path, "cli_env_two", "from veloce import Veloce\napp = Veloce('two')\n")

    @click.command("which")
    @with_appcontext
    def which() -> None:
        click.echo(current_app.import_name)

    group = VeloceGroup(name="veloce")
    group.add_command(which)
    env = {"VELOCE_APP": str(one), "FLASK_APP": str(two)}
    result = CliRunner().invoke(group, ["which"], env=env)
    assert result.output == "one\n"


def test_unknown_command_reports_missing_app(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["nope"])
    assert result.exit_code == 2
    assert "Could not locate a Veloce application" in result.output


def test_debug_option_sets_env_and_app(tmp_path: pathlib.Path) -> None:
    path = _write_app(
        tmp_path,
        "cli_debug_app",
        """
        import click, os
        from veloce import Veloce, current_app
        app = Veloce("d")

        @app.cli.command("dbg")
        def dbg():
            click.echo(f"{current_app.debug} {os.environ.get('VELOCE_DEBUG')}")
        """,
    )
    runner = CliRunner()
    assert runner.invoke(cli, ["--app", str(path), "--debug", "dbg"]).output == "True 1\n"
    assert runner.invoke(cli, ["--app", str(path), "--no-debug", "dbg"]).output == "False 0\n"
    env = {"FLASK_DEBUG": "1", "VELOCE_DEBUG": None}
    result = runner.invoke(cli, ["--app", str(path), "dbg"], env=env)
    assert result.output == "True 1\n"


def test_dotenv_files_and_env_file(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import dotenv  # noqa: F401 - in the test extra; fail loudly if missing
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".flaskenv").write_text("CLI_A=flaskenv\nCLI_B=flaskenv\nCLI_C=flaskenv\n")
    (tmp_path / ".env").write_text("CLI_B=env\nCLI_C=env\n")
    (tmp_path / "extra.env").write_text("CLI_C=extra\n")
    for name in ("CLI_A", "CLI_B", "CLI_C", "CLI_D"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CLI_D", "real")
    (tmp_path / "custom.env").write_text("CLI_D=file\n")
    assert load_dotenv("extra.env") is True
    assert load_dotenv("custom.env") is True
    assert (os.environ["CLI_A"], os.environ["CLI_B"], os.environ["CLI_C"]) == (
        "flaskenv",
        "env",
        "extra",
    )
    assert os.environ["CLI_D"] == "real"


def test_env_file_option_provides_the_app(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dotenv  # noqa: F401 - in the test extra; fail loudly if missing
    monkeypatch.chdir(tmp_path)
    _write_app(tmp_path, "cli_dotenv_app", "from veloce import Veloce\napp = Veloce('dotenv')\n")
    (tmp_path / "my.env").write_text("VELOCE_APP=cli_dotenv_app\n")
    monkeypatch.delitem(sys.modules, "cli_dotenv_app", raising=False)
    result = CliRunner().invoke(cli, ["-e", "my.env", "routes"])
    assert result.exit_code == 0, result.output
    assert "static" in result.output


def test_load_dotenv_without_python_dotenv_tips(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("X=1\n")
    monkeypatch.setitem(sys.modules, "dotenv", None)
    assert load_dotenv() is False
    assert "Install python-dotenv" in capsys.readouterr().err
    result = CliRunner().invoke(cli, ["-e", ".env", "routes"])
    assert result.exit_code == 2
    assert "python-dotenv must be installed to load an env file." in result.output


def test_version_option() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert "Veloce 0.1.0" in result.output


# -- app.cli, blueprint.cli, test_cli_runner -----------------------------------------------


def test_test_cli_runner_invokes_app_commands() -> None:
    app = Veloce("runner")

    @app.cli.command()
    def hello() -> None:
        click.echo(f"in {current_app.import_name}")

    @app.cli.command(with_appcontext=False)
    def bare() -> None:
        click.echo("none" if not _has_app() else "app")

    result = app.test_cli_runner().invoke(args=["hello"])
    assert result.exit_code == 0 and result.output == "in runner\n"
    assert app.test_cli_runner().invoke(args=["bare"]).output == "none\n"
    assert app.cli.name == app.name


def _has_app() -> bool:
    from veloce.core.context import current_app_or_none

    return current_app_or_none() is not None


def test_app_group_nests_app_groups() -> None:
    app = Veloce("nest")

    @app.cli.group()
    def db() -> None:
        """Database commands."""

    assert isinstance(db, AppGroup)

    @db.command()
    def init() -> None:
        click.echo(current_app.import_name)

    assert app.test_cli_runner().invoke(args=["db", "init"]).output == "nest\n"


@pytest.mark.parametrize(
    ("cli_group", "register_option", "args"),
    [
        ("__unset__", "__unset__", ["bp", "cmd"]),
        ("custom", "__unset__", ["custom", "cmd"]),
        (None, "__unset__", ["cmd"]),
        ("__unset__", "late", ["late", "cmd"]),
        ("custom", None, ["cmd"]),
    ],
)
def test_blueprint_cli_groups_like_flask(
    cli_group: object, register_option: object, args: list[str]
) -> None:
    import flask

    outputs = []
    for app_cls, bp_cls in ((Veloce, Blueprint), (flask.Flask, flask.Blueprint)):
        kwargs = {} if cli_group == "__unset__" else {"cli_group": cli_group}
        bp = bp_cls("bp", __name__, **kwargs)

        @bp.cli.command("cmd")
        def cmd() -> None:
            click.echo("ran")

        app = app_cls("bpcli")
        options = {} if register_option == "__unset__" else {"cli_group": register_option}
        app.register_blueprint(bp, **options)
        result = app.test_cli_runner().invoke(args=args)
        outputs.append((result.exit_code, result.output, sorted(app.cli.commands)))
    assert outputs[0] == outputs[1]


def test_blueprint_without_commands_adds_nothing() -> None:
    app = Veloce("x")
    bp = Blueprint("bp", __name__)
    app.register_blueprint(bp)
    assert app.cli.commands == {}
    assert "_cli" not in bp.__dict__


# -- routes -----------------------------------------------------------------------------------


def _build_route_app(cls: type, host_matching: bool = False, subdomains: bool = False) -> object:
    import flask

    kwargs: dict[str, object] = {}
    if host_matching:
        kwargs.update(host_matching=True, static_host="static.local")
    app = cls("routes_app", **kwargs)
    bp_cls = Blueprint if cls is Veloce else flask.Blueprint
    opts: dict[str, str] = {"host": "api.local"} if host_matching else {}

    @app.route("/", **opts)
    def index() -> str:
        return ""

    @app.route("/items/<int:item_id>", methods=["GET", "PUT", "DELETE"], **opts)
    def item(item_id: int) -> str:
        return ""

    @app.post("/a-much-longer-rule/<path:rest>", **opts)
    def zzz_long_endpoint_name(rest: str) -> str:
        return ""

    bp_kwargs = {"subdomain": "adm"} if subdomains else {}
    bp = bp_cls("admin", __name__, url_prefix="/admin", **bp_kwargs)

    @bp.route("/users", methods=["GET", "POST"], **opts)
    def users() -> str:
        return ""

    app.register_blueprint(bp)
    return app


@pytest.mark.parametrize("sort", ["endpoint", "methods", "domain", "rule", "match"])
@pytest.mark.parametrize("all_methods", [False, True])
@pytest.mark.parametrize("layout", ["plain", "subdomains", "host_matching"])
def test_routes_output_matches_flask(sort: str, all_methods: bool, layout: str) -> None:
    import flask.cli

    args = ["routes", "--sort", sort] + (["--all-methods"] if all_methods else [])
    outputs = []
    for cls in (Veloce, flask.Flask):
        app = _build_route_app(
            cls, host_matching=layout == "host_matching", subdomains=layout == "subdomains"
        )
        group = cli if cls is Veloce else flask.cli.cli
        result = app.test_cli_runner().invoke(group, args)  # type: ignore[attr-defined]
        assert result.exit_code == 0, result.output
        outputs.append(result.output)
    assert outputs[0] == outputs[1]


def test_routes_output_for_example_matches_flask_module(tmp_path: pathlib.Path) -> None:
    """The same module, run by ``veloce routes`` and (via the compat names) ``flask routes``."""
    import flask.cli

    source = (ROOT / "examples" / "hello.py").read_text()
    flask_path = tmp_path / "hello_flask.py"
    flask_path.write_text(
        source.replace(
            "from veloce import Veloce, jsonify, request",
            "from flask import Flask as Veloce, jsonify, request",
        )
    )
    example = str(ROOT / "examples" / "hello.py")
    veloce_result = CliRunner().invoke(cli, ["--app", example, "routes"])
    flask_result = CliRunner().invoke(flask.cli.cli, ["--app", str(flask_path), "routes"])
    assert veloce_result.exit_code == flask_result.exit_code == 0
    assert veloce_result.output == flask_result.output


def test_routes_without_routes_matches_flask() -> None:
    import flask.cli

    veloce_app = Veloce("e", static_folder=None)
    flask_app = flask.Flask("e", static_folder=None)
    veloce_out = veloce_app.test_cli_runner().invoke(cli, ["routes"]).output
    flask_out = flask_app.test_cli_runner().invoke(flask.cli.cli, ["routes"]).output
    assert veloce_out == flask_out == "No routes were registered.\n"


# -- shell, check -------------------------------------------------------------------------------


def test_make_shell_context_includes_processors() -> None:
    app = Veloce("shell")
    app.shell_context_processor(lambda: {"a": 1, "b": 1})
    app.shell_context_processor(lambda: {"b": 2})
    namespace = app.make_shell_context()
    assert namespace["app"] is app and namespace["g"] is g
    assert (namespace["a"], namespace["b"]) == (1, 2)


def test_shell_command_uses_code_interact(monkeypatch: pytest.MonkeyPatch) -> None:
    import code

    from veloce.cli import shell_command

    app = Veloce("shelltest")
    app.shell_context_processor(lambda: {"answer": 42})
    seen: dict[str, object] = {}

    def interact(banner: str = "", local: dict[str, object] | None = None) -> None:
        assert local is not None
        seen.update(local)
        seen["current"] = current_app.import_name

    monkeypatch.setattr(code, "interact", interact)
    monkeypatch.setitem(sys.modules, "IPython", None)
    monkeypatch.delattr(sys, "__interactivehook__", raising=False)
    result = app.test_cli_runner().invoke(shell_command)
    assert result.exit_code == 0, result.output
    assert "App: shelltest" in result.output
    assert seen["answer"] == 42 and seen["app"] is app and seen["current"] == "shelltest"


def test_shell_command_prefers_ipython(monkeypatch: pytest.MonkeyPatch) -> None:
    from veloce.cli import shell_command

    calls: list[dict[str, object]] = []
    fake = types.ModuleType("IPython")
    fake.start_ipython = lambda argv, user_ns: calls.append(user_ns)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "IPython", fake)
    app = Veloce("ipy")
    result = app.test_cli_runner().invoke(shell_command)
    assert result.exit_code == 0, result.output
    assert calls and calls[0]["app"] is app


def test_security_audit_findings() -> None:
    app = Veloce("audit")
    findings = app.security_audit()
    assert any(f.startswith("SECRET_KEY is not set") for f in findings)
    assert any(f.startswith("SESSION_COOKIE_SECURE is off") for f in findings)
    assert any(f.startswith("SESSION_COOKIE_SAMESITE is not set") for f in findings)
    app.config.update(
        SECRET_KEY="dev", DEBUG=True, TESTING=True, SESSION_COOKIE_HTTPONLY=False,
        SESSION_COOKIE_SAMESITE="None", SECRET_KEY_FALLBACKS=["short"],
    )
    text = "\n".join(app.security_audit())
    for needle in (
        "SECRET_KEY is a well-known placeholder",
        "SECRET_KEY_FALLBACKS[0] is weak (5 bytes)",
        "DEBUG is on",
        "TESTING is on",
        "SESSION_COOKIE_HTTPONLY is off",
        "'None' without SESSION_COOKIE_SECURE",
    ):
        assert needle in text
    app.config.update(
        SECRET_KEY=os.urandom(32).hex(), DEBUG=False, TESTING=False, SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_SECURE=True, SECRET_KEY_FALLBACKS=None,
    )
    assert app.security_audit() == []
    app.config["SECRET_KEY"] = "a" * 40
    assert "almost no variety" in app.security_audit()[0]
    app.config["SECRET_KEY"] = "x" * 8 + os.urandom(4).hex()
    assert "is weak (16 bytes)" in app.security_audit()[0]
    app.config["SESSION_COOKIE_SAMESITE"] = "Sometimes"
    assert "browsers only understand" in app.security_audit()[-1]


def test_check_command_exit_status() -> None:
    app = Veloce("check")
    result = app.test_cli_runner().invoke(cli, ["check"])
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == f"{len(app.security_audit())} security issues found:"
    app.config.update(
        SECRET_KEY=os.urandom(32).hex(), SESSION_COOKIE_SECURE=True, SESSION_COOKIE_SAMESITE="Lax"
    )
    result = app.test_cli_runner().invoke(cli, ["check"])
    assert result.exit_code == 0 and result.output == "No security issues found.\n"


# -- run ------------------------------------------------------------------------------------------


def test_run_maps_options_to_the_server(
    monkeypatch: pytest.MonkeyPatch, tmp_path: pathlib.Path
) -> None:
    from veloce.cli import commands

    calls: list[tuple[object, object, object]] = []
    monkeypatch.setattr(commands, "serve", lambda *args: calls.append(args))
    app = Veloce("runopts")
    runner = app.test_cli_runner()
    extra = tmp_path / "extra.cfg"
    extra.write_text("")
    result = runner.invoke(
        cli,
        ["run", "--host", "0.0.0.0", "-p", "8123", "--debug", "--extra-files", str(extra),
         "--exclude-patterns", "*.tmp"],
    )
    assert result.exit_code == 0, result.output
    assert " * Debug mode: on" in result.output
    options = calls[-1][2]
    assert (options.host, options.port) == ("0.0.0.0", 8123)
    assert (options.reload, options.workers, options.server) == (True, 1, "builtin")
    assert options.extra_files == [str(extra)] and options.exclude_patterns == ["*.tmp"]
    result = runner.invoke(cli, ["run", "--no-debug", "--workers", "3"])
    assert calls[-1][2].reload is False and calls[-1][2].workers == 3
    result = runner.invoke(cli, ["run", "--reload", "--workers", "2"])
    assert result.exit_code == 2 and "cannot be combined" in result.output
    result = runner.invoke(cli, ["run", "--cert", "adhoc"])
    assert result.exit_code == 2 and "Ad-hoc certificates are not supported" in result.output
    result = runner.invoke(cli, ["run", "--cert", str(extra)])
    assert result.exit_code == 2 and 'Required when using "--cert".' in result.output
    result = runner.invoke(cli, ["run", "--key", str(extra)])
    assert result.exit_code == 2 and '"--cert" must also be specified.' in result.output
    result = runner.invoke(cli, ["run", "--cert", str(extra), "--key", str(extra)])
    assert result.exit_code == 0 and calls[-1][2].certfile == calls[-1][2].keyfile == str(extra)


def test_run_without_uvicorn_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    result = Veloce("nouv").test_cli_runner().invoke(cli, ["run", "--server", "uvicorn"])
    assert result.exit_code == 1
    assert "install 'veloce[server]'" in result.output


def test_run_serves_example_over_http_in_a_subprocess(tmp_path: pathlib.Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VELOCE_", "FLASK_"))}
    proc = subprocess.Popen(
        [sys.executable, "-m", "veloce", "--app", "examples/hello.py", "run", "--port", str(port),
         "--server", "uvicorn"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        body = b""
        for _ in range(200):  # Poll for readiness (not a timing assertion).
            if proc.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json", timeout=5) as resp:
                    body = resp.read()
                break
            except OSError:
                time.sleep(0.05)
        assert json.loads(body) == {"message": "Hello, World!"}
    finally:
        os.kill(proc.pid, signal.SIGINT)
        output = proc.communicate(timeout=30)[0].decode()
    assert proc.returncode is not None
    assert " * Serving Veloce app 'examples/hello.py'" in output


def test_python_dash_m_veloce_help_lists_commands() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "veloce", "--help"], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0
    for name in ("run", "routes", "shell", "check"):
        assert f"  {name} " in result.stdout


def test_compat_flask_cli_names() -> None:
    from veloce.compat.flask import cli as compat_cli

    assert compat_cli.AppGroup is AppGroup and compat_cli.ScriptInfo is ScriptInfo
    assert compat_cli.cli.context_settings["auto_envvar_prefix"] == "FLASK"
    app = Veloce("compat")
    result = app.test_cli_runner().invoke(compat_cli.cli, ["routes"])
    assert result.exit_code == 0 and "static" in result.output

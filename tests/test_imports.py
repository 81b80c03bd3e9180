"""Import hygiene: layering, no Flask/Werkzeug at runtime, no heavy optional imports."""

from __future__ import annotations

import ast
import pathlib
import subprocess
import sys

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "veloce"

# Modules of the Flask-shaped app layer; core/ must never import them.
APP_LAYER = {
    "veloce.app",
    "veloce.app_errors",
    "veloce.scaffold",
    "veloce.dispatch",
    "veloce.ctx",
    "veloce.globals",
    "veloce.local",
    "veloce.helpers",
    "veloce.testing",
    "veloce.cli",
}


def _module_name(path: pathlib.Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: pathlib.Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    package = _module_name(path)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                if node.level > 1:
                    base = base[: -(node.level - 1)]
                prefix = ".".join(base)
                module = f"{prefix}.{node.module}" if node.module else prefix
            else:
                module = node.module or ""
            names.append(module)
            names.extend(f"{module}.{alias.name}" for alias in node.names)
    return names


ALL_MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", ALL_MODULES, ids=lambda p: _module_name(p))
def test_no_module_imports_flask_or_werkzeug(path: pathlib.Path) -> None:
    bad = [n for n in _imports(path) if n.split(".")[0] in {"flask", "werkzeug"}]
    assert not bad, f"{_module_name(path)} imports {bad}"


@pytest.mark.parametrize(
    "path",
    [p for p in ALL_MODULES if _module_name(p).startswith("veloce.core")],
    ids=lambda p: _module_name(p),
)
def test_core_does_not_import_app_layer_or_compat(path: pathlib.Path) -> None:
    bad = [
        n
        for n in _imports(path)
        if any(n == m or n.startswith(m + ".") for m in APP_LAYER)
        or n.startswith("veloce.compat")
    ]
    assert not bad, f"{_module_name(path)} imports {bad}"


@pytest.mark.parametrize(
    "path",
    [p for p in ALL_MODULES if not _module_name(p).startswith("veloce.compat")],
    ids=lambda p: _module_name(p),
)
def test_only_compat_imports_compat(path: pathlib.Path) -> None:
    bad = [n for n in _imports(path) if n.startswith("veloce.compat")]
    assert not bad, f"{_module_name(path)} imports {bad}"


def test_import_veloce_loads_no_flask_werkzeug_or_optional_backends() -> None:
    code = (
        "import sys, veloce\n"
        "from veloce import Veloce\n"
        "app = Veloce(__name__)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'flask', 'werkzeug', 'uvicorn', 'redis', 'pydantic', 'watchfiles', 'dotenv',"
        " 'multipart', 'python_multipart', 'wsproto', 'websockets', 'httpx'})\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "", f"import veloce pulled in: {out}"


def test_console_script_prints_usage_without_crashing() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "veloce", "--help"], capture_output=True, text=True
    )
    assert result.returncode == 0
    assert "uvicorn" in result.stdout


def test_lazy_test_client_names_resolve() -> None:
    import veloce
    from veloce.testing import AsyncTestClient, TestClient

    assert veloce.TestClient is TestClient
    assert veloce.AsyncTestClient is AsyncTestClient

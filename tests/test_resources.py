"""``open_resource`` / ``open_instance_resource`` (veloce/resources.py).

Flask's tutorial loads its schema with ``current_app.open_resource("schema.sql")``;
these check the lookup is relative to the package directory, not the working
directory, and that package resources are read-only.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from veloce import Blueprint, Veloce


@pytest.fixture
def package(tmp_path: Path) -> Path:
    root = tmp_path / "pkg"
    (root / "sql").mkdir(parents=True)
    (root / "sql" / "schema.sql").write_text("CREATE TABLE café (id);\n", encoding="utf-8")
    return root


def test_app_open_resource_binary_by_default(package: Path, monkeypatch) -> None:
    monkeypatch.chdir(package.parent)  # the working directory does not matter
    app = Veloce("pkg", package_root=str(package))
    with app.open_resource("sql/schema.sql") as f:
        assert f.read() == "CREATE TABLE café (id);\n".encode()


@pytest.mark.parametrize("mode", ["r", "rt"])
def test_app_open_resource_text_with_encoding(package: Path, mode: str) -> None:
    app = Veloce("pkg", package_root=str(package))
    with app.open_resource("sql/schema.sql", mode, encoding="utf-8") as f:
        assert f.read() == "CREATE TABLE café (id);\n"


@pytest.mark.parametrize("mode", ["w", "wb", "a", "r+", "x"])
def test_open_resource_refuses_writing(package: Path, mode: str) -> None:
    app = Veloce("pkg", package_root=str(package))
    with pytest.raises(ValueError, match="only be opened for reading"):
        app.open_resource("sql/schema.sql", mode)
    assert (package / "sql" / "schema.sql").read_text(encoding="utf-8").startswith("CREATE")


def test_missing_resource_raises_file_not_found(package: Path) -> None:
    app = Veloce("pkg", package_root=str(package))
    with pytest.raises(FileNotFoundError):
        app.open_resource("nope.sql")


def test_blueprint_open_resource_is_relative_to_its_directory(package: Path) -> None:
    bp = Blueprint("admin", "pkg.admin", root_path=str(package / "sql"))
    with bp.open_resource("schema.sql") as f:
        assert f.read().startswith(b"CREATE TABLE")


def test_open_instance_resource_reads_and_writes(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    instance.mkdir()
    app = Veloce("pkg", package_root=str(tmp_path), instance_path=str(instance))
    with app.open_instance_resource("settings.cfg", "w") as f:
        f.write("DEBUG = Trué\n")
    assert (instance / "settings.cfg").read_text(encoding="utf-8") == "DEBUG = Trué\n"
    with app.open_instance_resource("settings.cfg") as f:
        assert f.read() == "DEBUG = Trué\n".encode()
    with app.open_instance_resource("settings.cfg", "r") as f:
        assert f.read() == "DEBUG = Trué\n"

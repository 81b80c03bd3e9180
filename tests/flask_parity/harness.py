"""Drive the runner under both frameworks and compare what they recorded.

Used by ``test_parity.py`` (one pytest test per case) and by ``report.py`` (a
per-area summary). Case lists are read from the app modules' source with ``ast``,
so collecting the tests imports neither Flask nor Veloce; the apps themselves only
ever run inside the runner subprocesses, one per framework, each with fresh module
state.
"""

from __future__ import annotations

import ast
import difflib
import json
import os
import subprocess
import sys
import tempfile
import typing as t
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "APPS_DIR",
    "EXPIRES_TOLERANCE",
    "REPO",
    "Comparison",
    "app_classes",
    "compare_case",
    "discover_areas",
    "failures",
    "read_cases",
    "run_frameworks",
]

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
APPS_DIR = HERE / "apps"
FRAMEWORKS = ("flask", "veloce")
RUN_TIMEOUT = 120.0
#: Seconds two ``Expires`` deltas may differ by (both runs happen within a second or
#: two of each other, and each rounds to whole seconds).
EXPIRES_TOLERANCE = 5


def discover_areas() -> list[str]:
    """Names of the app modules under ``apps/`` (one area each), sorted."""
    return sorted(p.stem for p in APPS_DIR.glob("*.py") if not p.stem.startswith("_"))


def read_cases(area: str) -> list[dict[str, t.Any]]:
    """The ``CASES`` list of ``apps/<area>.py``, without importing the module.

    ``CASES`` must be a self-contained expression: literals plus operators such as
    ``"x" * 5000`` (it is evaluated with no names and no builtins in scope).

    Raises:
        ValueError: the module has no ``CASES = [...]`` assignment.
    """
    path = APPS_DIR / f"{area}.py"
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        target = node.targets[0] if isinstance(node, ast.Assign) else None
        if isinstance(target, ast.Name) and target.id == "CASES":
            code = compile(ast.Expression(node.value), str(path), "eval")
            return t.cast("list[dict[str, t.Any]]", eval(code, {"__builtins__": {}}, {}))
    raise ValueError(f"apps/{area}.py has no CASES list")


def _runner_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_"))}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env["PYTHONHASHSEED"] = "0"
    return env


def run_frameworks(
    areas: t.Sequence[str], frameworks: t.Sequence[str] = FRAMEWORKS
) -> dict[str, dict[str, t.Any]]:
    """Run every area under each framework (concurrent subprocesses, one per framework).

    Returns:
        ``{framework: runner output}``; a runner that crashed gives
        ``{"crashed": stderr}`` instead.
    """
    with tempfile.TemporaryDirectory(prefix="flask-parity-") as tmp:
        procs = {}
        for framework in frameworks:
            out = Path(tmp) / f"{framework}.json"
            log = (Path(tmp) / f"{framework}.log").open("wb")
            cmd = [sys.executable, "-m", "tests.flask_parity.runner", framework, *areas,
                   "--out", str(out)]
            procs[framework] = (subprocess.Popen(cmd, cwd=REPO, env=_runner_env(),
                                                 stdout=log, stderr=subprocess.STDOUT), out, log)
        results: dict[str, dict[str, t.Any]] = {}
        for framework, (proc, out, log) in procs.items():
            try:
                proc.wait(timeout=RUN_TIMEOUT)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            log.close()
            if proc.returncode == 0 and out.exists():
                results[framework] = json.loads(out.read_text(encoding="utf-8"))
            else:
                text = (Path(tmp) / f"{framework}.log").read_text(errors="replace")
                results[framework] = {"crashed": f"exit {proc.returncode}\n{text[-4000:]}"}
        return results


_BROKEN_KEYS = {"runner_crashed", "runner_error", "app_import_error"}


def _last_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[-1] if lines else ""


def _area_record(result: dict[str, t.Any], area: str, case_id: str) -> t.Any:
    # Failures of the whole run are summarised here; failures() has the full text.
    if "crashed" in result:
        return {"runner_crashed": _last_line(result["crashed"])}
    area_result = result["areas"].get(area)
    if area_result is None:
        return {"runner_error": f"area {area!r} not run"}
    if area_result["error"] is not None:
        error = area_result["error"]
        return {"app_import_error": {"type": error["type"], "message": error["message"]}}
    return area_result["records"].get(case_id, {"runner_error": f"case {case_id!r} missing"})


def failures(results: dict[str, dict[str, t.Any]]) -> list[str]:
    """Full text of every crashed runner and every app module that failed to import."""
    found = []
    for framework, result in results.items():
        if "crashed" in result:
            found.append(f"the {framework} runner crashed:\n{result['crashed']}")
            continue
        for area, data in result["areas"].items():
            if data["error"] is not None:
                found.append(f"apps/{area}.py failed to import under {framework}:\n"
                             f"{data['error']['traceback']}")
    return found


def _reconcile(left: t.Any, right: t.Any) -> tuple[t.Any, t.Any]:
    """Make near-equal ``Expires`` deltas equal, recursively (other values untouched)."""
    if isinstance(left, dict) and isinstance(right, dict):
        if set(left) == {"delta", "format_ok"} == set(right):
            if abs(left["delta"] - right["delta"]) <= EXPIRES_TOLERANCE:
                right = {**right, "delta": left["delta"]}
            return left, right
        pairs = {k: _reconcile(left[k], right[k]) for k in left.keys() & right.keys()}
        return ({**left, **{k: v[0] for k, v in pairs.items()}},
                {**right, **{k: v[1] for k, v in pairs.items()}})
    if isinstance(left, list) and isinstance(right, list) and len(left) == len(right):
        pairs2 = [_reconcile(a, b) for a, b in zip(left, right, strict=True)]
        return [a for a, _ in pairs2], [b for _, b in pairs2]
    return left, right


@dataclass(frozen=True)
class Comparison:
    """The two records of one case and whether they agree."""

    area: str
    case_id: str
    flask: t.Any
    veloce: t.Any
    #: A runner crashed or the app failed to import: never identical, even if both did.
    broken: bool = False

    @property
    def key(self) -> str:
        """``area::case_id``, the allowlist key."""
        return f"{self.area}::{self.case_id}"

    @property
    def identical(self) -> bool:
        """Whether Veloce recorded what Flask recorded."""
        return not self.broken and bool(self.flask == self.veloce)

    def diff(self) -> str:
        """A unified diff, Flask's record first."""
        left = json.dumps(self.flask, indent=2, sort_keys=True, ensure_ascii=False)
        right = json.dumps(self.veloce, indent=2, sort_keys=True, ensure_ascii=False)
        return "\n".join(difflib.unified_diff(
            left.splitlines(), right.splitlines(), "flask", "veloce", lineterm="", n=2
        ))


def compare_case(results: dict[str, dict[str, t.Any]], area: str, case_id: str) -> Comparison:
    """Both frameworks' records of one case, with tolerated drift removed."""
    flask_record, veloce_record = _reconcile(
        _area_record(results["flask"], area, case_id),
        _area_record(results["veloce"], area, case_id),
    )
    broken = any(
        isinstance(record, dict) and set(record) & _BROKEN_KEYS
        for record in (flask_record, veloce_record)
    )
    return Comparison(area, case_id, flask_record, veloce_record, broken)


def app_classes(results: dict[str, dict[str, t.Any]], framework: str) -> dict[str, str | None]:
    """``{area: "module.Class"}`` of the app object each run actually built."""
    result = results[framework]
    if "crashed" in result:
        return {}
    return {area: data["app_class"] for area, data in result["areas"].items()}

"""Runs ``examples/mixed_async``'s own tests (the dashboard) in this suite, in-process.

The example's test module is imported as is; its tests and fixtures become this
module's, so ``pytest tests/`` covers the example without a subprocess.
"""

import pathlib
import sys

import pytest

EXAMPLE = pathlib.Path(__file__).resolve().parents[1] / "examples" / "mixed_async"
for _path in (EXAMPLE, EXAMPLE / "tests"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

pytest.register_assert_rewrite("test_dashboard")  # full assertion messages, as for collected tests
from test_dashboard import *  # noqa: E402,F403

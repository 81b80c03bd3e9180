"""Suite-wide guards.

Every test must leave no Veloce context bound. A context left bound (a ``with
app.app_context():`` never exited, a ``push()`` without ``pop()``, a dispatcher that
forgets to reset the ContextVar) would make ``current_app``/``g``/``request`` of the
*next* test silently resolve to a stale app, so the leak check fails the test that
leaked, then unbinds the context so later tests are judged on their own.
"""

from __future__ import annotations

import typing as t

import pytest

from veloce.core.context import _cv_ctx


@pytest.fixture(autouse=True)
def _no_context_left_bound() -> t.Iterator[None]:
    """Fail the test if a Veloce app/request context is still bound after it."""
    yield
    leaked = _cv_ctx.get(None)
    if leaked is not None:
        # Unbind first: the failure must not cascade into the following tests.
        _cv_ctx.set(None)
        pytest.fail(f"a Veloce context is still bound after the test: {leaked!r}",
                    pytrace=False)


def _configure_hypothesis() -> None:
    """In CI (``CI`` set), property tests use a fixed seed so a run is repeatable.

    Locally they stay randomised, which is how new edge cases get found.
    """
    import os

    from hypothesis import settings

    settings.register_profile("ci", derandomize=True, database=None)
    if os.environ.get("CI"):
        settings.load_profile("ci")


_configure_hypothesis()

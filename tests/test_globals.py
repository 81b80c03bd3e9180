"""The context globals and their proxies (more in the lifecycle issue)."""

from __future__ import annotations

import flask
import pytest

from veloce import Veloce, current_app, g, has_app_context, has_request_context, request
from veloce.local import LocalProxy


def test_outside_context_messages_match_flask() -> None:
    for ours, theirs in ((current_app, flask.current_app), (g, flask.g), (request, flask.request)):
        with pytest.raises(RuntimeError) as ours_error:
            ours.anything  # noqa: B018
        with pytest.raises(RuntimeError) as flask_error:
            theirs.anything  # noqa: B018
        assert str(ours_error.value) == str(flask_error.value)


def test_app_context_binds_current_app_and_g() -> None:
    app = Veloce(__name__)
    assert not has_app_context()
    with app.app_context():
        assert has_app_context() and not has_request_context()
        assert current_app._get_current_object() is app
        g.value = 1
        assert g.get("value") == 1 and "value" in g and list(g) == ["value"]
        assert g.setdefault("other", 2) == 2 and g.pop("other") == 2
        with pytest.raises(KeyError):
            g.pop("missing")
    assert not has_app_context()


def test_nested_app_contexts_restore() -> None:
    first, second = Veloce("first"), Veloce("second")
    with first.app_context():
        g.tag = "first"
        with second.app_context():
            assert current_app.name == "second"
            assert "tag" not in g
        assert current_app.name == "first" and g.tag == "first"


def test_teardown_appcontext_runs_with_exception() -> None:
    app = Veloce(__name__)
    seen = []
    app.teardown_appcontext(lambda exc: seen.append(exc))
    with pytest.raises(ValueError):
        with app.app_context():
            raise ValueError("x")
    assert isinstance(seen[0], ValueError)


def test_local_proxy_forwards_operators() -> None:
    target = {"a": 1}
    proxy = LocalProxy(lambda: target)
    assert proxy["a"] == 1
    assert "a" in proxy and len(proxy) == 1 and list(proxy) == ["a"]
    proxy["b"] = 2
    assert target["b"] == 2
    assert proxy == target and isinstance(proxy, dict)
    assert repr(proxy) == repr(target) and bool(proxy)
    assert proxy._get_current_object() is target
    number = LocalProxy(lambda: 5)
    assert number + 1 == 6 and 1 + number == 6 and -number == -5 and int(number) == 5


def test_unbound_proxy_is_falsy_and_repr_safe() -> None:
    assert not request
    assert "unbound" in repr(request)

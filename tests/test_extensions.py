"""Flask extensions on Veloce beyond the sequential parity cases.

The parity apps (``tests/flask_parity/apps/ext_*.py``) show that Flask-Login,
Flask-WTF, Flask-CORS and Flask-SQLAlchemy answer as under Flask, one request at a
time. Here: the compat pieces they import (``werkzeug.local.LocalProxy``,
``werkzeug.utils.cached_property``), and what only concurrency shows: each in-flight
request gets its own Flask-SQLAlchemy session and its own Flask-Login user, whether
its view is sync (worker threads) or async (tasks on one loop), and every session is
removed at teardown. The extension scenarios run in a subprocess, since
``veloce.compat.install()`` refuses to run once this session has imported the real
Flask.
"""

from __future__ import annotations

import contextvars
import json
import os
import subprocess
import sys
import textwrap
import typing as t
from pathlib import Path

import pytest

from veloce.compat.werkzeug.local import LocalProxy
from veloce.compat.werkzeug.utils import cached_property
from veloce.local import LocalProxy as NativeLocalProxy

REPO = Path(__file__).resolve().parent.parent
SUBPROCESS_TIMEOUT = 90.0

_cv_thing: contextvars.ContextVar[dict[str, int]] = contextvars.ContextVar("_cv_thing")


def test_local_proxy_over_callable() -> None:
    store = {"user": {"name": "ann"}}
    proxy = LocalProxy(lambda: store["user"])
    assert proxy["name"] == "ann"
    store["user"] = {"name": "ben"}
    assert proxy["name"] == "ben"
    assert isinstance(proxy, NativeLocalProxy)
    assert isinstance(proxy, dict)


def test_local_proxy_over_context_var_and_name() -> None:
    proxy = LocalProxy(_cv_thing, unbound_message="no thing here")
    count = LocalProxy(_cv_thing, "get")
    with pytest.raises(RuntimeError, match="no thing here"):
        proxy._get_current_object()
    assert not proxy
    token = _cv_thing.set({"n": 3})
    try:
        assert proxy["n"] == 3
        assert count("n") == 3
    finally:
        _cv_thing.reset(token)


def test_local_proxy_rejects_other_locals() -> None:
    with pytest.raises(TypeError, match="callable or a ContextVar"):
        LocalProxy(object())  # type: ignore[arg-type]


def test_cached_property_computes_once() -> None:
    calls = []

    class Form:
        @cached_property
        def meta(self) -> int:
            calls.append(1)
            return 42

    form = Form()
    assert (form.meta, form.meta, len(calls)) == (42, 42, 1)
    form.meta = 7
    assert form.meta == 7


CONCURRENCY_SCRIPT = """
import asyncio, json, tempfile, threading
from pathlib import Path

import veloce.compat
veloce.compat.install()

from flask import Flask, g, jsonify, request
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import select
from veloce.testing import AsyncTestClient

N = 4
tmp = tempfile.mkdtemp()
app = Flask(__name__)
app.testing = True
app.secret_key = "concurrency"
app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(tmp) / 'c.db'}"
db = SQLAlchemy(app)
login = LoginManager(app)


class Item(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(20))


class User(UserMixin):
    def __init__(self, uid):
        self.id = uid


login.user_loader(User)

with app.app_context():
    db.create_all()
    db.session.add_all([Item(name=f"item{i}") for i in range(N)])
    db.session.commit()

thread_barrier = threading.Barrier(N, timeout=20)
loop_barrier = None
seen = {"sync": [], "async": []}
teardown_sessions = []


@app.before_request
def remember_session():
    g.first_session = db.session()


@app.teardown_appcontext
def after(exc):
    teardown_sessions.append(db.session.registry.has())


def observe(kind):
    session = db.session()
    name = db.session.scalar(select(Item.name).filter_by(id=int(request.args["i"]) + 1))
    seen[kind].append(session)
    return jsonify(name=name, user=current_user.get_id(),
                   same_in_request=session is g.first_session)


@app.route("/sync")
@login_required
def sync_view():
    thread_barrier.wait()            # all N requests are in their views at once
    return observe("sync")


@app.route("/async")
@login_required
async def async_view():
    await asyncio.wait_for(loop_barrier.wait(), 20)
    return observe("async")


@app.route("/login/<uid>")
def do_login(uid):
    login_user(User(uid))
    return "ok"


async def main():
    global loop_barrier
    loop_barrier = asyncio.Barrier(N)
    clients = [AsyncTestClient(app) for _ in range(N)]
    for i, client in enumerate(clients):
        await client.get(f"/login/user{i}")
    out = {}
    for kind in ("sync", "async"):
        responses = await asyncio.gather(
            *(client.get(f"/{kind}?i={i}") for i, client in enumerate(clients)))
        out[kind] = {
            "status": [r.status_code for r in responses],
            "bodies": [r.get_json() for r in responses],
            "distinct_sessions": len({id(s) for s in seen[kind]}),
        }
    out["registry_left"] = len(db.session.registry.registry)
    out["teardown_saw_session"] = teardown_sessions[-2 * N:]
    return out


print(json.dumps(asyncio.run(main())))
"""


def test_concurrent_requests_get_own_session_and_user() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(CONCURRENCY_SCRIPT)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=SUBPROCESS_TIMEOUT,
    )
    assert proc.returncode == 0, proc.stderr
    result: dict[str, t.Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    for kind in ("sync", "async"):
        observed = result[kind]
        assert observed["status"] == [200] * 4, observed
        assert observed["bodies"] == [
            {"name": f"item{i}", "user": f"user{i}", "same_in_request": True} for i in range(4)
        ]
        assert observed["distinct_sessions"] == 4
    assert result["teardown_saw_session"] == [True] * 8
    assert result["registry_left"] == 0

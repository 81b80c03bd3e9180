"""Flask-SQLAlchemy, unmodified, on a sqlite file: models, per-request sessions, 404 helpers.

Flask-SQLAlchemy keeps itself in ``app.extensions["sqlalchemy"]``, fills config with
``app.config.setdefault``, scopes ``db.session`` to the current app context through
``flask.globals.app_ctx`` (``id(app_ctx._get_current_object())``), removes it in
``app.teardown_appcontext``, reads ``request.args`` for pagination, aborts with 404
from ``get_or_404``/``first_or_404``/``paginate``, records queries in ``g`` and sends
``models_committed`` through its own blinker ``Namespace``. Each framework's runner
process gets its own database file.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

from flask import Flask, abort, jsonify, request
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.record_queries import get_recorded_queries
from flask_sqlalchemy.track_modifications import models_committed
from sqlalchemy import ForeignKey, String, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column, relationship

_tmp = tempfile.mkdtemp(prefix="ext-sqlalchemy-")
atexit.register(shutil.rmtree, _tmp, ignore_errors=True)

app = Flask(__name__)
app.testing = True
app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(_tmp) / 'app.db'}"
app.config["SQLALCHEMY_RECORD_QUERIES"] = True
app.config["SQLALCHEMY_TRACK_MODIFICATIONS"] = True

db = SQLAlchemy(app)

#: ``models_committed`` deliveries, read back by ``/committed``.
COMMITTED: list[list[str]] = []


class User(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    posts: Mapped[list[Post]] = relationship(back_populates="author", order_by="Post.id")

    def to_dict(self):
        return {"id": self.id, "name": self.name, "posts": [p.title for p in self.posts]}


class Post(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(80))
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    author: Mapped[User] = relationship(back_populates="posts")


@models_committed.connect_via(app)
def _committed(sender, changes):
    COMMITTED.append(sorted(f"{op}:{type(obj).__name__}" for obj, op in changes))


with app.app_context():
    db.create_all()
    for number, name in enumerate(["ann", "ben", "cai", "dee", "eve"], start=1):
        user = User(name=name)
        user.posts = [Post(title=f"{name} post {i}") for i in range(number % 3)]
        db.session.add(user)
    db.session.commit()
    COMMITTED.clear()


@app.route("/users")
def list_users():
    page = db.paginate(select(User).order_by(User.id), max_per_page=3)
    return jsonify(
        items=[u.name for u in page.items],
        page=page.page,
        per_page=page.per_page,
        pages=page.pages,
        total=page.total,
        has_next=page.has_next,
        has_prev=page.has_prev,
        next_num=page.next_num,
        iter_pages=list(page.iter_pages(left_edge=1, left_current=1, right_current=1,
                                        right_edge=1)),
    )


@app.route("/users/<int:user_id>")
def get_user(user_id):
    return jsonify(db.get_or_404(User, user_id, description=f"no user {user_id}").to_dict())


@app.route("/by-name/<name>")
def by_name(name):
    user = db.first_or_404(select(User).filter_by(name=name))
    return jsonify(user.to_dict())


@app.route("/one/<name>")
def one(name):
    return jsonify(db.one_or_404(select(User).filter_by(name=name)).to_dict())


@app.route("/users", methods=["POST"])
def create_user():
    payload = request.get_json()
    if not isinstance(payload, dict) or not payload.get("name"):
        abort(400, description="name required")
    user = User(name=payload["name"])
    user.posts = [Post(title=title) for title in payload.get("posts", [])]
    db.session.add(user)
    db.session.commit()
    return jsonify(user.to_dict()), 201


@app.route("/users/<int:user_id>", methods=["DELETE"])
def delete_user(user_id):
    user = db.get_or_404(User, user_id)
    for post in user.posts:
        db.session.delete(post)
    db.session.delete(user)
    db.session.commit()
    return "", 204


@app.route("/stats")
def stats():
    count = db.session.scalar(select(func.count(User.id)))
    posts = db.session.execute(
        select(User.name, func.count(Post.id)).outerjoin(Post).group_by(User.id).order_by(User.id)
    ).all()
    return jsonify(users=count, posts={name: n for name, n in posts})


@app.route("/session-scope")
def session_scope():
    """Whether this request started without a session, and leaves one uncommitted row."""
    fresh = not db.session.registry.has()
    db.session.add(User(name="uncommitted"))
    db.session.flush()
    visible = db.session.scalar(select(func.count()).where(User.name == "uncommitted"))
    return jsonify(fresh=fresh, visible_inside=visible, same=db.session() is db.session())


@app.route("/uncommitted")
def uncommitted():
    return jsonify(count=db.session.scalar(select(func.count()).where(User.name == "uncommitted")))


@app.route("/async/users/<int:user_id>")
async def async_get_user(user_id):
    return jsonify(db.get_or_404(User, user_id).to_dict())


@app.route("/async/users", methods=["POST"])
async def async_create_user():
    user = User(name=request.get_json()["name"])
    db.session.add(user)
    db.session.commit()
    return jsonify(user.to_dict()), 201


@app.route("/async/session-scope")
async def async_session_scope():
    fresh = not db.session.registry.has()
    db.session.add(User(name="uncommitted"))
    db.session.flush()
    return jsonify(fresh=fresh)


@app.route("/queries")
def queries():
    db.session.scalar(select(User).filter_by(name="ann"))
    db.session.scalar(select(func.count(Post.id)))
    recorded = get_recorded_queries()
    return jsonify(count=len(recorded),
                   statements=[q.statement.split()[0] for q in recorded],
                   located=all(q.location for q in recorded))


@app.route("/committed")
def committed():
    seen = list(COMMITTED)
    COMMITTED.clear()
    return jsonify(seen)


@app.errorhandler(IntegrityError)
def integrity_error(error):
    db.session.rollback()
    return jsonify(error="conflict", orig=type(error.orig).__name__), 409


def sessions_follow_app_contexts():
    with app.app_context():
        outer = db.session()
        with app.app_context():
            inner = db.session()
            inner_names = db.session.scalars(select(User.name).order_by(User.id)).all()
        outer_again = db.session()
    with app.app_context():
        later = db.session.registry.has()
    return {"nested_differs": outer is not inner, "outer_kept": outer is outer_again,
            "inner_names": inner_names, "fresh_context_has_session": later,
            "extension_registered": app.extensions["sqlalchemy"] is db}


def session_outside_context():
    return db.session.scalar(select(func.count(User.id)))


def request_context_scoping():
    with app.test_request_context("/users?page=2&per_page=2"):
        page = db.paginate(select(User).order_by(User.id))
        return {"items": [u.name for u in page.items], "page": page.page,
                "teardown_pending": db.session.registry.has()}


CASES = [
    {"id": "get_user", "path": "/users/2"},
    {"id": "get_user_missing_404", "path": "/users/999"},
    {"id": "first_or_404_found", "path": "/by-name/cai"},
    {"id": "first_or_404_missing", "path": "/by-name/zed"},
    {"id": "one_or_404_missing", "path": "/one/zed"},
    {"id": "paginate_default", "path": "/users"},
    {"id": "paginate_page_2", "path": "/users?page=2&per_page=2"},
    {"id": "paginate_per_page_capped", "path": "/users?per_page=50"},
    {"id": "paginate_out_of_range_404", "path": "/users?page=9&per_page=2"},
    {"id": "paginate_bad_page_defaults", "path": "/users?page=abc&per_page=x"},
    {"id": "paginate_zero_page_404", "path": "/users?page=0"},
    {"id": "stats", "path": "/stats"},
    {"id": "create_then_read", "steps": [
        {"method": "POST", "path": "/users", "kwargs": {"json": {"name": "fay",
                                                               "posts": ["hi", "again"]}}},
        {"path": "/by-name/fay"},
        {"path": "/committed"},
        {"method": "DELETE", "path": "/users/6"},
        {"path": "/users/6"},
        {"path": "/committed"},
    ]},
    {"id": "create_duplicate_conflict", "steps": [
        {"method": "POST", "path": "/users", "kwargs": {"json": {"name": "ann"}}},
        {"path": "/stats"},
    ]},
    {"id": "create_bad_payload", "method": "POST", "path": "/users",
     "kwargs": {"json": ["not", "a", "dict"]}},
    {"id": "session_removed_after_request", "steps": [
        {"path": "/session-scope"},
        {"path": "/uncommitted"},
        {"path": "/session-scope"},
    ]},
    {"id": "recorded_queries", "path": "/queries"},
    {"id": "async_view_get", "path": "/async/users/3"},
    {"id": "async_view_get_404", "path": "/async/users/99"},
    {"id": "async_view_create_and_scope", "steps": [
        {"method": "POST", "path": "/async/users", "kwargs": {"json": {"name": "gus"}}},
        {"path": "/by-name/gus"},
        {"path": "/async/session-scope"},
        {"path": "/uncommitted"},
        {"method": "DELETE", "path": "/users/6"},
        {"path": "/committed"},
    ]},
    {"id": "sessions_follow_app_contexts", "call": "sessions_follow_app_contexts"},
    {"id": "session_outside_context", "call": "session_outside_context"},
    {"id": "request_context_scoping", "call": "request_context_scoping"},
]

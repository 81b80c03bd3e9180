"""Posts: the public list, and create/edit/delete for their authors.

Editing someone else's post is a 403 and a missing post a 404, both through
``abort`` so the app's error pages answer.
"""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)

from blog.auth import login_required
from blog.db import get_db

bp = Blueprint("posts", __name__)


def fetch_post(post_id, must_own=True):
    """The post with its author's name; 404 if missing, 403 if not the user's."""
    post = (
        get_db()
        .execute(
            "SELECT p.id, title, body, published, author_id, username"
            " FROM post p JOIN author a ON p.author_id = a.id"
            " WHERE p.id = ?",
            (post_id,),
        )
        .fetchone()
    )
    if post is None:
        abort(404, f"There is no post {post_id}.")
    if must_own and post["author_id"] != g.user["id"]:
        abort(403)
    return post


def _read_form():
    """``(title, body, problem)`` from the submitted form."""
    title = request.form.get("title", "").strip()
    body = request.form.get("body", "").strip()
    problem = None if title else "A post needs a title."
    return title, body, problem


@bp.route("/")
def index():
    page = request.args.get("page", 1, type=int)
    if page < 1:
        abort(404)
    per_page = current_app.config["POSTS_PER_PAGE"]
    posts = (
        get_db()
        .execute(
            "SELECT p.id, title, body, published, author_id, username"
            " FROM post p JOIN author a ON p.author_id = a.id"
            " ORDER BY published DESC, p.id DESC LIMIT ? OFFSET ?",
            (per_page + 1, (page - 1) * per_page),
        )
        .fetchall()
    )
    return render_template(
        "posts/index.html",
        posts=posts[:per_page],
        page=page,
        has_next=len(posts) > per_page,
    )


@bp.route("/new", methods=("GET", "POST"))
@login_required
def create():
    if request.method == "POST":
        title, body, problem = _read_form()
        if problem is None:
            db = get_db()
            db.execute(
                "INSERT INTO post (title, body, author_id) VALUES (?, ?, ?)",
                (title, body, g.user["id"]),
            )
            db.commit()
            flash("Post published.")
            return redirect(url_for("posts.index"))
        flash(problem, "error")
    return render_template("posts/form.html", post=None)


@bp.route("/<int:post_id>/edit", methods=("GET", "POST"))
@login_required
def update(post_id):
    post = fetch_post(post_id)
    if request.method == "POST":
        title, body, problem = _read_form()
        if problem is None:
            db = get_db()
            db.execute("UPDATE post SET title = ?, body = ? WHERE id = ?", (title, body, post_id))
            db.commit()
            flash("Post updated.")
            return redirect(url_for("posts.index"))
        flash(problem, "error")
    return render_template("posts/form.html", post=post)


@bp.post("/<int:post_id>/delete")
@login_required
def delete(post_id):
    fetch_post(post_id)
    db = get_db()
    db.execute("DELETE FROM post WHERE id = ?", (post_id,))
    db.commit()
    flash("Post deleted.")
    return redirect(url_for("posts.index"))

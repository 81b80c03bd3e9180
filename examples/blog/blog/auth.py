"""Accounts: register, log in, log out, and the ``login_required`` guard.

The session holds only the author's id; ``load_author`` turns it into ``g.user``
before every request of the app (not just this blueprint's), so templates and other
blueprints can check who is logged in.
"""

import functools

from flask import (
    Blueprint,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.security import check_password_hash, generate_password_hash

from blog.db import get_db

bp = Blueprint("auth", __name__, url_prefix="/auth")

MIN_PASSWORD_LENGTH = 4


def login_required(view):
    """Send anonymous visitors to the login page instead of running ``view``."""

    @functools.wraps(view)
    def guarded(**kwargs):
        if g.user is None:
            return redirect(url_for("auth.login", next=request.path))
        return view(**kwargs)

    return guarded


@bp.before_app_request
def load_author():
    author_id = session.get("user_id")
    if author_id is None:
        g.user = None
    else:
        g.user = (
            get_db().execute("SELECT * FROM author WHERE id = ?", (author_id,)).fetchone()
        )


def _form_problem(username, password):
    if not username:
        return "Choose a username."
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"The password needs at least {MIN_PASSWORD_LENGTH} characters."
    return None


@bp.route("/register", methods=("GET", "POST"))
def register():
    if request.method == "POST":
        username = request.form.get("username", "").strip()
        password = request.form.get("password", "")
        problem = _form_problem(username, password)
        if problem is None:
            db = get_db()
            try:
                db.execute(
                    "INSERT INTO author (username, password_hash) VALUES (?, ?)",
                    (username, generate_password_hash(password)),
                )
                db.commit()
            except db.IntegrityError:
                problem = f"The username {username!r} is taken."
            else:
                flash("Account created, please log in.")
                return redirect(url_for("auth.login"))
        flash(problem, "error")
    return render_template("auth/register.html")


@bp.route("/login", methods=("GET", "POST"))
def login():
    if request.method == "POST":
        username = request.form.get("username", "").strip()
        password = request.form.get("password", "")
        author = (
            get_db().execute("SELECT * FROM author WHERE username = ?", (username,)).fetchone()
        )
        # One message for both cases: don't tell a visitor which usernames exist.
        if author is None or not check_password_hash(author["password_hash"], password):
            flash("Wrong username or password.", "error")
        else:
            session.clear()
            session["user_id"] = author["id"]
            target = request.args.get("next", "")
            # Only local paths: an open redirect would let other sites borrow our login.
            if not target.startswith("/") or target.startswith("//"):
                target = url_for("index")
            return redirect(target)
    return render_template("auth/login.html")


@bp.post("/logout")
def logout():
    session.clear()
    flash("You are logged out.")
    return redirect(url_for("index"))

"""A small blog written as an ordinary Flask application.

``create_app()`` is the application factory: every test builds its own app with its
own database, and a deployment builds one from the instance folder's ``config.py``.
Nothing here knows about Veloce; the same package runs on Flask and, through
``veloce.compat``, on Veloce.
"""

import os

from flask import Flask


def create_app(test_config=None):
    """Build and configure the app.

    ``test_config`` (a mapping) replaces the instance folder's ``config.py``, so tests
    never read a developer's local settings.
    """
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        # Only for development: a deployment sets its own in instance/config.py.
        SECRET_KEY="dev",
        DATABASE=os.path.join(app.instance_path, "blog.sqlite"),
        POSTS_PER_PAGE=10,
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.from_mapping(test_config)

    @app.get("/ping")
    def ping():
        return "pong"

    from blog import auth, db, posts

    db.init_app(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(posts.bp)
    # The blog's front page is the post list: url_for("index") works as well as
    # url_for("posts.index").
    app.add_url_rule("/", endpoint="index")
    return app

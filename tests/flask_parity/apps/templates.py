"""Templates: inheritance, includes, macros, autoescape, context, functions, blueprints.

Template files live in ``apps/templates/``; the blueprint's folder is
``apps/templates/bp_admin`` (relative to the blueprint's root), and the app's own
``admin/page.html`` overrides the blueprint's file of the same name.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Flask,
    flash,
    g,
    get_template_attribute,
    render_template,
    render_template_string,
    session,
    stream_template,
    stream_template_string,
)

app = Flask(__name__)
app.testing = True
app.secret_key = "templates-secret"
app.config["SITE"] = "parity"

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates/bp_admin")


@app.template_filter("rev")
def reverse_filter(value):
    return value[::-1]


@app.template_test("even_number")
def is_even(value):
    return value % 2 == 0


@app.template_global()
def answer():
    return 42


@bp.app_template_filter()
def shout(value):
    return value.upper() + "!"


@app.context_processor
def app_processor():
    return {"proc": "app", "shared": "from-app", "explicit": "processor"}


@bp.context_processor
def bp_processor():
    return {"bp_value": "bp", "shared": "from-bp"}


@app.before_request
def set_user():
    g.user = "ada"


@app.route("/")
def index():
    return "index"


@app.route("/child")
def child():
    return render_template("child.html", name="<World>", items=["a", "b"])


@app.route("/select")
def select():
    return render_template(["missing.html", "child.html"], name="sel", items=[])


@app.route("/missing")
def missing():
    return render_template("does/not/exist.html")


@app.route("/escape/<kind>")
def escape(kind):
    value = "<i>&'\""
    if kind == "string":
        return render_template_string("{{ value }}|{{ value|safe }}", value=value)
    return render_template(f"escape.{kind}", value=value)


@app.route("/context")
def context():
    session["who"] = "bob"
    flash("hi")
    return render_template("context.html")


@app.route("/context/explicit")
def context_explicit():
    return render_template("context.html", explicit="caller", proc="caller-proc")


@app.route("/functions")
def functions():
    return render_template("functions.html", data={"b": [1, 2], "a": "<b>&'"})


@app.route("/macro")
def macro():
    greet = get_template_attribute("macros.html", "greet")
    version = get_template_attribute("macros.html", "version")
    return f"{greet('<x>')} {version}"


@app.route("/stream")
def stream():
    return app.response_class(stream_template("stream.html", count=3))


@app.route("/stream-string")
def stream_string():
    return app.response_class(stream_template_string("{{ request.path }}{{ n * 2 }}", n=21))


@app.route("/async")
async def async_view():
    return render_template("child.html", name="async", items=[1])


@app.route("/env-global")
def env_global():
    return render_template_string("{{ direct }} {{ 'a b'|title }}")


app.jinja_env.globals["direct"] = "set-on-env"


@bp.route("/page")
def bp_page():
    return render_template("admin/page.html")


@bp.route("/only")
def bp_only():
    return render_template("admin/only_bp.html")


@bp.route("/context")
def bp_context():
    return render_template("context.html")


app.register_blueprint(bp)


def loader_listing():
    """The names the dispatching loader lists (sorted)."""
    return sorted(app.jinja_env.list_templates())


def autoescape_choices():
    return [
        app.select_jinja_autoescape(name)
        for name in (None, "a.html", "a.htm", "a.xml", "a.xhtml", "a.svg", "a.txt", "a.js")
    ]


def env_settings():
    env = app.jinja_env
    return {
        "auto_reload": env.auto_reload,
        "loader": type(env.loader).__name__,
        "env": type(env).__name__,
        "app_loader": type(app.jinja_loader).__name__,
        "searchpath": [p.rsplit("apps", 1)[-1] for p in app.jinja_loader.searchpath],
        "globals": sorted(k for k in ("url_for", "config", "request", "session", "g",
                                      "get_flashed_messages") if k in env.globals),
    }


def no_context():
    return render_template_string("{{ 1 + 1 }}")


def app_context_only():
    with app.app_context():
        g.user = "ctx"
        return render_template_string("{{ g.user }} {{ request is defined }} {{ config.SITE }}")


CASES = [
    {"id": "inheritance_include_macro", "path": "/child"},
    {"id": "select_first_existing", "path": "/select"},
    {"id": "missing_template", "path": "/missing"},
    {"id": "autoescape_html", "path": "/escape/html"},
    {"id": "autoescape_txt", "path": "/escape/txt"},
    {"id": "autoescape_string", "path": "/escape/string"},
    {"id": "default_context_and_processors", "path": "/context"},
    {"id": "explicit_context_wins", "path": "/context/explicit"},
    {"id": "filters_tests_globals_tojson", "path": "/functions"},
    {"id": "get_template_attribute", "path": "/macro"},
    {"id": "stream_template", "path": "/stream?tag=t"},
    {"id": "stream_template_string", "path": "/stream-string"},
    {"id": "async_view_renders", "path": "/async"},
    {"id": "env_global_and_builtin_filter", "path": "/env-global"},
    {"id": "app_overrides_blueprint_template", "path": "/admin/page"},
    {"id": "blueprint_template_folder", "path": "/admin/only"},
    {"id": "blueprint_context_processor", "path": "/admin/context"},
    {"id": "list_templates", "call": "loader_listing"},
    {"id": "select_jinja_autoescape", "call": "autoescape_choices"},
    {"id": "environment_settings", "call": "env_settings"},
    {"id": "render_outside_context", "call": "no_context"},
    {"id": "render_in_app_context", "call": "app_context_only"},
]

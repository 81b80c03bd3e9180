"""Flask-WTF, unmodified: ``FlaskForm`` validation and ``CSRFProtect``.

Flask-WTF registers a ``before_request`` hook (``app.extensions["csrf"]``), reads the
token from ``request.form`` or the ``X-CSRFToken`` header, keeps its secret in the
signed session and the generated token in ``g``, raises ``CSRFError`` (a
``BadRequest``), looks views up through ``request.endpoint``/``app.view_functions``
for ``csrf.exempt``, adds ``csrf_token`` to ``app.jinja_env.globals`` and wraps
``request.form``/``request.files`` in ``CombinedMultiDict``. The token is random by
design: the cases ``capture`` it from the rendered form, send it back with
``<<token>>``, and ``mask`` it (and the session's secret) in the records.
"""

from __future__ import annotations

from flask import Blueprint, Flask, jsonify, render_template_string, request
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

app = Flask(__name__)
app.testing = True
app.secret_key = "ext_wtf parity secret"
app.config["WTF_CSRF_TIME_LIMIT"] = 600

csrf = CSRFProtect(app)


class SignupForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(min=2, max=10)])
    email = StringField("Email", validators=[DataRequired(), Regexp(r"^[^@\s]+@[^@\s]+$",
                                                             message="Invalid email.")])
    age = IntegerField("Age", validators=[Optional(), NumberRange(min=18)])
    agree = BooleanField("Agree")


class AvatarForm(FlaskForm):
    avatar = FileField("Avatar", validators=[FileRequired(), FileAllowed(["png", "jpg"])])


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField("q", validators=[DataRequired()])


FORM_TEMPLATE = """<form method="post">
{{ form.csrf_token }}
{{ form.name.label }} {{ form.name(size=10) }}
{% for error in form.name.errors %}<p class="error">{{ error }}</p>{% endfor %}
{{ form.email() }}{% for error in form.email.errors %}<p>{{ error }}</p>{% endfor %}
{{ form.age() }}{% for error in form.age.errors %}<p>{{ error }}</p>{% endfor %}
{{ form.agree() }}
<meta name="token-global" content="{{ csrf_token() }}">
</form>"""


@app.route("/signup", methods=["GET", "POST"])
def signup():
    form = SignupForm()
    if form.validate_on_submit():
        return jsonify(ok=True, data={k: v for k, v in form.data.items() if k != "csrf_token"})
    return render_template_string(FORM_TEMPLATE, form=form)


@app.route("/avatar", methods=["POST"])
def avatar():
    form = AvatarForm()
    if form.validate_on_submit():
        upload = form.avatar.data
        return jsonify(filename=upload.filename, size=len(upload.read()))
    return jsonify(errors=form.errors), 422


@app.route("/search", methods=["GET", "POST"])
@csrf.exempt
def search():
    form = SearchForm()
    return jsonify(valid=form.validate_on_submit(), errors=form.errors)


@app.route("/api/echo", methods=["POST"])
def api_echo():
    return jsonify(received=request.get_json())


@app.route("/async/signup", methods=["POST"])
async def async_signup():
    form = SignupForm()
    return jsonify(valid=form.validate_on_submit(), errors=form.errors)


@app.route("/manual", methods=["POST"])
def manual():
    csrf.protect()
    return "protected"


@app.route("/token")
def token():
    return jsonify(token=generate_csrf(), same_in_request=generate_csrf() == generate_csrf())


hooks = Blueprint("hooks", __name__, url_prefix="/hooks")


@hooks.route("/ping", methods=["POST"])
def ping():
    return "pong"


app.register_blueprint(hooks)
csrf.exempt(hooks)


@app.errorhandler(CSRFError)
def csrf_error(error):
    return jsonify(csrf_error=error.description, code=error.code, type=type(error).__name__), 400


def token_round_trip_without_session():
    """A token valid for one client is refused for a client without that session."""
    first = app.test_client()
    token_value = first.get("/token").get_json()["token"]
    second = app.test_client()
    refused = second.post("/signup", data={"csrf_token": token_value, "name": "ann",
                                           "email": "ann@example.com"})
    accepted = first.post("/signup", data={"csrf_token": token_value, "name": "ann",
                                           "email": "ann@example.com"})
    return {"refused": [refused.status_code, refused.get_json()],
            "accepted": [accepted.status_code, accepted.get_json()]}


def default_csrf_error_page():
    """Without an error handler a CSRFError is Werkzeug's HTML 400 page; init_app style."""
    other = Flask("ext_wtf_other")
    other.testing = True
    other.secret_key = "other secret"
    protect = CSRFProtect()
    protect.init_app(other)

    @other.post("/submit")
    def submit():
        return "accepted"

    client = other.test_client()
    response = client.post("/submit", data={"csrf_token": "garbage"})
    return {"status": response.status, "body": response.get_data(as_text=True),
            "content_type": response.content_type,
            "registered": other.extensions["csrf"] is protect}


def form_outside_request():
    with app.test_request_context("/", method="POST", data={"q": "x"}):
        form = SearchForm()
        submitted = form.is_submitted()
        valid = form.validate()
    with app.test_request_context("/", method="POST", json={"q": "from json"}):
        json_form = SearchForm()
        json_data = json_form.q.data
    return {"submitted": submitted, "valid": valid, "json_data": json_data}


CASES = [
    {**case, "mask": [r"I[jm][\w-]+\.[\w-]+\.[\w-]+", r"\b[0-9a-f]{40}\b"]}
    for case in [
        {"id": "get_form_renders_token", "steps": [{"path": "/signup"}]},
        {"id": "post_without_token_is_400", "steps": [
            {"method": "POST", "path": "/signup",
             "kwargs": {"data": {"name": "ann", "email": "ann@example.com"}}},
        ]},
        {"id": "post_with_bad_token_is_400", "steps": [
            {"path": "/signup"},
            {"method": "POST", "path": "/signup",
             "kwargs": {"data": {"csrf_token": "forged", "name": "ann",
                                 "email": "ann@example.com"}}},
        ]},
        {"id": "post_token_without_session_is_400", "steps": [
            {"method": "POST", "path": "/signup",
             "kwargs": {"data": {"csrf_token": "IjAi.YWJj.ZGVm", "name": "ann"}}},
        ]},
        {"id": "valid_token_round_trip", "steps": [
            {"path": "/signup", "capture": {
                "token": r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"'}},
            {"method": "POST", "path": "/signup",
             "kwargs": {"data": {"csrf_token": "<<token>>", "name": "ann",
                                 "email": "ann@example.com", "age": "30", "agree": "y"}}},
        ]},
        {"id": "valid_token_invalid_fields_rerender", "steps": [
            {"path": "/signup", "capture": {
                "token": r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"'}},
            {"method": "POST", "path": "/signup",
             "kwargs": {"data": {"csrf_token": "<<token>>", "name": "a",
                                 "email": "not-an-email", "age": "7"}}},
        ]},
        {"id": "token_in_header_for_json", "steps": [
            {"path": "/token", "capture": {"token": r'"token":\s*"([^"]+)"'}},
            {"method": "POST", "path": "/api/echo",
             "kwargs": {"json": {"a": [1, 2]}, "headers": {"X-CSRFToken": "<<token>>"}}},
        ]},
        {"id": "json_post_without_header_is_400", "steps": [
            {"path": "/token"},
            {"method": "POST", "path": "/api/echo", "kwargs": {"json": {"a": 1}}},
        ]},
        {"id": "token_stable_within_session", "steps": [
            {"path": "/token", "capture": {"token": r'"token":\s*"([^"]+)"'}},
            {"method": "POST", "path": "/api/echo",
             "kwargs": {"json": {"n": 1}, "headers": {"X-CSRF-Token": "<<token>>"}}},
            {"method": "POST", "path": "/api/echo",
             "kwargs": {"json": {"n": 2}, "headers": {"X-CSRF-Token": "<<token>>"}}},
        ]},
        {"id": "async_view_csrf", "steps": [
            {"method": "POST", "path": "/async/signup", "kwargs": {"data": {"name": "ann"}}},
            {"path": "/token", "capture": {"token": r'"token":\s*"([^"]+)"'}},
            {"method": "POST", "path": "/async/signup",
             "kwargs": {"data": {"csrf_token": "<<token>>", "name": "ann"}}},
        ]},
        {"id": "https_requires_referrer", "steps": [
            {"path": "/token", "capture": {"token": r'"token":\s*"([^"]+)"'},
             "kwargs": {"base_url": "https://secure.example"}},
            {"method": "POST", "path": "/api/echo",
             "kwargs": {"base_url": "https://secure.example", "json": {"a": 1},
                        "headers": {"X-CSRFToken": "<<token>>"}}},
            {"method": "POST", "path": "/api/echo",
             "kwargs": {"base_url": "https://secure.example", "json": {"a": 2},
                        "headers": {"X-CSRFToken": "<<token>>",
                                    "Referer": "https://evil.example/form"}}},
            {"method": "POST", "path": "/api/echo",
             "kwargs": {"base_url": "https://secure.example", "json": {"a": 3},
                        "headers": {"X-CSRFToken": "<<token>>",
                                    "Referer": "https://secure.example/form"}}},
        ]},
        {"id": "check_default_off_manual_protect", "config": {"WTF_CSRF_CHECK_DEFAULT": False},
         "steps": [
            {"method": "POST", "path": "/api/echo", "kwargs": {"json": {"a": 1}}},
            {"method": "POST", "path": "/manual", "kwargs": {"data": {"x": "1"}}},
        ]},
        {"id": "exempt_view", "steps": [
            {"method": "POST", "path": "/search", "kwargs": {"data": {"q": "flask"}}},
            {"method": "POST", "path": "/search", "kwargs": {"data": {}}},
            {"path": "/search?q=get"},
        ]},
        {"id": "exempt_blueprint", "steps": [
            {"method": "POST", "path": "/hooks/ping"},
        ]},
        {"id": "get_is_not_checked", "steps": [{"path": "/signup?name=x"}]},
        {"id": "unknown_route_post_is_404", "steps": [
            {"method": "POST", "path": "/nowhere"},
        ]},
        {"id": "csrf_disabled_by_config", "config": {"WTF_CSRF_ENABLED": False}, "steps": [
            {"method": "POST", "path": "/signup",
             "kwargs": {"data": {"name": "bob", "email": "bob@example.com"}}},
        ]},
        {"id": "file_upload_with_token", "steps": [
            {"path": "/token", "capture": {"token": r'"token":\s*"([^"]+)"'}},
            {"method": "POST", "path": "/avatar", "kwargs": {"data": {"csrf_token": "<<token>>"}},
             "files": {"avatar": [["PNGDATA", "me.png", "image/png"]]}},
        ]},
        {"id": "file_upload_wrong_extension", "steps": [
            {"path": "/token", "capture": {"token": r'"token":\s*"([^"]+)"'}},
            {"method": "POST", "path": "/avatar", "kwargs": {"data": {"csrf_token": "<<token>>"}},
             "files": {"avatar": [["text", "notes.txt", "text/plain"]]}},
        ]},
        {"id": "file_upload_missing_file", "steps": [
            {"path": "/token", "capture": {"token": r'"token":\s*"([^"]+)"'}},
            {"method": "POST", "path": "/avatar",
             "kwargs": {"data": {"csrf_token": "<<token>>"}}},
        ]},
    ]
] + [
    {"id": "token_round_trip_without_session", "call": "token_round_trip_without_session",
     "mask": [r"I[jm][\w-]+\.[\w-]+\.[\w-]+"]},
    {"id": "form_outside_request", "call": "form_outside_request"},
    {"id": "default_csrf_error_page", "call": "default_csrf_error_page"},
]

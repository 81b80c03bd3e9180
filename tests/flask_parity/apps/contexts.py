"""Contexts outside the HTTP path: test_request_context, app_context, the proxies, g.

Most cases are ``call`` cases: the runner calls one of the functions below and
compares what it returns. Hooks append to ``LOG``, so a function can show which hooks
ran at each point (entering a context, ``app.preprocess_request()``, leaving it).
A few HTTP cases cover ``stream_with_context``, the session and contexts pushed
inside a view. ``session`` and ``stream_with_context`` are imported where used, so an
implementation lacking one fails only the cases that need it.
"""

from __future__ import annotations

import threading

from flask import (
    Flask,
    abort,
    after_this_request,
    copy_current_request_context,
    current_app,
    g,
    has_app_context,
    has_request_context,
    jsonify,
    request,
    url_for,
)

app = Flask(__name__)
app.testing = True
app.secret_key = "contexts parity secret"

#: A second app, for contexts of another app nested in this one's (no secret key).
other = Flask("contexts_other")
other.testing = True

LOG: list[str] = []


def describe(exc):
    return None if exc is None else f"{type(exc).__name__}:{exc}"


def attempt(fn):
    """``{"ok": fn()}`` or ``{"raised": [type name, message]}``."""
    try:
        return {"ok": fn()}
    except Exception as exc:
        return {"raised": [type(exc).__name__, str(exc)]}


@app.url_value_preprocessor
def preprocess(endpoint, values):
    LOG.append(f"url_value_preprocessor:{endpoint}:{values}")


@app.before_request
def before():
    LOG.append(f"before:{request.path}")
    if request.path == "/stop":
        return "stopped by before_request", 418
    return None


@app.after_request
def after(response):
    LOG.append(f"after:{response.status_code}")
    response.headers["X-After"] = "1"
    return response


@app.teardown_request
def teardown(exc):
    LOG.append(f"teardown_request:{describe(exc)}")


@app.teardown_appcontext
def teardown_app(exc):
    LOG.append(f"teardown_appcontext:{describe(exc)}")


@app.route("/")
def index():
    return "index"


@app.route("/items/<int:n>", methods=["GET", "POST"])
def item(n):
    LOG.append(f"view:item:{n}")
    g.item = n
    return jsonify(n=n, args=request.args.to_dict(flat=False))


@app.route("/raw")
def raw():
    return "raw body", 201, {"X-Raw": "yes"}


@app.route("/fail")
def fail():
    LOG.append("view:fail")
    raise KeyError("from the view")


@app.route("/dir/")
def directory():
    return "dir"


@app.route("/stream")
def stream():
    from flask import stream_with_context

    LOG.clear()
    g.greeting = "hello"

    def generate():
        LOG.append("generate:start")
        yield f"{request.args.get('name', 'nobody')}\n"
        yield f"{g.greeting} from {request.path}\n"
        yield f"{current_app.name}\n"
        LOG.append("generate:end")

    LOG.append("view:stream")
    return stream_with_context(generate())


@app.route("/stream-decorated")
def stream_decorated():
    from flask import stream_with_context

    @stream_with_context
    def generate():
        yield request.method
        yield " "
        yield request.args.get("q", "")

    return app.response_class(generate(), mimetype="text/plain")


@app.route("/nested-contexts")
def nested_contexts():
    g.outer = "request g"
    with app.app_context():
        inner_app_ctx = {"has_request": has_request_context(), "outer_in_g": "outer" in g}
        g.inner = "app ctx g"
    with app.test_request_context("/items/9?from=view"):
        inner_req_ctx = {"path": request.path, "args": request.args.to_dict(),
                         "outer_in_g": "outer" in g}
    return jsonify(
        inner_app_ctx=inner_app_ctx,
        inner_req_ctx=inner_req_ctx,
        path_after=request.path,
        g_after=sorted(g),
    )


@app.route("/session/set/<value>")
def session_set(value):
    from flask import session

    session["value"] = value
    session["count"] = session.get("count", 0) + 1
    return jsonify(dict(session))


@app.route("/session/read")
def session_read():
    from flask import session

    return jsonify(data=dict(session), new=session.new, modified=session.modified)


@app.route("/session/clear")
def session_clear():
    from flask import session

    session.clear()
    return jsonify(dict(session))


@app.route("/log")
def log():
    return jsonify(LOG)


# -- call cases ------------------------------------------------------------------------


def request_basics():
    with app.test_request_context(
        "/items/3?x=1&x=2", method="POST", headers={"X-Custom": "yes"}, data={"field": "v"}
    ):
        return {
            "method": request.method,
            "path": request.path,
            "full_path": request.full_path,
            "url": request.url,
            "base_url": request.base_url,
            "url_root": request.url_root,
            "host": request.host,
            "host_url": request.host_url,
            "scheme": request.scheme,
            "script_root": request.script_root,
            "args": request.args.to_dict(flat=False),
            "form": request.form.to_dict(flat=False),
            "header": request.headers.get("X-Custom"),
            "content_type": request.content_type,
            "content_length": request.content_length,
            "endpoint": request.endpoint,
            "view_args": request.view_args,
            "rule": request.url_rule.rule,
            "blueprint": request.blueprint,
            "remote_addr": request.remote_addr,
            "user_agent": request.user_agent.string,
            "routing_exception": request.routing_exception,
        }


def request_defaults():
    with app.test_request_context():
        return {
            "method": request.method,
            "url": request.url,
            "path": request.path,
            "args": request.args.to_dict(),
            "data": request.get_data(as_text=True),
            "header_names": sorted(name for name, _ in request.headers.items()),
            "host": request.headers.get("Host"),
            "endpoint": request.endpoint,
            "is_json": request.is_json,
        }


def base_url_and_url_for():
    with app.test_request_context("/items/3", base_url="https://example.com/app/"):
        return {
            "url": request.url,
            "base_url": request.base_url,
            "url_root": request.url_root,
            "script_root": request.script_root,
            "path": request.path,
            "host": request.host,
            "scheme": request.scheme,
            "is_secure": request.is_secure,
            "endpoint": request.endpoint,
            "url_for": url_for("item", n=4),
            "url_for_external": url_for("item", n=4, _external=True),
            "url_for_query": url_for("item", n=5, q="a b"),
        }


def query_string_forms():
    results = {}
    with app.test_request_context("/", query_string={"a": "1", "b": ["2", "3"]}):
        results["dict"] = [request.query_string.decode(), request.args.to_dict(flat=False)]
    with app.test_request_context("/", query_string="a=1&a=2&c=%20x"):
        results["str"] = [request.query_string.decode(), request.args.to_dict(flat=False)]
    with app.test_request_context("/", query_string="z=%C3%A9"):
        results["escaped"] = [request.query_string.decode(), request.args.to_dict(flat=False)]
    with app.test_request_context("/items/1?in=path"):
        results["in_path"] = [request.full_path, request.args.to_dict(flat=False)]
    with app.test_request_context("/items/1", "http://example.org/base/"):
        results["positional"] = [request.url, request.method, request.script_root]
    return results


def json_body():
    with app.test_request_context("/items/1", method="POST", json={"a": [1, 2], "b": None}):
        return {
            "is_json": request.is_json,
            "content_type": request.content_type,
            "mimetype": request.mimetype,
            "json": request.get_json(),
            "json_prop": request.json,
            "data": request.get_data(as_text=True).replace(" ", ""),
        }


def raw_data_and_content_type():
    with app.test_request_context(
        "/items/1", method="PUT", data="raw text", content_type="text/plain; charset=utf-8"
    ):
        return {
            "data": request.get_data(as_text=True),
            "mimetype": request.mimetype,
            "mimetype_params": request.mimetype_params,
            "content_length": request.content_length,
            "form": request.form.to_dict(),
            "is_json": request.is_json,
            "endpoint": request.endpoint,
            "routing_exception": type(request.routing_exception).__name__,
        }


def url_scheme_and_subdomain():
    results = {}
    with app.test_request_context("/items/1", url_scheme="https"):
        results["https"] = [request.url, request.scheme, request.is_secure]
    with app.test_request_context("/items/1", subdomain="api"):
        results["subdomain"] = [request.url, request.host]
    return results


def positional_subdomain_and_url_scheme():
    # Flask's signature: (path, base_url, subdomain, url_scheme, ...).
    with app.test_request_context("/items/1", None, "api", "https"):
        return [request.url, request.method, request.host, request.args.to_dict()]


def server_name_config():
    with app.test_request_context("/items/1"):
        return {"url": request.url, "script_root": request.script_root,
                "url_for": url_for("item", n=2), "host": request.host}


def environ_base_auth_and_header_lists():
    with app.test_request_context(
        "/items/1",
        environ_base={"REMOTE_ADDR": "10.1.2.3"},
        auth=("user", "secret"),
        headers=[("X-One", "1"), ("X-Two", "2")],
    ):
        return {
            "remote_addr": request.remote_addr,
            "auth": [request.authorization.type, request.authorization.username,
                     request.authorization.password],
            "headers": [request.headers.get("X-One"), request.headers.get("X-Two")],
        }


def method_not_allowed_in_context():
    with app.test_request_context("/items/1", method="DELETE"):
        return {
            "url_rule": request.url_rule,
            "endpoint": request.endpoint,
            "view_args": request.view_args,
            "routing_exception": type(request.routing_exception).__name__,
            "valid_methods": sorted(request.routing_exception.valid_methods),
        }


def no_hooks_until_preprocess_request():
    LOG.clear()
    with app.test_request_context("/items/7"):
        entered = list(LOG)
        rv = app.preprocess_request()
        preprocessed = list(LOG)
    return {"entered": entered, "rv": rv, "preprocessed": preprocessed, "exited": list(LOG)}


def preprocess_request_short_circuit():
    LOG.clear()
    with app.test_request_context("/stop"):
        rv = app.preprocess_request()
    return {"rv": rv, "log": list(LOG)}


def full_dispatch_request_in_context():
    LOG.clear()
    with app.test_request_context("/items/5?x=1"):
        response = app.full_dispatch_request()
        during = list(LOG)
        result = {
            "status": response.status_code,
            "json": response.get_json(),
            "x_after": response.headers.get("X-After"),
            "g_item": g.get("item"),
        }
    return {**result, "during": during, "after_exit": list(LOG)}


def full_dispatch_request_not_found():
    LOG.clear()
    with app.test_request_context("/nowhere"):
        response = app.full_dispatch_request()
        status = response.status_code
    return {"status": status, "log": list(LOG)}


def full_dispatch_request_unhandled():
    LOG.clear()
    outcome = None
    try:
        with app.test_request_context("/fail"):
            app.full_dispatch_request()
    except KeyError as exc:
        outcome = describe(exc)
    return {"raised": outcome, "log": list(LOG)}


def dispatch_request_raw_value():
    LOG.clear()
    with app.test_request_context("/raw"):
        rv = app.dispatch_request()
        response = app.make_response(rv)
        made = [response.status_code, response.get_data(as_text=True), response.headers["X-Raw"]]
    return {"rv": rv, "made": made, "log": list(LOG)}


def dispatch_request_routing_exceptions():
    results = {}
    for path, method in (("/nowhere", "GET"), ("/items/1", "DELETE"), ("/dir", "GET")):
        with app.test_request_context(path, method=method):
            results[f"{method} {path}"] = attempt(app.dispatch_request)
    return results


def process_response_runs_callbacks():
    LOG.clear()
    with app.test_request_context("/items/1"):
        @after_this_request
        def callback(response):
            LOG.append("after_this_request")
            response.headers["X-Callback"] = "1"
            return response

        response = app.process_response(app.make_response("body"))
        headers = {"X-Callback": response.headers.get("X-Callback"),
                   "X-After": response.headers.get("X-After")}
    return {"headers": headers, "log": list(LOG)}


def after_this_request_with_full_dispatch():
    LOG.clear()
    with app.test_request_context("/items/2"):
        @after_this_request
        def callback(response):
            LOG.append(f"after_this_request:{response.status_code}")
            return response

        status = app.full_dispatch_request().status_code
    return {"status": status, "log": list(LOG)}


def do_teardown_methods():
    LOG.clear()
    with app.test_request_context("/items/1"):
        app.do_teardown_request(ValueError("explicit"))
        app.do_teardown_appcontext(KeyError("k"))
        try:
            raise LookupError("active")
        except LookupError:
            app.do_teardown_request()
            app.do_teardown_appcontext()
        app.do_teardown_request()
        inside = list(LOG)
    return {"inside": inside, "after_exit": list(LOG)}


def exception_in_block_reaches_teardown():
    LOG.clear()
    try:
        with app.test_request_context("/items/1"):
            raise ValueError("raised in the with block")
    except ValueError:
        pass
    return list(LOG)


def push_and_pop_by_hand():
    LOG.clear()
    ctx = app.test_request_context("/items/1?by=hand")
    ctx.push()
    inside = {"path": request.path, "args": request.args.to_dict(),
              "has_request": has_request_context()}
    ctx.pop()
    return {"inside": inside, "has_request_after": has_request_context(),
            "has_app_after": has_app_context(), "log": list(LOG)}


def same_context_pushed_twice():
    LOG.clear()
    ctx = app.test_request_context("/items/1")
    with ctx:
        with ctx:
            LOG.append("inner block")
        LOG.append(f"after inner exit:{request.path}")
    return list(LOG)


def nested_request_contexts():
    LOG.clear()
    with app.test_request_context("/items/1"):
        g.outer = 1
        with app.test_request_context("/items/2?inner=1"):
            inner = {"path": request.path, "outer_in_g": "outer" in g}
            g.inner = 2
        LOG.append("inner exited")
        after_inner = {"path": request.path, "g": sorted(g)}
    return {"inner": inner, "after_inner": after_inner, "log": list(LOG)}


def request_context_inside_app_context():
    LOG.clear()
    with app.app_context():
        g.a = 1
        with app.test_request_context("/items/1"):
            inside = {"a": g.get("a"), "has_request": has_request_context()}
            g.b = 2
        LOG.append("request context exited")
        after = {"g": sorted(g), "has_request": has_request_context(),
                 "has_app": has_app_context()}
    return {"inside": inside, "after": after, "log": list(LOG)}


def other_app_nested():
    with app.app_context():
        g.mine = 1
        with other.test_request_context("/"):
            inside = {"app": current_app.name, "mine_in_g": "mine" in g,
                      "url": request.url}
        after = {"app": current_app.name, "mine_in_g": "mine" in g}
    return {"inside": inside, "after": after}


def app_context_basics():
    before = {"has_app": has_app_context(), "has_request": has_request_context()}
    with app.app_context():
        inside = {
            "has_app": has_app_context(),
            "has_request": has_request_context(),
            "name": current_app.name,
            "is_app": current_app._get_current_object() is app,
            "repr_app": repr(current_app),
            "repr_g": repr(g),
            "testing": current_app.testing,
            "config_item": current_app.config["TESTING"],
            "request": attempt(lambda: request.path),
        }
    return {"before": before, "inside": inside,
            "after": {"has_app": has_app_context(), "has_request": has_request_context()}}


def g_namespace_api():
    with app.app_context():
        g.x = 1
        result = {
            "contains": ["x" in g, "y" in g],
            "get": [g.get("x"), g.get("y"), g.get("y", 2)],
            "setdefault": [g.setdefault("z", 3), g.setdefault("z", 4)],
            "iter": sorted(g),
            "pop": [g.pop("x"), g.pop("missing", "default")],
            "pop_missing": attempt(lambda: g.pop("missing")),
            "getattr_missing": attempt(lambda: g.missing),
            "delattr_missing": attempt(lambda: delattr(g, "missing")),
            "bool": bool(g),
            "after": sorted(g),
        }
        del g.z
        result["after_del"] = sorted(g)
    return result


def g_fresh_per_app_context():
    with app.app_context():
        g.x = "outer"
        with app.app_context():
            inner = {"x_in_g": "x" in g}
            g.x = "inner"
        restored = g.x
    with app.app_context():
        fresh = "x" in g
    return {"inner": inner, "restored": restored, "fresh": fresh}


def app_context_teardown_gets_exception():
    LOG.clear()
    try:
        with app.app_context():
            raise ValueError("raised in the app context")
    except ValueError:
        pass
    with app.app_context():
        pass
    return list(LOG)


def proxies_outside_context():
    from flask import stream_with_context

    return {
        "request_attr": attempt(lambda: request.path),
        "request_current": attempt(lambda: request._get_current_object()),
        "current_app_attr": attempt(lambda: current_app.name),
        "g_attr": attempt(lambda: g.x),
        "g_get": attempt(lambda: g.get("x")),
        "g_contains": attempt(lambda: "x" in g),
        "bools": [bool(request), bool(current_app), bool(g)],
        "repr_request": repr(request),
        "has": [has_app_context(), has_request_context()],
        "after_this_request": attempt(lambda: after_this_request(lambda r: r)),
        "copy_current_request_context": attempt(
            lambda: copy_current_request_context(lambda: None)),
        "stream_with_context": attempt(lambda: stream_with_context(iter(["x"]))),
        "url_for": attempt(lambda: url_for("item", n=1)),
        "abort": attempt(lambda: abort(404)),
    }


def proxies_inside_request():
    with app.test_request_context("/items/1?x=y") as ctx:
        req = request._get_current_object()
        result = {
            "repr_request": repr(request),
            "repr_app": repr(current_app),
            "repr_g": repr(g),
            "bools": [bool(request), bool(current_app), bool(g)],
            "is_ctx_request": req is ctx.request,
            "eq": request == req,
            "isinstance": isinstance(request, app.request_class),
            "class_name": type(req).__name__,
            "item": request.args["x"],
            "contains": "x" in request.args,
            "app_is_app": current_app._get_current_object() is app,
        }
        result["set_attribute"] = attempt(lambda: setattr(request, "custom_attr", "set"))
        result["read_attribute"] = attempt(lambda: request.custom_attr)
        return result


def low_level_context_proxies():
    from flask.globals import app_ctx, request_ctx

    outside = {"request_ctx": attempt(lambda: request_ctx.request),
               "app_ctx": attempt(lambda: app_ctx.app)}
    with app.app_context():
        in_app = {"app": app_ctx.app is app, "g": app_ctx.g is g._get_current_object(),
                  "request_ctx": attempt(lambda: request_ctx.request)}
    with app.test_request_context("/items/1") as ctx:
        in_request = {
            "request": request_ctx.request is request._get_current_object(),
            "ctx": request_ctx._get_current_object() is ctx,
            "app": app_ctx.app is app,
            "g": app_ctx.g is g._get_current_object(),
        }
    return {"outside": outside, "in_app": in_app, "in_request": in_request}


def request_context_repr():
    ctx = app.test_request_context("/items/1?x=1", method="POST")
    return {"repr": repr(ctx), "class": type(ctx).__name__}


def copy_current_request_context_in_thread():
    LOG.clear()
    results = {}
    with app.test_request_context("/items/1?who=thread"):
        g.value = "set before copying"

        @copy_current_request_context
        def work():
            results["path"] = request.path
            results["args"] = request.args.to_dict()
            results["g_value"] = g.get("value")
            results["has_request"] = has_request_context()
            LOG.append("work ran")

        thread = threading.Thread(target=work)
        thread.start()
        thread.join()
        LOG.append("thread joined")
    results["log"] = list(LOG)
    return results


def copy_current_request_context_after_exit():
    LOG.clear()
    with app.test_request_context("/items/2?late=1"):
        g.value = "outer g"

        @copy_current_request_context
        def work():
            return {"path": request.path, "args": request.args.to_dict(),
                    "g_value": g.get("value")}

    LOG.append("context exited")
    result = work()
    return {"result": result, "log": list(LOG)}


def copy_current_request_context_same_thread():
    LOG.clear()
    with app.test_request_context("/items/3?same=thread"):
        g.value = "outer g"

        @copy_current_request_context
        def work():
            LOG.append("work ran")
            return {"path": request.path, "g_value": g.get("value")}

        result = work()
        LOG.append(f"after work:{request.path}:{g.get('value')}")
    return {"result": result, "log": list(LOG)}


def url_value_preprocessor_changes_dispatch():
    LOG.clear()
    with app.test_request_context("/items/6"):
        app.preprocess_request()
        request.view_args["n"] = 60  # a preprocessor may rewrite the view arguments
        response = app.make_response(app.dispatch_request())
        result = {"json": response.get_json(), "g_item": g.get("item")}
    return result


def with_client_after_unhandled_error():
    LOG.clear()
    with app.test_client() as client:
        outcome = attempt(lambda: client.get("/fail?kept=1"))
        inside = {"outcome": {"raised": outcome.get("raised")},
                  "has_request": has_request_context(), "log": list(LOG)}
        if inside["has_request"]:
            inside["path"] = request.path
    return {"inside": inside, "after": {"has_request": has_request_context(),
                                        "log": list(LOG)}}


def with_client_preserves_context():
    LOG.clear()
    with app.test_client() as client:
        client.get("/items/3?x=1")
        first = {
            "has_request": has_request_context(),
            "path": request.path,
            "args": request.args.to_dict(),
            "g_item": g.get("item"),
            "log": list(LOG),
        }
        LOG.clear()
        client.get("/items/4")
        second = {"path": request.path, "g_item": g.get("item"), "log": list(LOG)}
        LOG.clear()
    after = {"has_request": has_request_context(), "has_app": has_app_context(),
             "log": list(LOG)}
    return {"first": first, "second": second, "after": after}


def client_without_with_keeps_nothing():
    client = app.test_client()
    client.get("/items/3")
    return {"has_request": has_request_context(), "has_app": has_app_context()}


def client_with_cannot_nest():
    client = app.test_client()
    with client:
        return attempt(lambda: client.__enter__())


def session_proxy_outside_request():
    from flask import session

    result = {"outside": attempt(lambda: session.get("x")), "bool_outside": bool(session)}
    with app.app_context():
        result["app_context_only"] = attempt(lambda: session.get("x"))
    return result


def session_in_test_request_context():
    from flask import session

    with app.test_request_context("/"):
        result = {
            "initial": [dict(session), bool(session), session.get("x"), session.new,
                        session.modified, session.permanent],
        }
        session["x"] = 1
        result["after_set"] = [dict(session), session["x"], "x" in session,
                               session.modified, repr(session)]
        session.permanent = True
        result["permanent"] = [session.permanent, sorted(session)]
        return result


def null_session_without_secret_key():
    from flask import session

    with other.test_request_context("/"):
        return {
            "get": session.get("x"),
            "bool": bool(session),
            "class": type(session._get_current_object()).__name__,
            "set": attempt(lambda: session.__setitem__("x", 1)),
        }


def late_setup_after_first_request():
    fresh = Flask("contexts_fresh")
    fresh.testing = True
    fresh.add_url_rule("/", "index", lambda: "fresh")
    result = {}
    with fresh.test_request_context("/"):
        result["before_dispatch"] = attempt(lambda: fresh.add_url_rule("/early", "early"))
    with fresh.test_request_context("/"):
        fresh.full_dispatch_request()
    result["late_route"] = attempt(lambda: fresh.add_url_rule("/late", "late", lambda: "x"))
    result["late_hook"] = attempt(lambda: fresh.before_request(lambda: None))
    return result


def url_for_in_app_context():
    with app.app_context():
        return attempt(lambda: url_for("item", n=1, q="x"))


CASES = [
    {"id": "request_basics", "call": "request_basics"},
    {"id": "request_defaults", "call": "request_defaults"},
    {"id": "base_url_and_url_for", "call": "base_url_and_url_for"},
    {"id": "query_string_forms", "call": "query_string_forms"},
    {"id": "json_body", "call": "json_body"},
    {"id": "raw_data_and_content_type", "call": "raw_data_and_content_type"},
    {"id": "url_scheme_and_subdomain", "call": "url_scheme_and_subdomain"},
    {"id": "positional_subdomain_and_url_scheme", "call": "positional_subdomain_and_url_scheme"},
    {"id": "server_name_and_application_root", "call": "server_name_config",
     "config": {"SERVER_NAME": "example.org:8080", "APPLICATION_ROOT": "/root"}},
    {"id": "environ_base_auth_and_header_lists", "call": "environ_base_auth_and_header_lists"},
    {"id": "method_not_allowed_in_context", "call": "method_not_allowed_in_context"},
    {"id": "no_hooks_until_preprocess_request", "call": "no_hooks_until_preprocess_request"},
    {"id": "preprocess_request_short_circuit", "call": "preprocess_request_short_circuit"},
    {"id": "full_dispatch_request_in_context", "call": "full_dispatch_request_in_context"},
    {"id": "full_dispatch_request_not_found", "call": "full_dispatch_request_not_found"},
    {"id": "full_dispatch_request_unhandled", "call": "full_dispatch_request_unhandled"},
    {"id": "dispatch_request_raw_value", "call": "dispatch_request_raw_value"},
    {"id": "dispatch_request_routing_exceptions", "call": "dispatch_request_routing_exceptions"},
    {"id": "process_response_runs_callbacks", "call": "process_response_runs_callbacks"},
    {"id": "after_this_request_with_full_dispatch",
     "call": "after_this_request_with_full_dispatch"},
    {"id": "do_teardown_methods", "call": "do_teardown_methods"},
    {"id": "exception_in_block_reaches_teardown", "call": "exception_in_block_reaches_teardown"},
    {"id": "push_and_pop_by_hand", "call": "push_and_pop_by_hand"},
    {"id": "same_context_pushed_twice", "call": "same_context_pushed_twice"},
    {"id": "nested_request_contexts", "call": "nested_request_contexts"},
    {"id": "request_context_inside_app_context", "call": "request_context_inside_app_context"},
    {"id": "other_app_nested", "call": "other_app_nested"},
    {"id": "app_context_basics", "call": "app_context_basics"},
    {"id": "g_namespace_api", "call": "g_namespace_api"},
    {"id": "g_fresh_per_app_context", "call": "g_fresh_per_app_context"},
    {"id": "app_context_teardown_gets_exception", "call": "app_context_teardown_gets_exception"},
    {"id": "proxies_outside_context", "call": "proxies_outside_context"},
    {"id": "proxies_inside_request", "call": "proxies_inside_request"},
    {"id": "low_level_context_proxies", "call": "low_level_context_proxies"},
    {"id": "request_context_repr", "call": "request_context_repr"},
    {"id": "copy_current_request_context_in_thread",
     "call": "copy_current_request_context_in_thread"},
    {"id": "copy_current_request_context_after_exit",
     "call": "copy_current_request_context_after_exit"},
    {"id": "copy_current_request_context_same_thread",
     "call": "copy_current_request_context_same_thread"},
    {"id": "url_value_preprocessor_changes_dispatch",
     "call": "url_value_preprocessor_changes_dispatch"},
    {"id": "with_client_after_unhandled_error", "call": "with_client_after_unhandled_error"},
    {"id": "with_client_preserves_context", "call": "with_client_preserves_context"},
    {"id": "client_without_with_keeps_nothing", "call": "client_without_with_keeps_nothing"},
    {"id": "client_with_cannot_nest", "call": "client_with_cannot_nest"},
    {"id": "session_proxy_outside_request", "call": "session_proxy_outside_request"},
    {"id": "session_in_test_request_context", "call": "session_in_test_request_context"},
    {"id": "null_session_without_secret_key", "call": "null_session_without_secret_key"},
    {"id": "late_setup_after_first_request", "call": "late_setup_after_first_request"},
    {"id": "url_for_in_app_context_without_server_name", "call": "url_for_in_app_context"},
    {"id": "url_for_in_app_context_with_server_name", "call": "url_for_in_app_context",
     "config": {"SERVER_NAME": "example.com"}},
    {"id": "stream_with_context_body", "path": "/stream?name=ada"},
    {"id": "stream_with_context_hook_order", "steps": [
        {"path": "/stream?name=ada"}, {"path": "/log"}]},
    {"id": "stream_with_context_decorator", "path": "/stream-decorated?q=abc"},
    {"id": "contexts_pushed_inside_a_view", "path": "/nested-contexts"},
    {"id": "session_roundtrip", "steps": [
        {"path": "/session/set/one"}, {"path": "/session/set/two"}, {"path": "/session/read"}]},
    {"id": "session_clear_deletes_cookie", "steps": [
        {"path": "/session/set/one"}, {"path": "/session/clear"}, {"path": "/session/read"}]},
]

"""Class-based views: View and MethodView, sync and async, decorators, instances."""

from __future__ import annotations

import asyncio
import functools

from flask import Flask, g, jsonify, make_response, request, url_for
from flask.views import MethodView, View, http_method_funcs

app = Flask(__name__)
app.testing = True


# -- View ---------------------------------------------------------------------------


class Hello(View):
    """Says hello."""

    def dispatch_request(self, name):
        return f"Hello, {name}! ({request.method})"


app.add_url_rule("/hello/<name>", view_func=Hello.as_view("hello"))


class Both(View):
    methods = ["GET", "POST"]

    def dispatch_request(self):
        return f"both {request.method}"


app.add_url_rule("/both", view_func=Both.as_view("both"))


class Greeter(View):
    def __init__(self, greeting, punctuation="."):
        self.greeting = greeting
        self.punctuation = punctuation

    def dispatch_request(self, who="world"):
        return f"{self.greeting}, {who}{self.punctuation}"


app.add_url_rule("/greet/", view_func=Greeter.as_view("greet", "Hi"))
app.add_url_rule(
    "/greet/<who>", view_func=Greeter.as_view("greet_kw", "Hey", punctuation="!")
)


class AsyncView(View):
    methods = ["GET", "POST"]

    async def dispatch_request(self, n):
        await asyncio.sleep(0)
        return jsonify(n=n, method=request.method, args=request.args.to_dict())


app.add_url_rule("/async-view/<int:n>", view_func=AsyncView.as_view("async_view"))


class NoAutoOptions(View):
    provide_automatic_options = False

    def dispatch_request(self):
        return f"no auto options {request.method}"


app.add_url_rule("/no-auto-options", view_func=NoAutoOptions.as_view("no_auto_options"))


class OwnOptions(View):
    methods = ["GET", "OPTIONS"]

    def dispatch_request(self):
        if request.method == "OPTIONS":
            return "my options", 200, {"X-Own": "yes"}
        return "get"


app.add_url_rule("/own-options", view_func=OwnOptions.as_view("own_options"))


# -- instances ---------------------------------------------------------------------------

CREATED: list[str] = []


class Counter(View):
    """Counts requests on self: a fresh instance each time, so always 1."""

    def __init__(self, label):
        CREATED.append(label)
        self.count = 0

    def dispatch_request(self):
        self.count += 1
        return jsonify(count=self.count)


class SharedCounter(Counter):
    """One instance for every request: the count grows."""

    init_every_request = False


app.add_url_rule("/counter/fresh", view_func=Counter.as_view("counter_fresh", "fresh"))
app.add_url_rule("/counter/shared", view_func=SharedCounter.as_view("counter_shared", "shared"))


class AsyncShared(MethodView):
    init_every_request = False

    def __init__(self, start):
        self.count = start

    async def get(self):
        self.count += 1
        await asyncio.sleep(0)
        return jsonify(count=self.count)


app.add_url_rule("/counter/async-shared", view_func=AsyncShared.as_view("async_shared", 10))


@app.route("/created")
def created():
    return jsonify(CREATED)


class Original(View):
    def dispatch_request(self):
        return "original"


class Replacement(View):
    def dispatch_request(self):
        return "replacement"


swapped = Original.as_view("swapped")
app.add_url_rule("/swapped", view_func=swapped)
swapped.view_class = Replacement


# -- decorators ------------------------------------------------------------------------

APPLIED: list[str] = []


def tag(label):
    def decorator(f):
        APPLIED.append(f"{label}:{f.__name__}")

        @functools.wraps(f)
        def wrapper(*args, **kwargs):
            response = make_response(f(*args, **kwargs))
            response.headers.add("X-Tags", label)
            return response

        return wrapper

    return decorator


def require_key(f):
    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        if request.args.get("key") != "secret":
            return "forbidden", 403
        return f(*args, **kwargs)

    return wrapper


class Decorated(View):
    decorators = [tag("inner"), tag("outer")]

    def dispatch_request(self):
        return "decorated"


app.add_url_rule("/decorated", view_func=Decorated.as_view("decorated"))


class Guarded(MethodView):
    decorators = [require_key]

    def get(self):
        return "guarded get"

    def post(self):
        return "guarded post"


app.add_url_rule("/guarded", view_func=Guarded.as_view("guarded"))


class AsyncDecorated(MethodView):
    decorators = [require_key, tag("sync-deco")]

    async def get(self):
        await asyncio.sleep(0)
        return "async decorated"


app.add_url_rule("/async-decorated", view_func=AsyncDecorated.as_view("async_decorated"))


class AsyncDispatchDecorated(View):
    methods = ["GET", "POST"]
    decorators = [tag("view-deco")]

    async def dispatch_request(self, word):
        await asyncio.sleep(0)
        return f"{request.method} {word}"


class AsyncDispatchChild(AsyncDispatchDecorated):
    decorators = []

    async def dispatch_request(self, word):
        parent = await super().dispatch_request(word)
        return f"child of [{parent}]"


app.add_url_rule(
    "/async-dispatch-decorated/<word>",
    view_func=AsyncDispatchDecorated.as_view("async_dispatch_decorated"),
)
app.add_url_rule("/async-dispatch-child/<word>", view_func=AsyncDispatchChild.as_view("adc"))


@app.route("/applied")
def applied():
    return jsonify(APPLIED)


# -- MethodView --------------------------------------------------------------------------


class Items(MethodView):
    """A small REST resource."""

    def get(self, item_id=None):
        if item_id is None:
            return jsonify(items=[1, 2])
        return jsonify(item=item_id, method=request.method)

    def post(self):
        return jsonify(created=request.get_json()), 201

    def delete(self, item_id):
        return "", 204


items_view = Items.as_view("items")
app.add_url_rule("/items/", view_func=items_view, methods=["GET", "POST"])
app.add_url_rule("/items/<int:item_id>", view_func=items_view, methods=["GET", "DELETE"])


class ItemsInferred(Items):
    pass


app.add_url_rule("/inferred", view_func=ItemsInferred.as_view("inferred"))


class WithHead(MethodView):
    def get(self):
        return "get body", 200, {"X-Handler": "get"}

    def head(self):
        return "", 200, {"X-Handler": "head"}


app.add_url_rule("/with-head", view_func=WithHead.as_view("with_head"))


class HeadFallback(MethodView):
    def get(self):
        return "fallback body", 200, {"X-Handler": "get", "X-Method": request.method}


app.add_url_rule("/head-fallback", view_func=HeadFallback.as_view("head_fallback"))


class WithOptions(MethodView):
    def get(self):
        return "get"

    def options(self):
        return "", 204, {"X-Options": "handled", "Allow": "GET, OPTIONS"}


app.add_url_rule("/with-options", view_func=WithOptions.as_view("with_options"))


class AsyncItems(MethodView):
    async def get(self, n):
        await asyncio.sleep(0)
        return jsonify(n=n, method=request.method)

    async def put(self, n):
        await asyncio.sleep(0)
        return jsonify(n=n, body=request.get_json())


app.add_url_rule("/async-items/<int:n>", view_func=AsyncItems.as_view("async_items"))


class Mixed(MethodView):
    def get(self):
        g.touched = "sync"
        return f"sync get {g.touched}"

    async def post(self):
        await asyncio.sleep(0)
        return jsonify(verb="async post", form=request.form.to_dict())

    async def patch(self):
        return "async patch", 202


app.add_url_rule("/mixed", view_func=Mixed.as_view("mixed"))


class Base(MethodView):
    def get(self):
        return f"base get from {type(self).__name__}"


class Child(Base):
    def post(self):
        return "child post"


class GrandChild(Child):
    def get(self):
        return "grandchild get"

    async def delete(self):
        return "grandchild delete"


app.add_url_rule("/base", view_func=Base.as_view("base"))
app.add_url_rule("/child", view_func=Child.as_view("child"))
app.add_url_rule("/grandchild", view_func=GrandChild.as_view("grandchild"))


class Narrowed(MethodView):
    methods = ["GET"]

    def get(self):
        return "narrowed get"

    def post(self):
        return "never routed"


app.add_url_rule("/narrowed", view_func=Narrowed.as_view("narrowed"))


class OnlyGet(MethodView):
    def get(self):
        return "only get"


app.add_url_rule(
    "/unimplemented", view_func=OnlyGet.as_view("unimplemented"), methods=["GET", "POST"]
)


class Purge(MethodView):
    methods = ["GET", "PURGE"]

    def get(self):
        return "cached"

    def purge(self):
        return "purged"


app.add_url_rule("/purge", view_func=Purge.as_view("purge"))


class SuperDispatch(MethodView):
    def dispatch_request(self, **kwargs):
        g.wrapped = True
        response = make_response(super().dispatch_request(**kwargs))
        response.headers["X-Dispatch"] = "overridden"
        return response

    def get(self, word):
        return f"sync {word}"

    async def post(self, word):
        return f"async {word}"


app.add_url_rule("/super/<word>", view_func=SuperDispatch.as_view("super_dispatch"))


class Raising(MethodView):
    def get(self):
        raise ValueError("boom in get")

    async def post(self):
        from flask import abort

        abort(418)


app.add_url_rule("/raising", view_func=Raising.as_view("raising"))


@app.errorhandler(ValueError)
def value_error(e):
    return f"handled {e}", 400


@app.route("/urls")
def urls():
    return jsonify(
        hello=url_for("hello", name="x"),
        items=url_for("items"),
        item=url_for("items", item_id=3),
        greet=url_for("greet_kw", who="bob"),
    )


# -- attributes (call cases) -------------------------------------------------------------


def _describe(view):
    return {
        "name": view.__name__,
        "doc": view.__doc__,
        "module": view.__module__,
        "view_class": view.view_class.__name__,
        "methods": sorted(view.methods) if view.methods is not None else None,
        "provide_automatic_options": view.provide_automatic_options,
    }


def view_attributes():
    return {
        "hello": _describe(app.view_functions["hello"]),
        "both": _describe(app.view_functions["both"]),
        "items": _describe(app.view_functions["items"]),
        "no_auto_options": _describe(app.view_functions["no_auto_options"]),
        "decorated": _describe(app.view_functions["decorated"]),
        "async_view": _describe(app.view_functions["async_view"]),
        "async_items": _describe(app.view_functions["async_items"]),
    }


def class_attributes():
    return {
        "http_method_funcs": sorted(http_method_funcs),
        "view_methods": View.methods,
        "view_decorators": View.decorators,
        "view_init_every_request": View.init_every_request,
        "view_provide_automatic_options": View.provide_automatic_options,
        "method_view_methods": MethodView.methods,
        "items": sorted(Items.methods),
        "inferred": sorted(ItemsInferred.methods),
        "base": sorted(Base.methods),
        "child": sorted(Child.methods),
        "grandchild": sorted(GrandChild.methods),
        "narrowed": sorted(Narrowed.methods),
        "with_options": sorted(WithOptions.methods),
        "mixed": sorted(Mixed.methods),
        "methods_type": type(Items.methods).__name__,
        "is_subclass": issubclass(MethodView, View),
    }


def rules():
    return sorted(
        (rule.rule, rule.endpoint, sorted(rule.methods))
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
    )


CASES = [
    # View
    {"id": "view_dispatch_url_vars", "path": "/hello/ada"},
    {"id": "view_head", "method": "HEAD", "path": "/hello/ada"},
    {"id": "view_default_methods_post_405", "method": "POST", "path": "/hello/ada"},
    {"id": "view_options_auto", "method": "OPTIONS", "path": "/hello/ada"},
    {"id": "view_methods_get", "path": "/both"},
    {"id": "view_methods_post", "method": "POST", "path": "/both"},
    {"id": "view_methods_put_405", "method": "PUT", "path": "/both"},
    {"id": "view_methods_options", "method": "OPTIONS", "path": "/both"},
    {"id": "as_view_class_args", "path": "/greet/"},
    {"id": "as_view_class_kwargs", "path": "/greet/bob"},
    {"id": "async_view_get", "path": "/async-view/7?a=1"},
    {"id": "async_view_post", "method": "POST", "path": "/async-view/8"},
    {"id": "async_view_head", "method": "HEAD", "path": "/async-view/9"},
    {"id": "async_view_delete_405", "method": "DELETE", "path": "/async-view/9"},
    {"id": "no_auto_options_405", "method": "OPTIONS", "path": "/no-auto-options"},
    {"id": "own_options_handler", "method": "OPTIONS", "path": "/own-options"},
    # instances
    {
        "id": "init_every_request_fresh_instance",
        "steps": [{"path": "/counter/fresh"}, {"path": "/counter/fresh"}],
    },
    {
        "id": "init_every_request_false_shared_instance",
        "steps": [
            {"path": "/counter/shared"},
            {"path": "/counter/shared"},
            {"path": "/counter/shared"},
        ],
    },
    {"id": "instances_created", "steps": [{"path": "/counter/fresh"}, {"path": "/created"}]},
    {"id": "view_class_swapped_after_as_view", "path": "/swapped"},
    {
        "id": "init_every_request_false_async",
        "steps": [{"path": "/counter/async-shared"}, {"path": "/counter/async-shared"}],
    },
    # decorators
    {"id": "decorators_applied_in_order", "path": "/decorated", "headers": ["X-Tags"]},
    {"id": "decorators_application_log", "path": "/applied"},
    {"id": "decorator_blocks_method_view", "path": "/guarded"},
    {"id": "decorator_passes_method_view", "path": "/guarded?key=secret"},
    {"id": "decorator_passes_post", "method": "POST", "path": "/guarded?key=secret"},
    {"id": "sync_decorators_async_method_blocked", "path": "/async-decorated"},
    {
        "id": "sync_decorators_async_method_passes",
        "path": "/async-decorated?key=secret",
        "headers": ["X-Tags"],
    },
    {
        "id": "sync_decorator_async_dispatch_request",
        "method": "POST",
        "path": "/async-dispatch-decorated/w",
        "headers": ["X-Tags"],
    },
    {"id": "view_subclass_async_super", "path": "/async-dispatch-child/z"},
    {"id": "view_subclass_methods_inherited", "method": "POST", "path": "/async-dispatch-child/q"},
    # MethodView
    {"id": "method_view_get_list", "path": "/items/"},
    {"id": "method_view_get_item", "path": "/items/5"},
    {"id": "method_view_post", "method": "POST", "path": "/items/", "kwargs": {"json": {"a": 1}}},
    {"id": "method_view_delete", "method": "DELETE", "path": "/items/5"},
    {"id": "method_view_rule_methods_405", "method": "DELETE", "path": "/items/"},
    {"id": "method_view_options_allow", "method": "OPTIONS", "path": "/items/5"},
    {"id": "inferred_methods_get", "path": "/inferred"},
    {"id": "inferred_methods_missing_verb_405", "method": "PUT", "path": "/inferred"},
    {"id": "inferred_methods_patch_405", "method": "PATCH", "path": "/inferred"},
    {"id": "inferred_methods_options", "method": "OPTIONS", "path": "/inferred"},
    {"id": "head_explicit_handler", "method": "HEAD", "path": "/with-head"},
    {"id": "head_explicit_get_still_get", "path": "/with-head"},
    {"id": "head_falls_back_to_get", "method": "HEAD", "path": "/head-fallback"},
    {"id": "options_method_handler", "method": "OPTIONS", "path": "/with-options"},
    {"id": "async_methods_get", "path": "/async-items/3"},
    {"id": "async_methods_head", "method": "HEAD", "path": "/async-items/3"},
    {
        "id": "async_methods_put",
        "method": "PUT",
        "path": "/async-items/3",
        "kwargs": {"json": [1, "two"]},
    },
    {"id": "async_methods_post_405", "method": "POST", "path": "/async-items/3"},
    {"id": "mixed_sync_get", "path": "/mixed"},
    {"id": "mixed_head_sync_get", "method": "HEAD", "path": "/mixed"},
    {"id": "mixed_async_post", "method": "POST", "path": "/mixed", "kwargs": {"data": {"f": "v"}}},
    {"id": "mixed_async_patch_status", "method": "PATCH", "path": "/mixed"},
    {"id": "mixed_delete_405", "method": "DELETE", "path": "/mixed"},
    {"id": "inheritance_base_get", "path": "/base"},
    {"id": "inheritance_base_post_405", "method": "POST", "path": "/base"},
    {"id": "inheritance_child_get", "path": "/child"},
    {"id": "inheritance_child_post", "method": "POST", "path": "/child"},
    {"id": "inheritance_grandchild_get", "path": "/grandchild"},
    {"id": "inheritance_grandchild_delete", "method": "DELETE", "path": "/grandchild"},
    {"id": "inheritance_grandchild_post", "method": "POST", "path": "/grandchild"},
    {"id": "explicit_class_methods_narrow", "method": "POST", "path": "/narrowed"},
    {"id": "explicit_class_methods_get", "path": "/narrowed"},
    {"id": "registered_methods_unimplemented_get", "path": "/unimplemented"},
    {
        "id": "registered_methods_unimplemented_raises",
        "method": "POST",
        "path": "/unimplemented",
    },
    {
        "id": "registered_methods_unimplemented_500",
        "method": "POST",
        "path": "/unimplemented",
        "config": {"PROPAGATE_EXCEPTIONS": False},
    },
    {"id": "custom_verb_method", "method": "PURGE", "path": "/purge"},
    {"id": "custom_verb_get", "path": "/purge"},
    {"id": "dispatch_override_super_sync", "path": "/super/hi"},
    {"id": "dispatch_override_super_async", "method": "POST", "path": "/super/yo"},
    {"id": "error_handler_sync_method", "path": "/raising"},
    {"id": "abort_in_async_method", "method": "POST", "path": "/raising"},
    {"id": "url_for_endpoints", "path": "/urls"},
    # attributes
    {"id": "view_function_attributes", "call": "view_attributes"},
    {"id": "class_attributes", "call": "class_attributes"},
    {"id": "url_rules", "call": "rules"},
]

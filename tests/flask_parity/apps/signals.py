"""Signals: which are sent, in what order (among the hooks), with which arguments.

Every case is a ``call``: it builds a fresh app whose hooks and signal receivers
append to one log, runs requests (or context pushes) through it, disconnects the
receivers and returns the log. Receivers record the sender (``app`` or not) and
their keyword arguments, made comparable (a response by status and body, an
exception by type and message).
"""

from __future__ import annotations

from flask import (
    Flask,
    abort,
    after_this_request,
    flash,
    render_template_string,
    request,
    signals,
)

SIGNALS = (
    "request_started",
    "request_finished",
    "request_tearing_down",
    "got_request_exception",
    "appcontext_tearing_down",
    "appcontext_pushed",
    "appcontext_popped",
    "message_flashed",
)


def _value(value):
    if hasattr(value, "status_code") and hasattr(value, "get_data"):
        return ["response", value.status_code, value.get_data(as_text=True)]
    if isinstance(value, BaseException):
        return ["exception", type(value).__name__, str(value)]
    return value


class Recorder:
    """Connects a receiver to every signal; the log is shared with the app's hooks."""

    def __init__(self, app, sender=None, use_async=False, names=SIGNALS):
        self.app = app
        self.log = []
        self.connected = []
        for name in names:
            signal = getattr(signals, name)
            receiver = self._async_receiver(name) if use_async else self._receiver(name)
            if sender is None:
                signal.connect(receiver, weak=False)
            else:
                signal.connect(receiver, sender, weak=False)
            self.connected.append((signal, receiver))

    def _entry(self, name, sender, kwargs):
        entry = [name, "app" if sender is self.app else repr(sender)]
        entry.extend([key, _value(kwargs[key])] for key in sorted(kwargs))
        return entry

    def _receiver(self, name):
        def receiver(sender, **kwargs):
            self.log.append(self._entry(name, sender, kwargs))

        return receiver

    def _async_receiver(self, name):
        async def receiver(sender, **kwargs):
            self.log.append(["async", *self._entry(name, sender, kwargs)])

        return receiver

    def close(self):
        for signal, receiver in self.connected:
            signal.disconnect(receiver)
        return self.log


def make_app(log, propagate=None):
    app = Flask(__name__)
    app.testing = True
    app.secret_key = "signals parity"
    if propagate is not None:
        app.config["PROPAGATE_EXCEPTIONS"] = propagate

    @app.url_value_preprocessor
    def preprocess(endpoint, values):
        log.append(["url_value_preprocessor", endpoint])

    @app.before_request
    def before():
        log.append(["before_request"])
        if request.args.get("short"):
            return "short-circuited"
        return None

    @app.after_request
    def after(response):
        log.append(["after_request", response.status_code])
        return response

    @app.teardown_request
    def teardown_request(exc):
        log.append(["teardown_request", _value(exc)])

    @app.teardown_appcontext
    def teardown_appcontext(exc):
        log.append(["teardown_appcontext", _value(exc)])

    @app.route("/sync")
    def sync_view():
        log.append(["view"])
        return "sync"

    @app.route("/async")
    async def async_view():
        log.append(["view"])
        return "async"

    @app.route("/this")
    def with_after_this():
        @after_this_request
        def add_header(response):
            log.append(["after_this_request"])
            response.headers["X-This"] = "1"
            return response

        return "this"

    @app.route("/boom")
    def boom():
        raise ValueError("boom")

    @app.route("/async-boom")
    async def async_boom():
        raise ValueError("async boom")

    @app.route("/abort")
    def aborted():
        abort(404)

    @app.route("/handled")
    def handled():
        raise KeyError("handled")

    @app.errorhandler(KeyError)
    def key_error(e):
        log.append(["errorhandler", type(e).__name__])
        return "handled", 409

    @app.route("/flash")
    def flash_view():
        flash("hello")
        flash("careful", "warning")
        return "flashed"

    @app.route("/async-flash")
    async def async_flash_view():
        flash("from async", "info")
        return "flashed"

    return app


def _run(paths, sender="app", use_async=False, propagate=None, app_log=True):
    log = []
    app = make_app(log if app_log else [], propagate)
    recorder = Recorder(app, app if sender == "app" else None, use_async)
    recorder.log = log
    try:
        client = app.test_client()
        for path in paths:
            try:
                response = client.get(path)
            except Exception as exc:
                log.append(["client raised", _value(exc)])
            else:
                log.append(["client got", _value(response)])
    finally:
        recorder.close()
    return log


def sync_view_order():
    return _run(["/sync"])


def async_view_order():
    return _run(["/async"])


def after_this_request_order():
    return _run(["/this"])


def short_circuit_order():
    return _run(["/sync?short=1"])


def not_found_order():
    return _run(["/missing"])


def http_exception_order():
    return _run(["/abort"])


def handled_exception_order():
    return _run(["/handled"])


def unhandled_propagated():
    return _run(["/boom"])


def unhandled_async_propagated():
    return _run(["/async-boom"])


def unhandled_500_logged():
    return _run(["/boom"], propagate=False)


def unhandled_async_500_logged():
    return _run(["/async-boom"], propagate=False)


def message_flashed_args():
    return _run(["/flash"])


def message_flashed_from_async_view():
    return _run(["/async-flash"])


def any_sender_receivers():
    return _run(["/sync"], sender=None, app_log=False)


def async_receivers_sync_view():
    return _run(["/sync", "/boom"], use_async=True, app_log=False, propagate=False)


def async_receivers_async_view():
    return _run(["/async", "/async-boom"], use_async=True, app_log=False, propagate=False)


def other_sender_not_called():
    log = []
    app = make_app(log)
    other = Flask("other")
    recorder = Recorder(other, other)
    try:
        app.test_client().get("/sync")
        with app.app_context():
            pass
    finally:
        recorder.close()
    return [log, recorder.log]


def app_context_push_pop():
    log = []
    app = make_app(log)
    recorder = Recorder(app, app)
    recorder.log = log
    try:
        with app.app_context():
            log.append(["inside outer"])
            with app.app_context():
                log.append(["inside inner"])
        log.append(["after"])
    finally:
        recorder.close()
    return log


def test_request_context_push_pop():
    log = []
    app = make_app(log)
    recorder = Recorder(app, app)
    recorder.log = log
    try:
        with app.test_request_context("/sync"):
            log.append(["inside"])
        with app.app_context():
            with app.test_request_context("/sync"):
                log.append(["inside nested"])
    finally:
        recorder.close()
    return log


def manual_full_dispatch():
    log = []
    app = make_app(log)
    recorder = Recorder(app, app)
    recorder.log = log
    try:
        with app.test_request_context("/sync"):
            response = app.full_dispatch_request()
            log.append(["returned", _value(response)])
            app.finalize_request("again")
    finally:
        recorder.close()
    return log


def manual_handle_exception():
    log = []
    app = make_app(log, propagate=False)
    recorder = Recorder(app, app)
    recorder.log = log
    try:
        with app.test_request_context("/boom"):
            response = app.handle_exception(RuntimeError("manual"))
            log.append(["returned", _value(response)])
    finally:
        recorder.close()
    return log


def manual_teardowns():
    log = []
    app = make_app(log)
    recorder = Recorder(app, app)
    recorder.log = log
    try:
        with app.app_context():
            app.do_teardown_appcontext(LookupError("given"))
            app.do_teardown_appcontext()
        with app.test_request_context("/sync"):
            app.do_teardown_request(LookupError("given"))
    finally:
        recorder.close()
    return log


def receiver_raises_in_request_started():
    log = []
    app = make_app(log)

    def explode(sender, **kwargs):
        raise KeyError("from receiver")

    signals.request_started.connect(explode, app)
    recorder = Recorder(app, app)
    recorder.log = log
    try:
        response = app.test_client().get("/sync")
        log.append(["client got", _value(response)])
    finally:
        recorder.close()
        signals.request_started.disconnect(explode)
    return log


def flash_in_request_context():
    log = []
    app = make_app(log)
    recorder = Recorder(app, app, names=("message_flashed",))
    recorder.log = log
    try:
        with app.test_request_context("/"):
            flash({"structured": [1, 2]}, "data")
    finally:
        recorder.close()
    return log


def template_signals_idiom():
    app = make_app([])
    app.add_template_global("templated", "global_value")

    @app.route("/template")
    def templated_view():
        return render_template_string("{{ greeting }} {{ name }}!", greeting="Hello", name="you")

    recorded = []

    def before(sender, template, context, **extra):
        recorded.append(["before", sender is app, template.name, sorted(context), extra])

    def rendered(sender, template, context, **extra):
        recorded.append(["rendered", sender is app, template.name, context.get("name"), extra])

    signals.before_render_template.connect(before, app)
    signals.template_rendered.connect(rendered, app)
    try:
        response = app.test_client().get("/template")
        recorded.append(_value(response))
        with app.test_request_context("/"):
            recorded.append(render_template_string("{{ x }}", x=1))
    finally:
        signals.before_render_template.disconnect(before)
        signals.template_rendered.disconnect(rendered)
    return recorded


def signal_names():
    return {name: getattr(signals, name).name for name in SIGNALS}


app = make_app([])

CASES = [
    {"id": "sync_view_order", "call": "sync_view_order"},
    {"id": "async_view_order", "call": "async_view_order"},
    {"id": "after_this_request_order", "call": "after_this_request_order"},
    {"id": "short_circuit_order", "call": "short_circuit_order"},
    {"id": "not_found_order", "call": "not_found_order"},
    {"id": "http_exception_order", "call": "http_exception_order"},
    {"id": "handled_exception_order", "call": "handled_exception_order"},
    {"id": "unhandled_propagated", "call": "unhandled_propagated"},
    {"id": "unhandled_async_propagated", "call": "unhandled_async_propagated"},
    {"id": "unhandled_500_logged", "call": "unhandled_500_logged"},
    {"id": "unhandled_async_500_logged", "call": "unhandled_async_500_logged"},
    {"id": "message_flashed_args", "call": "message_flashed_args"},
    {"id": "message_flashed_from_async_view", "call": "message_flashed_from_async_view"},
    {"id": "any_sender_receivers", "call": "any_sender_receivers"},
    {"id": "async_receivers_sync_view", "call": "async_receivers_sync_view"},
    {"id": "async_receivers_async_view", "call": "async_receivers_async_view"},
    {"id": "other_sender_not_called", "call": "other_sender_not_called"},
    {"id": "app_context_push_pop", "call": "app_context_push_pop"},
    {"id": "test_request_context_push_pop", "call": "test_request_context_push_pop"},
    {"id": "manual_full_dispatch", "call": "manual_full_dispatch"},
    {"id": "manual_handle_exception", "call": "manual_handle_exception"},
    {"id": "manual_teardowns", "call": "manual_teardowns"},
    {"id": "receiver_raises_in_request_started", "call": "receiver_raises_in_request_started"},
    {"id": "flash_in_request_context", "call": "flash_in_request_context"},
    {"id": "template_signals_idiom", "call": "template_signals_idiom"},
    {"id": "signal_names", "call": "signal_names"},
]

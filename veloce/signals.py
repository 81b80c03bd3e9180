"""Blinker signals sent at Flask's points in the request and context lifecycle.

The ten signals are module-level singletons with Flask's names, in a namespace of
their own (``app.signal_namespace`` returns this module). Receivers get the app as
the sender and Flask's keyword arguments::

    from veloce.signals import template_rendered

    def record(sender, template, context, **extra):
        recorded.append((template, context))

    template_rendered.connect(record, app)

Cost: every emission point checks ``signal.receivers`` (blinker's dict of connected
receivers) before building any argument, so a signal nobody listens to costs one
truthiness check.

Where receivers run: sync receivers run where the sending stage runs — on the
request's worker lane for a sync view, on the event loop for an async view's
request-level stages (``request_started``, ``request_finished``,
``got_request_exception``, the ``*_tearing_down`` signals) and for the app context
pushed/popped around an ASGI request. Async receivers are awaited on the loop; from
a worker lane the lane waits for them (Flask's ``_async_wrapper=app.ensure_sync``).
A sync function that sends on the loop thread itself (``flash`` or
``render_template`` called by an async view) cannot wait for an async receiver
without blocking the loop: it is scheduled as a task there instead.

Flask parity: ``flask.signals``; same names, senders, keyword arguments and order.
"""

from __future__ import annotations

import asyncio
import typing as t
from inspect import iscoroutinefunction

from blinker import Namespace, Signal

if t.TYPE_CHECKING:
    from veloce.app import Veloce

__all__ = [
    "appcontext_popped",
    "appcontext_pushed",
    "appcontext_tearing_down",
    "before_render_template",
    "got_request_exception",
    "message_flashed",
    "request_finished",
    "request_started",
    "request_tearing_down",
    "send",
    "send_on_loop",
    "template_rendered",
]

# Veloce's own signals only; extensions create their own namespaces.
_signals = Namespace()

#: After a template rendered: ``template=``, ``context=``.
template_rendered = _signals.signal("template-rendered")
#: Before a template renders: ``template=``, ``context=``.
before_render_template = _signals.signal("before-render-template")
#: Before the url_value_preprocessors and before_request hooks of a request.
request_started = _signals.signal("request-started")
#: After the after_request hooks and the session save: ``response=``.
request_finished = _signals.signal("request-finished")
#: After the teardown_request callbacks: ``exc=``.
request_tearing_down = _signals.signal("request-tearing-down")
#: An unhandled exception reached the 500 path (before propagating or logging):
#: ``exception=``.
got_request_exception = _signals.signal("got-request-exception")
#: After the teardown_appcontext callbacks: ``exc=``.
appcontext_tearing_down = _signals.signal("appcontext-tearing-down")
#: An app context was bound (the app's own context, not a nested request's).
appcontext_pushed = _signals.signal("appcontext-pushed")
#: An app context was unbound.
appcontext_popped = _signals.signal("appcontext-popped")
#: ``flash()`` stored a message: ``message=``, ``category=``.
message_flashed = _signals.signal("message-flashed")

# Receivers scheduled from the loop thread by a sync sender; kept until done so the
# tasks are not garbage-collected mid-flight.
_scheduled: set[asyncio.Task[t.Any]] = set()


def _schedule(receiver: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
    def call(sender: t.Any, **kwargs: t.Any) -> asyncio.Task[t.Any]:
        task = asyncio.get_running_loop().create_task(receiver(sender, **kwargs))
        _scheduled.add(task)
        task.add_done_callback(_scheduled.discard)
        return task

    return call


def send(signal: Signal, app: Veloce, **kwargs: t.Any) -> list[tuple[t.Any, t.Any]]:
    """Send ``signal`` from sync code, as Flask's ``send(app, _async_wrapper=...)``.

    Callers check ``signal.receivers`` first. Off the loop thread (a worker lane, a
    test's ``with app.app_context():``) async receivers run to completion through
    ``app.ensure_sync``; on the loop thread they are scheduled as tasks.

    Args:
        signal: One of this module's signals (or any blinker signal).
        app: The sender.
        **kwargs: The signal's keyword arguments.

    Returns:
        blinker's ``(receiver, return value)`` pairs.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return signal.send(app, _async_wrapper=app.ensure_sync, **kwargs)
    return signal.send(app, _async_wrapper=_schedule, **kwargs)


async def send_on_loop(signal: Signal, app: Veloce, **kwargs: t.Any) -> None:
    """Send ``signal`` from the loop: async receivers awaited, sync ones called inline.

    Receivers run one after the other in blinker's order, as ``send`` runs them.
    """
    if signal.is_muted:
        return
    for receiver in signal.receivers_for(app):
        rv = receiver(app, **kwargs)
        if iscoroutinefunction(receiver):
            await rv

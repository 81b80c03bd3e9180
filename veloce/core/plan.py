"""Per-route plans: everything about running a route that can be decided once.

A :class:`HookPlan` holds the hooks of one blueprint chain, flattened in Flask's
order and tagged sync/async; a :class:`RoutePlan` adds the view. Plans are built when
the app freezes (first request) so that the request path does no
``iscoroutinefunction`` checks, no blueprint walks and no dict lookups per hook.
"""

from __future__ import annotations

import functools
import inspect
import typing as t

__all__ = [
    "INLINE",
    "Call",
    "HookPlan",
    "RoutePlan",
    "call_flag",
    "is_async_callable",
    "nonblocking",
    "tag",
]

F = t.TypeVar("F", bound=t.Callable[..., t.Any])

_NONBLOCKING_ATTR = "__veloce_nonblocking__"


class _Inline:
    """The call flag of a sync function marked :func:`nonblocking`.

    Falsy, so code that only asks "async or not?" (the lane pipeline) treats it as
    the sync function it is; the loop pipeline tests ``flag is INLINE`` to call it
    right there instead of handing it to a worker thread.
    """

    __slots__ = ()

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "INLINE"


INLINE: t.Any = _Inline()

#: A callable paired with its call flag: True (async), False (sync) or INLINE.
Call = tuple[t.Callable[..., t.Any], t.Any]


def nonblocking(fn: F) -> F:
    """Mark a sync view or hook as safe to run on the event loop.

    By default a sync function runs on a worker thread (one per request), as Flask
    code expects; that hand-off costs a thread wake-up each way. A function that
    never blocks (no I/O, no locks, no long computation) can skip it: a request whose
    view and hooks are async or ``nonblocking`` runs entirely on the loop. A blocking
    call inside a marked function stalls every request on the loop, so mark only
    code you know. Under Flask the attribute is ignored, so the same code runs there.

    Returns:
        ``fn`` itself, with ``__veloce_nonblocking__ = True``.
    """
    setattr(fn, _NONBLOCKING_ATTR, True)
    return fn


def call_flag(fn: t.Any) -> t.Any:
    """True for async callables, INLINE for :func:`nonblocking` ones, else False."""
    if is_async_callable(fn):
        return True
    while isinstance(fn, functools.partial):
        fn = fn.func
    return INLINE if getattr(fn, _NONBLOCKING_ATTR, False) else False


def is_async_callable(fn: t.Any) -> bool:
    """True for coroutine functions, partials of them and objects with an async ``__call__``."""
    while isinstance(fn, functools.partial):
        fn = fn.func
    if inspect.iscoroutinefunction(fn):
        return True
    call = getattr(fn, "__call__", None)  # noqa: B004 - we want the attribute, not callable()
    return call is not None and not inspect.isfunction(fn) and inspect.iscoroutinefunction(call)


def tag(functions: t.Iterable[t.Callable[..., t.Any]]) -> tuple[Call, ...]:
    """Pair each function with its call flag (see :func:`call_flag`)."""
    return tuple((fn, call_flag(fn)) for fn in functions)


class HookPlan:
    """The hooks that apply to one blueprint chain, in the order they run.

    ``blueprints`` is innermost first (``request.blueprints``). ``before`` runs the
    app's hooks then the outermost blueprint's; ``after`` and ``teardown`` run the
    innermost blueprint's first, each list reversed, then the app's.
    """

    __slots__ = (
        "blueprints",
        "url_value_preprocessors",
        "before",
        "after",
        "teardown",
    )

    def __init__(
        self,
        blueprints: tuple[str, ...],
        url_value_preprocessors: tuple[Call, ...],
        before: tuple[Call, ...],
        after: tuple[Call, ...],
        teardown: tuple[Call, ...],
    ) -> None:
        self.blueprints = blueprints
        self.url_value_preprocessors = url_value_preprocessors
        self.before = before
        self.after = after
        self.teardown = teardown


class RoutePlan:
    """How to run one endpoint: its view, how to call it, and its hooks.

    ``on_lane`` is True when the view is sync: the whole request then runs on one
    worker thread (async hooks are sent back to the loop from there). Otherwise the
    request runs on the loop and only its sync stages go to a worker thread; a view
    marked :func:`nonblocking` is called on the loop (``view_is_async`` False).
    ``request_param`` names a view parameter that receives the Request object (the
    native ``def view(request: Request)`` style), or is None for Flask-style views.
    """

    __slots__ = ("endpoint", "view", "view_is_async", "hooks", "on_lane", "request_param")

    def __init__(
        self,
        endpoint: str | None,
        view: t.Callable[..., t.Any] | None,
        hooks: HookPlan,
        request_param: str | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.view = view
        flag = call_flag(view) if view is not None else False
        self.view_is_async = flag is True
        self.hooks = hooks
        self.on_lane = view is not None and flag is False
        self.request_param = request_param


def find_request_param(
    view: t.Callable[..., t.Any], rule_arguments: t.Iterable[str], request_class: type
) -> str | None:
    """The view parameter to fill with the Request, if the view asks for one.

    A parameter named ``request`` or annotated with the request class (or a subclass)
    that is not a URL variable. Decided once per route at freeze time.
    """
    try:
        signature = inspect.signature(view)
    except (TypeError, ValueError):
        return None
    arguments = set(rule_arguments)
    for name, param in signature.parameters.items():
        if name in arguments or param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        annotation = param.annotation
        if isinstance(annotation, str):
            matches = annotation.rsplit(".", 1)[-1] == request_class.__name__ or (
                annotation.rsplit(".", 1)[-1] == "Request"
            )
        else:
            matches = isinstance(annotation, type) and issubclass(annotation, request_class)
        if matches or (name == "request" and annotation is param.empty):
            return name
    return None

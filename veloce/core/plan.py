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

__all__ = ["Call", "HookPlan", "RoutePlan", "is_async_callable", "tag"]

#: A callable paired with whether calling it returns an awaitable.
Call = tuple[t.Callable[..., t.Any], bool]


def is_async_callable(fn: t.Any) -> bool:
    """True for coroutine functions, partials of them and objects with an async ``__call__``."""
    while isinstance(fn, functools.partial):
        fn = fn.func
    if inspect.iscoroutinefunction(fn):
        return True
    call = getattr(fn, "__call__", None)  # noqa: B004 - we want the attribute, not callable()
    return call is not None and not inspect.isfunction(fn) and inspect.iscoroutinefunction(call)


def tag(functions: t.Iterable[t.Callable[..., t.Any]]) -> tuple[Call, ...]:
    """Pair each function with its sync/async flag."""
    return tuple((fn, is_async_callable(fn)) for fn in functions)


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
        "has_sync",
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
        self.has_sync = any(
            not is_async
            for _, is_async in (*url_value_preprocessors, *before, *after, *teardown)
        )


class RoutePlan:
    """How to run one endpoint: its view, how to call it, and its hooks.

    ``on_lane`` is True when the view is sync: the whole request then runs on one
    worker thread (async hooks are sent back to the loop from there). Otherwise the
    request runs on the loop and only its sync stages go to a worker thread.
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
        self.view_is_async = view is not None and is_async_callable(view)
        self.hooks = hooks
        self.on_lane = view is not None and not self.view_is_async
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

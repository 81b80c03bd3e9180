"""WebSocket routes recorded on a blueprint, added to the app when it is registered.

``@bp.websocket(rule)`` records a deferred function like ``@bp.route`` does. On
registration the rule gets the blueprint's URL prefix, subdomain and ``url_defaults``
and the endpoint its dotted name (``parent.child.handler``), exactly as for an HTTP
rule, and is then added with the app's ``add_websocket_route``. So nesting, ``name=``
re-registration and ``url_for("bp.handler")`` behave as for views.
"""

from __future__ import annotations

import typing as t
from functools import partial

from veloce.core.plan import is_async_callable
from veloce.scaffold import setupmethod

if t.TYPE_CHECKING:
    from veloce.blueprints import BlueprintSetupState, DeferredSetupFunction

__all__ = ["BlueprintWebSockets"]

T_ws_handler = t.TypeVar("T_ws_handler", bound=t.Callable[..., t.Awaitable[t.Any]])


def _add_websocket_rule(
    rule: str,
    handler: t.Callable[..., t.Awaitable[t.Any]],
    name: str | None,
    options: dict[str, t.Any],
    state: BlueprintSetupState,
) -> None:
    full_rule, endpoint, full_options = state.compose_rule(rule, name, handler, dict(options))
    state.app.add_websocket_route(full_rule, handler, name=endpoint, **full_options)


class BlueprintWebSockets:
    """``websocket`` / ``add_websocket_route`` / ``add_api_websocket_route`` of a blueprint.

    The same signatures as the app's (:class:`~veloce.app_websockets.WebSocketRoutes`).
    """

    def record(self, func: DeferredSetupFunction) -> None:  # provided by Blueprint
        raise TypeError("BlueprintWebSockets is a part of Blueprint, not usable alone")

    @setupmethod
    def add_websocket_route(
        self,
        rule: str,
        handler: t.Callable[..., t.Awaitable[t.Any]],
        name: str | None = None,
        **options: t.Any,
    ) -> None:
        """Record a WebSocket route; it is added (prefixed, dotted name) on registration.

        Raises:
            TypeError: ``handler`` is not a coroutine function (checked now, so the
                error points at the blueprint rather than at ``register_blueprint``).
            ValueError: ``name`` or the handler's name contains a dot.
        """
        if not is_async_callable(handler):
            raise TypeError(
                f"WebSocket handler {getattr(handler, '__name__', handler)!r} must be an"
                " async function (async def)."
            )
        if name and "." in name:
            raise ValueError("'name' may not contain a dot '.' character.")
        if name is None and "." in getattr(handler, "__name__", ""):
            raise ValueError("WebSocket handler name may not contain a dot '.' character.")
        self.record(partial(_add_websocket_rule, rule, handler, name, options))

    def add_api_websocket_route(
        self,
        path: str,
        endpoint: t.Callable[..., t.Awaitable[t.Any]],
        name: str | None = None,
    ) -> None:
        """The spec's alias of :meth:`add_websocket_route`."""
        self.add_websocket_route(path, endpoint, name=name)

    def websocket(
        self, rule: str, name: str | None = None, **options: t.Any
    ) -> t.Callable[[T_ws_handler], T_ws_handler]:
        """Decorator form of :meth:`add_websocket_route`.

        Example::

            bp = Blueprint("chat", __name__, url_prefix="/chat")

            @bp.websocket("/<room>")
            async def room(ws: WebSocket, room: str) -> None:
                await ws.accept()
                ...

            # after app.register_blueprint(bp): ws://host/chat/<room>,
            # url_for("chat.room", room="lobby")
        """

        def decorator(handler: T_ws_handler) -> T_ws_handler:
            self.add_websocket_route(rule, handler, name=name, **options)
            return handler

        return decorator

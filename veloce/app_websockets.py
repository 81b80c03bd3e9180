"""WebSocket routes of the app: registration and the ``websocket`` scope dispatcher.

WebSocket rules live in the same ``url_map`` as HTTP ones (``Rule(websocket=True)``),
so ``url_for`` builds them and an HTTP request to a WebSocket-only path gets the
router's 400 rather than a 404. Handlers are coroutine functions called with the
:class:`~veloce.core.websockets.WebSocket` and the URL variables; the app context is
bound while they run so ``current_app`` and ``g`` work as in a view.
"""

from __future__ import annotations

import inspect
import typing as t

from veloce import signals
from veloce.core.asgi import route_path
from veloce.core.context import _cv_ctx
from veloce.core.exceptions import HTTPException, WebSocketDisconnect, WebSocketException
from veloce.core.plan import is_async_callable
from veloce.core.websockets import WebSocket, WebSocketState
from veloce.scaffold import _endpoint_from_view_func

if t.TYPE_CHECKING:
    from veloce.core.router import Map
    from veloce.core.rules import Rule

__all__ = ["WebSocketRoutes"]

T_ws_handler = t.TypeVar("T_ws_handler", bound=t.Callable[..., t.Awaitable[t.Any]])


class _WebSocketRoute:
    """A registered handler and the parameter that receives the WebSocket."""

    __slots__ = ("handler", "ws_param")

    def __init__(self, handler: t.Callable[..., t.Awaitable[t.Any]], ws_param: str | None) -> None:
        self.handler = handler
        #: The keyword the WebSocket is passed as; None means the first positional.
        self.ws_param = ws_param


def _find_websocket_param(handler: t.Callable[..., t.Any], arguments: set[str]) -> str | None:
    """The parameter annotated ``WebSocket`` (not a URL variable), if any."""
    try:
        signature = inspect.signature(handler)
    except (TypeError, ValueError):
        return None
    for name, param in signature.parameters.items():
        if name in arguments or param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        annotation = param.annotation
        if isinstance(annotation, str):
            if annotation.rsplit(".", 1)[-1] == "WebSocket":
                return name
        elif isinstance(annotation, type) and issubclass(annotation, WebSocket):
            return name
    return None


class WebSocketRoutes:
    """``@app.websocket(rule)``, ``add_websocket_route`` and the websocket dispatcher."""

    if t.TYPE_CHECKING:
        url_map: Map
        url_rule_class: type[Rule]
        view_functions: dict[str, t.Callable[..., t.Any]]
        testing: bool
        debug: bool
        config: t.Any
        logger: t.Any
        _frozen: bool
        _appcontext_teardowns: tuple[tuple[t.Callable[..., t.Any], bool], ...]

        def _check_setup_finished(self, f_name: str) -> None: ...
        def app_context(self) -> t.Any: ...

    def _websocket_routes(self) -> dict[str, _WebSocketRoute]:
        routes: dict[str, _WebSocketRoute] | None = self.__dict__.get("_ws_routes")
        if routes is None:
            routes = self.__dict__["_ws_routes"] = {}
        return routes

    def add_websocket_route(
        self,
        rule: str,
        handler: t.Callable[..., t.Awaitable[t.Any]],
        name: str | None = None,
        **options: t.Any,
    ) -> None:
        """Register ``handler`` for WebSocket handshakes on ``rule`` (ASGI shape).

        The non-decorator form of :meth:`websocket`. ``name`` is the endpoint
        (defaults to the handler's name), usable with ``url_for``.

        Raises:
            TypeError: ``handler`` is not a coroutine function.
            AssertionError: another handler already owns the endpoint.
        """
        self._check_setup_finished("add_websocket_route")
        if not is_async_callable(handler):
            raise TypeError(
                f"WebSocket handler {getattr(handler, '__name__', handler)!r} must be an"
                " async function (async def)."
            )
        endpoint = name or _endpoint_from_view_func(handler)
        existing = self.view_functions.get(endpoint)
        if existing is not None and existing is not handler:
            raise AssertionError(
                "View function mapping is overwriting an existing"
                f" endpoint function: {endpoint}"
            )
        rule_obj = self.url_rule_class(rule, endpoint=endpoint, websocket=True, **options)
        self.url_map.add(rule_obj)
        self.view_functions[endpoint] = handler
        ws_param = _find_websocket_param(handler, rule_obj.arguments)
        self._websocket_routes()[endpoint] = _WebSocketRoute(handler, ws_param)

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

            @app.websocket("/ws/<room>")
            async def chat(ws: WebSocket, room: str) -> None:
                await ws.accept()
                async for text in ws.iter_text():
                    await ws.send_text(f"{room}: {text}")
        """

        def decorator(handler: T_ws_handler) -> T_ws_handler:
            self.add_websocket_route(rule, handler, name=name, **options)
            return handler

        return decorator

    async def _handle_websocket(self, scope: t.Any, receive: t.Any, send: t.Any) -> None:
        """Route a ``websocket`` scope and run its handler inside the app context.

        No route → close 1000 before accepting. ``WebSocketException`` closes with its
        code and reason; ``WebSocketDisconnect`` escaping the handler ends the session
        quietly; any other error closes with 1011 and propagates (so servers log it
        and the test client raises it).
        """
        ws = WebSocket.from_asgi(scope, receive, send)
        host = ws.headers.get("Host") if self.url_map.host_matching else None
        try:
            rule, args = self.url_map.match(
                route_path(scope),
                "GET",
                scope.get("query_string", b""),
                host=host,
                websocket=True,
            )
            route = self._websocket_routes().get(rule.endpoint)  # type: ignore[arg-type]
        except HTTPException:
            route = None
        if route is None:
            await send({"type": "websocket.close", "code": 1000})
            return
        ws.path_params = args
        ctx = self.app_context()
        token = _cv_ctx.set(ctx)
        error: BaseException | None = None
        try:
            if signals.appcontext_pushed.receivers:
                await signals.send_on_loop(signals.appcontext_pushed, self)
            if route.ws_param is None:
                await route.handler(ws, **args)
            else:
                await route.handler(**{route.ws_param: ws}, **args)
        except WebSocketException as e:
            if ws.application_state is not WebSocketState.DISCONNECTED:
                await ws.close(e.code, e.reason or None)
        except WebSocketDisconnect:
            pass
        except Exception as e:
            error = e
            if ws.application_state is not WebSocketState.DISCONNECTED:
                await send({"type": "websocket.close", "code": 1011})
            propagate = self.config["PROPAGATE_EXCEPTIONS"]
            if propagate is None:
                propagate = self.testing or self.debug
            if propagate:
                raise
            self.logger.error("Exception on WebSocket %s", scope.get("path"), exc_info=e)
        else:
            if ws.application_state is not WebSocketState.DISCONNECTED:
                await ws.close(1000)
        finally:
            try:
                for fn, is_async in self._appcontext_teardowns:
                    result = fn(error)
                    if is_async:
                        await result
            finally:
                _cv_ctx.reset(token)
                if signals.appcontext_popped.receivers:
                    await signals.send_on_loop(signals.appcontext_popped, self)

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
from veloce.core.exceptions import (
    BadRequest,
    HTTPException,
    WebSocketDisconnect,
    WebSocketException,
)
from veloce.core.hosts import bind_to_scope, scope_host
from veloce.core.plan import is_async_callable
from veloce.core.router import WebsocketMismatch
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
        _user_middleware: tuple[tuple[str, t.Any], ...]
        subdomain_matching: bool

        def _check_setup_finished(self, f_name: str) -> None: ...
        def _server_binding(self) -> tuple[str | None, str | None]: ...
        def make_error_response(self, e: HTTPException) -> t.Any: ...
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

    def _websocket_guards(self) -> tuple[t.Any, ...]:
        """The registered middleware that vet handshakes (decided once, after freeze).

        A handshake never reaches ``process_request``, so middleware take part through
        the spec's public checks instead: ``is_websocket_origin_allowed(origin)``
        (``WebSocketOriginMiddleware``) and ``is_host_allowed(host)`` (a trusted-host
        middleware). Duck-typed, so the app layer imports no middleware module.
        """
        guards: tuple[t.Any, ...] | None = self.__dict__.get("_ws_guards")
        if guards is None:
            guards = tuple(
                entry
                for kind, entry in self._user_middleware
                if kind == "pipeline"
                and (
                    hasattr(entry, "is_websocket_origin_allowed")
                    or hasattr(entry, "is_host_allowed")
                )
            )
            self.__dict__["_ws_guards"] = guards
        return guards

    def _websocket_refused(self, ws: WebSocket) -> bool:
        for guard in self._websocket_guards():
            check_origin = getattr(guard, "is_websocket_origin_allowed", None)
            if check_origin is not None and not check_origin(ws.origin):
                return True
            check_host = getattr(guard, "is_host_allowed", None)
            if check_host is not None and not check_host(_bare_host(ws.headers.get("Host"))):
                return True
        return False

    def _match_websocket(self, scope: t.Any) -> tuple[Rule, dict[str, t.Any]]:
        """Route a handshake the way ``_match_scope`` routes an HTTP request.

        ``TRUSTED_HOSTS``, host matching and subdomain matching (relative to
        ``SERVER_NAME``) apply exactly as for HTTP.

        Raises:
            HTTPException: no WebSocket rule matches (404, 400 for an HTTP-only rule or
                an untrusted host, a redirect).
        """
        url_map = self.url_map
        trusted_hosts = self.config["TRUSTED_HOSTS"]
        if trusted_hosts is None and not (url_map.host_matching or self.subdomain_matching):
            return url_map.match(
                route_path(scope), "GET", scope.get("query_string", b""), websocket=True
            )
        host = scope_host(scope, trusted_hosts)
        server_name, subdomain = self._server_binding()
        adapter = bind_to_scope(url_map, scope, server_name, subdomain, host=host)
        return adapter.match(return_rule=True, websocket=True)  # type: ignore[no-any-return]

    async def _handle_websocket(self, scope: t.Any, receive: t.Any, send: t.Any) -> None:
        """Route a ``websocket`` scope and run its handler inside the app context.

        Refusals before the handler runs: no matching route closes with 1000; a host
        outside ``TRUSTED_HOSTS`` or a middleware guard (``WebSocketOriginMiddleware``)
        closes with 1008. Servers answer a close before accept with HTTP 403.

        In the handler: an ``HTTPException`` (``abort(401)``) raised before
        ``accept()`` becomes the app's error response, sent with
        :meth:`WebSocket.send_denial_response`. ``WebSocketException`` closes with its
        code and reason; ``WebSocketDisconnect`` escaping the handler ends the session
        quietly; any other error closes with 1011 and propagates (so servers log it
        and the test client raises it).
        """
        ws = WebSocket.from_asgi(scope, receive, send)
        if self._user_middleware and self._websocket_refused(ws):
            await send({"type": "websocket.close", "code": 1008})
            return
        try:
            rule, args = self._match_websocket(scope)
            route = self._websocket_routes().get(rule.endpoint)  # type: ignore[arg-type]
        except BadRequest as e:
            # An untrusted host; a WebSocket-vs-HTTP mismatch is a plain "not here".
            route = None
            if not isinstance(e, WebsocketMismatch):
                await send({"type": "websocket.close", "code": 1008})
                return
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
        except HTTPException as e:
            if ws.application_state is not WebSocketState.CONNECTING:
                error = e
                await self._websocket_error(ws, e)
            else:
                await ws.send_denial_response(self.make_error_response(e))
        except Exception as e:
            error = e
            await self._websocket_error(ws, e)
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

    async def _websocket_error(self, ws: WebSocket, e: Exception) -> None:
        """Close 1011 after an unhandled error, then re-raise it or log it."""
        if ws.application_state is not WebSocketState.DISCONNECTED:
            await ws.send({"type": "websocket.close", "code": 1011})
        propagate = self.config["PROPAGATE_EXCEPTIONS"]
        if propagate is None:
            propagate = self.testing or self.debug
        if propagate:
            raise e
        self.logger.error("Exception on WebSocket %s", ws.path, exc_info=e)


def _bare_host(host: str | None) -> str:
    """``Host`` without its port, lower-cased (what ``is_host_allowed`` compares)."""
    if not host:
        return ""
    host = host.strip().lower()
    if host.startswith("["):
        return host[: host.find("]") + 1]
    return host.rsplit(":", 1)[0] if ":" in host else host

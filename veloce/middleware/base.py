"""The two in-app middleware shapes: request/response hooks and ``call_next`` wrappers.

:class:`Middleware` is the fast one: the app calls ``process_request`` before routing
reaches the view and ``process_response`` after, with no per-request wrapper objects.
:class:`BaseHTTPMiddleware` is the Starlette-style ``(request, call_next)`` shape; it
is convenient and slower (one awaitable hand-off object per request and layer), so
prefer :class:`Middleware` for anything on every request.

Pure ASGI middleware (``cls(app, **options)``, wrapping the whole application) is the
third shape; ``app.add_middleware`` accepts all three.
"""

from __future__ import annotations

import typing as t

if t.TYPE_CHECKING:
    from veloce.core.request import Request
    from veloce.core.response import Response

__all__ = ["BaseHTTPMiddleware", "CallNext", "DispatchFunction", "Middleware"]

#: ``await call_next(request)`` runs the rest of the chain and returns its response.
CallNext = t.Callable[["Request"], t.Awaitable["Response"]]
#: The ``(request, call_next) -> response`` coroutine function of an HTTP middleware.
DispatchFunction = t.Callable[["Request", CallNext], t.Awaitable["Response"]]


class Middleware:
    """Base middleware class. Subclass and override process_request/process_response.

    Registered with ``app.add_middleware(MyMiddleware, **options)`` (the class is
    instantiated with the options) or ``app.add_middleware(MyMiddleware(...))``.

    For each HTTP request, with the request context bound (``request``, ``g`` and
    ``session`` work):

    * ``process_request`` runs in registration order before the view. Returning a
      response (or anything a view may return) answers the request right there: the
      view, the app's hooks and the later middleware are skipped, and the answer goes
      back out through the ``process_response`` of the middleware registered before.
    * ``process_response`` runs in reverse registration order with the final
      response, and returns it (or a replacement).

    Either method may be ``async def`` or a plain ``def``. A plain one runs on the
    event loop, so it must not block. A method left as inherited costs nothing: the
    app skips it when it builds the pipeline.

    An :class:`~veloce.core.exceptions.HTTPException` raised by either method becomes
    its error response (through the app's error handlers); other exceptions follow the
    app's unhandled-error rules (a 500, or propagation in testing and debug).
    """

    async def process_request(self, request: Request) -> Response | None:
        """Inspect ``request``; return a response to answer it, or ``None`` to go on."""
        return None

    async def process_response(self, request: Request, response: Response) -> Response:
        """Return the response to send (``response`` itself, changed or not, or another)."""
        return response


class BaseHTTPMiddleware:
    """Class-based dispatch-shape middleware: ``(request, call_next) -> response``.

    Subclass and override :meth:`dispatch`::

        class TimingMW(BaseHTTPMiddleware):
            async def dispatch(self, request, call_next):
                start = time.perf_counter()
                response = await call_next(request)
                response.headers["X-Elapsed-ms"] = str(
                    int((time.perf_counter() - start) * 1000)
                )
                return response

        app.add_http_middleware(TimingMW())

    or pass a function instead of subclassing:
    ``app.add_http_middleware(BaseHTTPMiddleware(dispatch=my_dispatch))``.

    The instance is callable as ``(request, call_next) -> response``, so it composes
    with ``@app.middleware("http")`` functions. ``call_next`` runs the rest of the chain
    (later middleware, the app's hooks and the view) once and returns the response.

    This is the slow path: prefer :class:`Middleware` for work done on every request.

    Args:
        dispatch: the coroutine function to use instead of :meth:`dispatch`.
    """

    def __init__(self, dispatch: DispatchFunction | None = None) -> None:
        self.dispatch_func: DispatchFunction = self.dispatch if dispatch is None else dispatch

    async def __call__(self, request: Request, call_next: CallNext) -> Response:
        return await self.dispatch_func(request, call_next)

    async def dispatch(self, request: Request, call_next: CallNext) -> Response:
        """Override to wrap the request; the default passes it straight through."""
        return await call_next(request)

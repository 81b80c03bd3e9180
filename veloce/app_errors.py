"""How the app chooses what to do with an exception (Flask 3.1's rules).

The selection logic lives here once; *calling* the chosen handler is left to the
pipeline (``veloce.dispatch``), which knows whether it is on a worker thread or on
the loop. The Flask-named methods (``handle_user_exception``, ...) are the sync
public API for code that runs inside a context, such as tests.
"""

from __future__ import annotations

import sys
import typing as t

from veloce.core.context import _cv_ctx
from veloce.core.exceptions import (
    BadRequest,
    BadRequestKeyError,
    HTTPException,
    InternalServerError,
    RoutingException,
)
from veloce.core.plan import Call
from veloce.signals import got_request_exception, send

if t.TYPE_CHECKING:
    from veloce.core.response import Response

__all__ = ["ErrorHandling"]


class ErrorHandling:
    """Error-handler lookup and the Flask-named error methods of the app."""

    config: dict[str, t.Any]
    debug: bool
    testing: bool
    error_handler_spec: t.Any
    logger: t.Any

    def _is_async(self, fn: t.Any) -> bool:  # provided by the app
        raise TypeError("ErrorHandling is a part of Veloce, not usable alone")

    def trap_http_exception(self, e: Exception) -> bool:
        """Whether an HTTPException should propagate instead of being handled.

        Flask parity: ``TRAP_HTTP_EXCEPTIONS`` traps all; ``TRAP_BAD_REQUEST_ERRORS``
        traps BadRequest and subclasses; unset, debug mode traps only
        ``BadRequestKeyError``.
        """
        if self.config["TRAP_HTTP_EXCEPTIONS"]:
            return True
        trap_bad_request = self.config["TRAP_BAD_REQUEST_ERRORS"]
        if trap_bad_request is None and self.debug and isinstance(e, BadRequestKeyError):
            return True
        if trap_bad_request:
            return isinstance(e, BadRequest)
        return False

    def _find_error_handler(
        self, e: BaseException, blueprints: t.Sequence[str]
    ) -> t.Callable[..., t.Any] | None:
        """The registered handler for ``e``: blueprints before the app, code before class.

        Flask parity: for HTTP errors the status-code table is searched first, then
        the class table; within a table the exception's MRO decides, most specific
        class first.
        """
        exc_class = type(e)
        codes: tuple[int | None, ...]
        if isinstance(e, HTTPException) and e.code is not None:
            codes = (e.code, None)
        else:
            codes = (None,)
        spec = self.error_handler_spec
        for c in codes:
            for name in (*blueprints, None):
                bucket = spec.get(name)
                handler_map = bucket.get(c) if bucket is not None else None
                if not handler_map:
                    continue
                for cls in exc_class.__mro__:
                    handler = handler_map.get(cls)
                    if handler is not None:
                        return handler  # type: ignore[no-any-return]
        return None

    def _find_error_handler_call(
        self, e: BaseException, blueprints: t.Sequence[str]
    ) -> Call | None:
        handler = self._find_error_handler(e, blueprints)
        if handler is None:
            return None
        return handler, self._is_async(handler)

    def _select_user_exception_handler(
        self, e: Exception, blueprints: t.Sequence[str]
    ) -> Call | Exception | None:
        """Decide for an exception raised while dispatching.

        Returns the handler to call, the exception itself when it should be rendered
        as its own response (an HTTPException without a handler), or None when it
        must be re-raised (no handler, or trapped).
        """
        if isinstance(e, BadRequestKeyError) and (
            self.debug or self.config["TRAP_BAD_REQUEST_ERRORS"]
        ):
            e.show_exception = True
        if isinstance(e, HTTPException) and not self.trap_http_exception(e):
            if e.code is None or isinstance(e, RoutingException):
                return e
            handler = self._find_error_handler_call(e, blueprints)
            return e if handler is None else handler
        return self._find_error_handler_call(e, blueprints)

    def _begin_handle_exception(self, e: Exception) -> InternalServerError:
        """Propagate ``e`` (testing/debug) or log it and return the 500 to handle."""
        propagate = self.config["PROPAGATE_EXCEPTIONS"]
        if propagate is None:
            propagate = self.testing or self.debug
        if propagate:
            raise e
        self.log_exception((type(e), e, e.__traceback__))
        return InternalServerError(original_exception=e)

    def log_exception(self, exc_info: t.Any) -> None:
        """Log an unhandled exception to ``app.logger`` with the request's path."""
        ctx = _cv_ctx.get(None)
        if ctx is not None and ctx.request is not None:
            message = f"Exception on {ctx.request.path} [{ctx.request.method}]"
        else:
            message = "Exception outside of a request"
        self.logger.error(message, exc_info=exc_info)

    # -- Flask's sync public API -------------------------------------------------------

    def _current_blueprints(self) -> tuple[str, ...]:
        ctx = _cv_ctx.get(None)
        if ctx is None or ctx.request is None:
            return ()
        return tuple(ctx.request.blueprints)

    def handle_http_exception(self, e: HTTPException) -> t.Any:
        """The handler's result for an HTTPException, or the exception itself."""
        if e.code is None or isinstance(e, RoutingException):
            return e
        handler = self._find_error_handler(e, self._current_blueprints())
        if handler is None:
            return e
        return self.ensure_sync(handler)(e)  # type: ignore[attr-defined]

    def handle_user_exception(self, e: Exception) -> t.Any:
        """Flask's dispatch of an exception raised by a view or hook."""
        selected = self._select_user_exception_handler(e, self._current_blueprints())
        if selected is None:
            if sys.exc_info()[1] is e:
                raise
            raise e
        if selected is e:
            return e
        fn, _ = selected  # type: ignore[misc]
        return self.ensure_sync(fn)(e)  # type: ignore[attr-defined]

    def handle_exception(self, e: Exception) -> Response:
        """The 500 path: propagate in testing/debug, else log and render a 500."""
        if got_request_exception.receivers:
            send(got_request_exception, self, exception=e)  # type: ignore[arg-type]
        server_error: t.Any = self._begin_handle_exception(e)
        handler = self._find_error_handler(server_error, self._current_blueprints())
        if handler is not None:
            server_error = self.ensure_sync(handler)(server_error)  # type: ignore[attr-defined]
        return self.finalize_request(  # type: ignore[attr-defined,no-any-return]
            server_error, from_error_handler=True
        )

"""Registration shared by the app and blueprints: routes, hooks, error handlers.

Everything here only *records*; nothing runs per request. The app turns these
registries into frozen per-route plans on its first request (``Veloce.freeze``),
after which further registration raises, as Flask's ``_check_setup_finished`` does.

Registries are keyed like Flask's: ``None`` for the app itself, the blueprint name
for a blueprint's own hooks.
"""

from __future__ import annotations

import os
import typing as t
from collections import defaultdict
from functools import update_wrapper

from veloce.core.exceptions import HTTPException, default_exceptions
from veloce.resources import PackageResources
from veloce.utils import get_root_path

__all__ = ["Scaffold", "setupmethod", "T_route"]

T_callable = t.TypeVar("T_callable", bound=t.Callable[..., t.Any])
T_route = t.TypeVar("T_route", bound=t.Callable[..., t.Any])
T_before_request = t.TypeVar("T_before_request", bound=t.Callable[..., t.Any])
T_after_request = t.TypeVar("T_after_request", bound=t.Callable[..., t.Any])
T_teardown = t.TypeVar("T_teardown", bound=t.Callable[..., t.Any])
T_error_handler = t.TypeVar("T_error_handler", bound=t.Callable[..., t.Any])
T_url_preprocessor = t.TypeVar("T_url_preprocessor", bound=t.Callable[..., t.Any])
T_url_defaults = t.TypeVar("T_url_defaults", bound=t.Callable[..., t.Any])
T_template_context_processor = t.TypeVar(
    "T_template_context_processor", bound=t.Callable[..., t.Any]
)

ScopeKey = str | None


def setupmethod(f: T_callable) -> T_callable:
    """Mark a registration method: it raises once the app has handled a request."""
    f_name = f.__name__

    def wrapper_func(self: Scaffold, *args: t.Any, **kwargs: t.Any) -> t.Any:
        self._check_setup_finished(f_name)
        return f(self, *args, **kwargs)

    return t.cast(T_callable, update_wrapper(wrapper_func, f))


def _endpoint_from_view_func(view_func: t.Callable[..., t.Any] | None) -> str:
    if view_func is None:
        # Flask parity: Flask asserts here, so callers catching AssertionError work.
        raise AssertionError("expected view func if endpoint is not provided.")
    return view_func.__name__


class Scaffold(PackageResources):
    """The registration API common to :class:`~veloce.Veloce` and ``Blueprint``.

    Flask parity: same decorator names, signatures and registry attributes
    (``view_functions``, ``before_request_funcs``, ``error_handler_spec``, ...).
    """

    name: str

    def __init__(
        self,
        import_name: str,
        static_folder: str | os.PathLike[str] | None = None,
        static_url_path: str | None = None,
        template_folder: str | os.PathLike[str] | None = None,
        package_root: str | None = None,
    ) -> None:
        self.import_name = import_name
        self.static_folder = static_folder
        self.static_url_path = static_url_path
        self.template_folder = template_folder
        if package_root is None:
            package_root = get_root_path(self.import_name)
        self.package_root = package_root
        self._view_functions: dict[str, t.Callable[..., t.Any]] = {}
        self._error_handler_spec: dict[
            ScopeKey, dict[int | None, dict[type[BaseException], t.Callable[..., t.Any]]]
        ] = defaultdict(lambda: defaultdict(dict))
        self._before_request_funcs: dict[ScopeKey, list[t.Callable[..., t.Any]]] = defaultdict(
            list
        )
        self._after_request_funcs: dict[ScopeKey, list[t.Callable[..., t.Any]]] = defaultdict(
            list
        )
        self._teardown_request_funcs: dict[ScopeKey, list[t.Callable[..., t.Any]]] = (
            defaultdict(list)
        )
        self.template_context_processors: dict[ScopeKey, list[t.Callable[..., t.Any]]] = (
            defaultdict(list)
        )
        self._url_value_preprocessors: dict[ScopeKey, list[t.Callable[..., t.Any]]] = (
            defaultdict(list)
        )
        self._url_default_functions: dict[ScopeKey, list[t.Callable[..., t.Any]]] = (
            defaultdict(list)
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"

    def _check_setup_finished(self, f_name: str) -> None:
        """Raise if registration is no longer allowed; subclasses decide when."""

    # -- registries, exposed under Flask's names -------------------------------------

    @property
    def view_functions(self) -> dict[str, t.Callable[..., t.Any]]:
        """Endpoint name -> view function (the live dict, as in Flask)."""
        return self._view_functions

    @property
    def error_handler_spec(
        self,
    ) -> dict[ScopeKey, dict[int | None, dict[type[BaseException], t.Callable[..., t.Any]]]]:
        """``{scope: {code or None: {exception class: handler}}}``, Flask's layout."""
        return self._error_handler_spec

    @property
    def before_request_funcs(self) -> dict[ScopeKey, list[t.Callable[..., t.Any]]]:
        """``{None or blueprint name: [before_request hooks]}``."""
        return self._before_request_funcs

    @property
    def after_request_funcs(self) -> dict[ScopeKey, list[t.Callable[..., t.Any]]]:
        """``{None or blueprint name: [after_request hooks]}``."""
        return self._after_request_funcs

    @property
    def teardown_request_funcs(self) -> dict[ScopeKey, list[t.Callable[..., t.Any]]]:
        """``{None or blueprint name: [teardown_request hooks]}``."""
        return self._teardown_request_funcs

    @property
    def url_value_preprocessors(self) -> dict[ScopeKey, list[t.Callable[..., t.Any]]]:
        """``{None or blueprint name: [url_value_preprocessor functions]}``."""
        return self._url_value_preprocessors

    @property
    def url_default_functions(self) -> dict[ScopeKey, list[t.Callable[..., t.Any]]]:
        """``{None or blueprint name: [url_defaults functions]}``."""
        return self._url_default_functions

    # -- routes -------------------------------------------------------------------------

    def _method_route(
        self, method: str, rule: str, options: dict[str, t.Any]
    ) -> t.Callable[[T_route], T_route]:
        if "methods" in options:
            raise TypeError("Use the 'route' decorator to use the 'methods' argument.")
        return self.route(rule, methods=[method], **options)

    @setupmethod
    def get(self, rule: str, **options: t.Any) -> t.Callable[[T_route], T_route]:
        """``route`` with ``methods=["GET"]``."""
        return self._method_route("GET", rule, options)

    @setupmethod
    def post(self, rule: str, **options: t.Any) -> t.Callable[[T_route], T_route]:
        """``route`` with ``methods=["POST"]``."""
        return self._method_route("POST", rule, options)

    @setupmethod
    def put(self, rule: str, **options: t.Any) -> t.Callable[[T_route], T_route]:
        """``route`` with ``methods=["PUT"]``."""
        return self._method_route("PUT", rule, options)

    @setupmethod
    def delete(self, rule: str, **options: t.Any) -> t.Callable[[T_route], T_route]:
        """``route`` with ``methods=["DELETE"]``."""
        return self._method_route("DELETE", rule, options)

    @setupmethod
    def patch(self, rule: str, **options: t.Any) -> t.Callable[[T_route], T_route]:
        """``route`` with ``methods=["PATCH"]``."""
        return self._method_route("PATCH", rule, options)

    @setupmethod
    def route(self, rule: str, **options: t.Any) -> t.Callable[[T_route], T_route]:
        """Register the decorated view for ``rule`` (Werkzeug or ``{name}`` syntax).

        Options are those of :meth:`add_url_rule`: ``methods`` (default ``["GET"]``;
        HEAD and OPTIONS are added automatically), ``endpoint`` (default: the
        function's name), ``defaults``, ``strict_slashes``, ``subdomain``, ``host``,
        ``redirect_to``, ``provide_automatic_options``.
        """

        def decorator(f: T_route) -> T_route:
            endpoint = options.pop("endpoint", None)
            self.add_url_rule(rule, endpoint, f, **options)
            return f

        return decorator

    @setupmethod
    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: t.Callable[..., t.Any] | None = None,
        provide_automatic_options: bool | None = None,
        **options: t.Any,
    ) -> None:
        """Register a rule; the app and blueprints each implement it."""
        raise TypeError(f"{type(self).__name__} cannot register URL rules")

    @setupmethod
    def endpoint(self, endpoint: str) -> t.Callable[[T_route], T_route]:
        """Attach the decorated function as the view of an existing endpoint."""

        def decorator(f: T_route) -> T_route:
            self.view_functions[endpoint] = f
            return f

        return decorator

    # -- hooks --------------------------------------------------------------------------

    @setupmethod
    def before_request(self, f: T_before_request) -> T_before_request:
        """Run ``f()`` before each request; a non-``None`` return becomes the response."""
        self._before_request_funcs.setdefault(None, []).append(f)
        return f

    @setupmethod
    def after_request(self, f: T_after_request) -> T_after_request:
        """Run ``f(response)`` after each request; it must return a response."""
        self._after_request_funcs.setdefault(None, []).append(f)
        return f

    @setupmethod
    def teardown_request(self, f: T_teardown) -> T_teardown:
        """Run ``f(exc)`` when the request context is popped, even after an error."""
        self._teardown_request_funcs.setdefault(None, []).append(f)
        return f

    @setupmethod
    def context_processor(self, f: T_template_context_processor) -> T_template_context_processor:
        """Register a function returning a dict merged into every template context."""
        self.template_context_processors[None].append(f)
        return f

    @setupmethod
    def url_value_preprocessor(self, f: T_url_preprocessor) -> T_url_preprocessor:
        """Run ``f(endpoint, values)`` after matching, before the before_request hooks."""
        self._url_value_preprocessors[None].append(f)
        return f

    @setupmethod
    def url_defaults(self, f: T_url_defaults) -> T_url_defaults:
        """Run ``f(endpoint, values)`` in ``url_for`` to inject default values."""
        self._url_default_functions[None].append(f)
        return f

    # -- error handlers -----------------------------------------------------------------

    @setupmethod
    def errorhandler(
        self, code_or_exception: type[Exception] | int
    ) -> t.Callable[[T_error_handler], T_error_handler]:
        """Handle an HTTP status code or an exception class (and its subclasses)."""

        def decorator(f: T_error_handler) -> T_error_handler:
            self.register_error_handler(code_or_exception, f)
            return f

        return decorator

    @setupmethod
    def register_error_handler(
        self, code_or_exception: type[Exception] | int, f: t.Callable[..., t.Any]
    ) -> None:
        """Non-decorator form of :meth:`errorhandler`."""
        exc_class, code = self._get_exc_class_and_code(code_or_exception)
        self._error_handler_spec[None][code][exc_class] = f

    @staticmethod
    def _get_exc_class_and_code(
        exc_class_or_code: type[Exception] | int,
    ) -> tuple[type[Exception], int | None]:
        exc_class: type[Exception]
        if isinstance(exc_class_or_code, int):
            try:
                exc_class = default_exceptions[exc_class_or_code]
            except KeyError:
                raise ValueError(
                    f"'{exc_class_or_code}' is not a recognized HTTP"
                    " error code. Use a subclass of HTTPException with"
                    " that code instead."
                ) from None
        else:
            exc_class = exc_class_or_code
        if isinstance(exc_class, Exception):
            raise TypeError(
                f"{exc_class!r} is an instance, not a class. Handlers"
                " can only be registered for Exception classes or HTTP"
                " error codes."
            )
        if not isinstance(exc_class, type) or not issubclass(exc_class, Exception):
            raise ValueError(
                f"'{getattr(exc_class, '__name__', exc_class)}' is not a subclass of"
                " Exception. Handlers can only be registered for Exception classes"
                " or HTTP error codes."
            )
        if issubclass(exc_class, HTTPException):
            return exc_class, exc_class.code
        return exc_class, None

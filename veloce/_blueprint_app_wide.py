"""The registrations a blueprint makes on the whole app, not only on its own requests.

``before_app_request``, ``app_errorhandler``, ``app_template_filter`` and the rest are
recorded with :meth:`Blueprint.record_once`: they apply when the blueprint is first
registered on an app, and not again when it is registered a second time under
another name (which would otherwise run an app-wide hook twice per request).
Template functions go to the app's ``_template_filters`` / ``_template_tests`` /
``_template_globals`` registries, which the template engine reads.
"""

from __future__ import annotations

import typing as t
from functools import partial

from veloce.scaffold import setupmethod

if t.TYPE_CHECKING:
    from veloce.blueprints import BlueprintSetupState, DeferredSetupFunction

__all__ = ["AppWideRegistrations"]

T_callable = t.TypeVar("T_callable", bound=t.Callable[..., t.Any])
T_template_filter = t.TypeVar("T_template_filter", bound=t.Callable[..., t.Any])
T_template_test = t.TypeVar("T_template_test", bound=t.Callable[..., t.Any])
T_template_global = t.TypeVar("T_template_global", bound=t.Callable[..., t.Any])
T_error_handler = t.TypeVar("T_error_handler", bound=t.Callable[..., t.Any])

# Deferred functions of the ``*_app_*`` registrations. Module-level functions bound with
# ``partial`` rather than closures: they run once per registration, never per request.


def _append_app_hook(registry: str, f: t.Callable[..., t.Any], state: BlueprintSetupState) -> None:
    getattr(state.app, registry).setdefault(None, []).append(f)


def _set_app_template_function(
    registry: str, name: str | None, f: t.Callable[..., t.Any], state: BlueprintSetupState
) -> None:
    getattr(state.app, registry)[name or f.__name__] = f


def _register_app_error_handler(
    code: type[Exception] | int, f: t.Callable[..., t.Any], state: BlueprintSetupState
) -> None:
    state.app.register_error_handler(code, f)


class AppWideRegistrations:
    """The ``*_app_*`` decorators of :class:`~veloce.blueprints.Blueprint`.

    Flask parity: same names and signatures as Flask 3.1's ``Blueprint`` methods;
    each is equivalent to the app's own decorator (``before_app_request`` is
    ``app.before_request``), applied on the blueprint's first registration.
    """

    def record_once(self, func: DeferredSetupFunction) -> None:  # provided by Blueprint
        raise TypeError("AppWideRegistrations is a part of Blueprint, not usable alone")

    # -- hooks and handlers ----------------------------------------------------------

    def _record_app_hook(self, registry: str, f: T_callable) -> T_callable:
        self.record_once(partial(_append_app_hook, registry, f))
        return f

    @setupmethod
    def before_app_request(self, f: T_callable) -> T_callable:
        """Like :meth:`before_request`, but for every request of the app."""
        return self._record_app_hook("before_request_funcs", f)

    @setupmethod
    def after_app_request(self, f: T_callable) -> T_callable:
        """Like :meth:`after_request`, but for every request of the app."""
        return self._record_app_hook("after_request_funcs", f)

    @setupmethod
    def teardown_app_request(self, f: T_callable) -> T_callable:
        """Like :meth:`teardown_request`, but for every request of the app."""
        return self._record_app_hook("teardown_request_funcs", f)

    @setupmethod
    def app_context_processor(self, f: T_callable) -> T_callable:
        """Like :meth:`context_processor`, but for templates of every view."""
        return self._record_app_hook("template_context_processors", f)

    @setupmethod
    def app_url_value_preprocessor(self, f: T_callable) -> T_callable:
        """Like :meth:`url_value_preprocessor`, but for every request of the app."""
        return self._record_app_hook("url_value_preprocessors", f)

    @setupmethod
    def app_url_defaults(self, f: T_callable) -> T_callable:
        """Like :meth:`url_defaults`, but for every ``url_for`` call of the app."""
        return self._record_app_hook("url_default_functions", f)

    @setupmethod
    def app_errorhandler(
        self, code: type[Exception] | int
    ) -> t.Callable[[T_error_handler], T_error_handler]:
        """Like :meth:`errorhandler`, but for errors anywhere in the app."""

        def decorator(f: T_error_handler) -> T_error_handler:
            self.record_once(partial(_register_app_error_handler, code, f))
            return f

        return decorator

    # -- template functions ----------------------------------------------------------

    def _record_template_function(
        self, registry: str, f: t.Callable[..., t.Any], name: str | None
    ) -> None:
        self.record_once(partial(_set_app_template_function, registry, name, f))

    @setupmethod
    def app_template_filter(
        self, name: str | None = None
    ) -> t.Callable[[T_template_filter], T_template_filter]:
        """Register a template filter for every template of the app.

        The filter's name is ``name``, or the function's name.
        """

        def decorator(f: T_template_filter) -> T_template_filter:
            self.add_app_template_filter(f, name=name)
            return f

        return decorator

    @setupmethod
    def add_app_template_filter(self, f: t.Callable[..., t.Any], name: str | None = None) -> None:
        """Non-decorator form of :meth:`app_template_filter`."""
        self._record_template_function("_template_filters", f, name)

    @setupmethod
    def app_template_test(
        self, name: str | None = None
    ) -> t.Callable[[T_template_test], T_template_test]:
        """Register a template test for every template of the app."""

        def decorator(f: T_template_test) -> T_template_test:
            self.add_app_template_test(f, name=name)
            return f

        return decorator

    @setupmethod
    def add_app_template_test(self, f: t.Callable[..., t.Any], name: str | None = None) -> None:
        """Non-decorator form of :meth:`app_template_test`."""
        self._record_template_function("_template_tests", f, name)

    @setupmethod
    def app_template_global(
        self, name: str | None = None
    ) -> t.Callable[[T_template_global], T_template_global]:
        """Register a template global for every template of the app."""

        def decorator(f: T_template_global) -> T_template_global:
            self.add_app_template_global(f, name=name)
            return f

        return decorator

    @setupmethod
    def add_app_template_global(self, f: t.Callable[..., t.Any], name: str | None = None) -> None:
        """Non-decorator form of :meth:`app_template_global`."""
        self._record_template_function("_template_globals", f, name)

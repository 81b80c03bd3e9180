"""Blueprints: groups of routes and hooks recorded now, applied to an app later.

A :class:`Blueprint` has the same decorators as the app, but it has no URL map and
no app to hook into yet, so each registration becomes a *deferred function*. When the
blueprint is registered (``app.register_blueprint(bp, **options)``), a
:class:`BlueprintSetupState` is built from the options and every deferred function is
replayed with it; the blueprint's own hook and handler registries are merged into the
app's under the blueprint's (dotted) name, which is what the app's hook plans and
error-handler lookup read. Nested blueprints register themselves on the app in turn,
with their prefixes, subdomains and names composed with their parent's.

Nothing here does IO or reads the request proxies: registration only records.
"""

from __future__ import annotations

import os
import typing as t
from collections import defaultdict
from functools import partial, update_wrapper

from veloce._blueprint_app_wide import AppWideRegistrations
from veloce._blueprint_cli import BlueprintCommands
from veloce._blueprint_state import (
    BlueprintSetupState,
    DeferredSetupFunction,
    _add_rule,
    _if_first_registration,
    _join_prefix,
)
from veloce._blueprint_websockets import BlueprintWebSockets
from veloce.app_static import StaticFileServing
from veloce.scaffold import Scaffold, setupmethod

if t.TYPE_CHECKING:
    from veloce.app import Veloce

__all__ = ["Blueprint", "BlueprintSetupState", "DeferredSetupFunction"]

#: ``cli_group`` not given: the blueprint's commands go in a group named after it.
_sentinel: t.Any = object()


class Blueprint(
    AppWideRegistrations, BlueprintWebSockets, StaticFileServing, BlueprintCommands, Scaffold
):
    """A collection of routes, hooks and handlers to register on an app later.

    Args:
        name: Prepended (with a dot) to every endpoint; may not be empty or contain
            a dot.
        import_name: The blueprint's module or package (``__name__``); locates
            :attr:`root_path`.
        static_folder: A folder of static files, relative to :attr:`root_path`.
        static_url_path: The URL its files are served under (default: the folder's
            name).
        template_folder: A template folder, relative to :attr:`root_path`.
        url_prefix: Prepended to every rule of the blueprint.
        subdomain: The subdomain its rules match by default.
        url_defaults: Default view arguments for every rule of the blueprint.
        root_path: The blueprint's directory, when ``import_name`` cannot find it.
        cli_group: The name of the blueprint's command group (``None``: merge the
            commands into the app's group); recorded as :attr:`cli_group`.

    Flask parity: the constructor, the decorators (blueprint-scoped ``before_request``,
    ``errorhandler``, ``url_value_preprocessor``...; app-wide ``before_app_request``,
    ``app_errorhandler``, ``app_url_defaults``...), ``record``/``record_once``,
    nesting with ``register_blueprint`` and the registration errors are Flask 3.1's, and
    so is ``open_resource`` (relative to the blueprint's directory).
    """

    _got_registered_once = False

    def __init__(
        self,
        name: str,
        import_name: str,
        static_folder: str | os.PathLike[str] | None = None,
        static_url_path: str | None = None,
        template_folder: str | os.PathLike[str] | None = None,
        url_prefix: str | None = None,
        subdomain: str | None = None,
        url_defaults: dict[str, t.Any] | None = None,
        root_path: str | None = None,
        cli_group: str | None = _sentinel,
    ) -> None:
        super().__init__(
            import_name,
            static_folder=static_folder,
            static_url_path=static_url_path,
            template_folder=template_folder,
            package_root=root_path,
        )
        if not name:
            raise ValueError("'name' may not be empty.")
        if "." in name:
            raise ValueError("'name' may not contain a dot '.' character.")
        self.name = name
        self.url_prefix = url_prefix
        self.subdomain = subdomain
        self.url_values_defaults: dict[str, t.Any] = {} if url_defaults is None else url_defaults
        self.cli_group = cli_group
        self.deferred_functions: list[DeferredSetupFunction] = []
        #: Child blueprints and their ``register_blueprint`` options, in order.
        self._blueprints: list[tuple[Blueprint, dict[str, t.Any]]] = []

    # -- paths ---------------------------------------------------------------------------

    @property
    def root_path(self) -> str:
        """The blueprint's directory (``static_folder``/``template_folder`` are relative to it).

        Flask parity: a blueprint has no ASGI mount prefix, so unlike the app's,
        ``root_path`` means the directory here, as in Flask.
        """
        return self.package_root

    @root_path.setter
    def root_path(self, value: str) -> None:
        self.package_root = value

    @property
    def static_folder(self) -> str | None:
        """The absolute static folder, or ``None`` when the blueprint has none."""
        folder = self._static_folder
        return None if folder is None else os.path.join(self.root_path, folder)

    @static_folder.setter
    def static_folder(self, value: str | os.PathLike[str] | None) -> None:
        self._static_folder = None if value is None else os.fspath(value).rstrip("\\/")

    @property
    def has_static_folder(self) -> bool:
        """Whether a static folder is configured (it need not exist)."""
        return self._static_folder is not None

    @property
    def static_url_path(self) -> str | None:
        """The URL prefix of the static files: as given, else ``/<folder name>``."""
        if self._static_url_path is not None:
            return self._static_url_path
        folder = self.static_folder
        if folder is None:
            return None
        return f"/{os.path.basename(folder)}".rstrip("/")

    @static_url_path.setter
    def static_url_path(self, value: str | None) -> None:
        self._static_url_path = None if value is None else value.rstrip("/")

    # -- recording -----------------------------------------------------------------------

    def _check_setup_finished(self, f_name: str) -> None:
        if self._got_registered_once:
            raise AssertionError(
                f"The setup method '{f_name}' can no longer be called on the blueprint"
                f" '{self.name}'. It has already been registered at least once, any"
                " changes will not be applied consistently.\n"
                "Make sure all imports, decorators, functions, etc. needed to set up"
                " the blueprint are done before registering it."
            )

    @setupmethod
    def record(self, func: DeferredSetupFunction) -> None:
        """Call ``func(state)`` each time the blueprint is registered on an app."""
        self.deferred_functions.append(func)

    @setupmethod
    def record_once(self, func: DeferredSetupFunction) -> None:
        """Like :meth:`record`, but only on the blueprint's first registration on an app.

        A blueprint registered twice (under two names) would otherwise add app-wide
        hooks twice.
        """
        self.record(update_wrapper(partial(_if_first_registration, func), func))

    def make_setup_state(
        self, app: Veloce, options: dict[str, t.Any], first_registration: bool = False
    ) -> BlueprintSetupState:
        """The state passed to the deferred functions; override to use a subclass."""
        return BlueprintSetupState(self, app, options, first_registration)

    @setupmethod
    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: t.Callable[..., t.Any] | None = None,
        provide_automatic_options: bool | None = None,
        **options: t.Any,
    ) -> None:
        """Record a rule; it is added, prefixed and with a dotted endpoint, on registration.

        Raises:
            ValueError: ``endpoint`` or the view function's name contains a dot.
        """
        if endpoint and "." in endpoint:
            raise ValueError("'endpoint' may not contain a dot '.' character.")
        if view_func is not None and "." in getattr(view_func, "__name__", ""):
            raise ValueError("'view_func' name may not contain a dot '.' character.")
        options["provide_automatic_options"] = provide_automatic_options
        self.record(partial(_add_rule, rule, endpoint, view_func, options))

    @setupmethod
    def register_blueprint(self, blueprint: Blueprint, **options: t.Any) -> None:
        """Nest ``blueprint`` in this one; it is registered when this one is.

        Its URL prefix and subdomain are composed with this blueprint's, and its
        endpoints are named ``<this>.<child>.<view>``. Options are those of the
        app's ``register_blueprint`` (``url_prefix``, ``subdomain``, ``url_defaults``,
        ``name``).
        """
        if blueprint is self:
            raise ValueError("Cannot register a blueprint on itself")
        self._blueprints.append((blueprint, options))

    # -- registration on an app ------------------------------------------------------------

    def register(self, app: Veloce, options: dict[str, t.Any]) -> None:
        """Apply the blueprint to ``app`` (called by ``app.register_blueprint``).

        Raises:
            ValueError: the (dotted) name is already registered on ``app``.
        """
        own_name = options.get("name", self.name)
        name = f"{options.get('name_prefix', '')}.{own_name}".lstrip(".")
        registered = app._blueprints
        existing = registered.get(name)
        if existing is not None:
            which = "this" if existing is self else "a different"
            where = f" '{name}'" if own_name != name else ""
            raise ValueError(
                f"The name '{own_name}' is already registered for {which}"
                f" blueprint{where}. Use 'name=' to provide a unique name."
            )
        first_registration = all(bp is not self for bp in registered.values())
        registered[name] = self
        self._got_registered_once = True
        state = self.make_setup_state(app, options, first_registration)
        if self.has_static_folder:
            state.add_url_rule(
                f"{self.static_url_path}/<path:filename>",
                view_func=self.send_static_file,
                endpoint="static",
            )
        self._merge_blueprint_funcs(app, name)
        for deferred in self.deferred_functions:
            deferred(state)
        self._register_cli(app, options.get("cli_group", self.cli_group), name, _sentinel)
        for child, child_options in self._blueprints:
            child.register(app, self._child_options(state, child, child_options, name))

    @staticmethod
    def _child_options(
        state: BlueprintSetupState,
        child: Blueprint,
        options: dict[str, t.Any],
        name: str,
    ) -> dict[str, t.Any]:
        """A nested blueprint's options, composed with its parent's registration.

        Subdomains nest leftwards (``child.parent``); URL prefixes nest rightwards.
        """
        options = dict(options)
        subdomain = options.get("subdomain")
        if subdomain is None:
            subdomain = child.subdomain
        if subdomain is not None and state.subdomain is not None:
            subdomain = f"{subdomain}.{state.subdomain}"
        elif subdomain is None:
            subdomain = state.subdomain
        if subdomain is not None:
            options["subdomain"] = subdomain
        prefix = options.get("url_prefix")
        if prefix is None:
            prefix = child.url_prefix
        if prefix is not None and state.url_prefix is not None:
            prefix = _join_prefix(state.url_prefix, prefix)
        elif prefix is None:
            prefix = state.url_prefix
        if prefix is not None:
            options["url_prefix"] = prefix
        options["name_prefix"] = name
        return options

    def _merge_blueprint_funcs(self, app: Veloce, name: str) -> None:
        """Copy the blueprint's hooks and handlers into the app's registries under ``name``.

        The app keys blueprint entries by the dotted registration name, so the same
        blueprint registered twice (``name=``) has two independent sets.
        """

        def key_of(key: str | None) -> str:
            return name if key is None else f"{name}.{key}"

        for key, by_code in self.error_handler_spec.items():
            app.error_handler_spec[key_of(key)] = defaultdict(
                dict, {code: dict(handlers) for code, handlers in by_code.items()}
            )
        app.view_functions.update(self.view_functions)
        for registry in (
            "before_request_funcs",
            "after_request_funcs",
            "teardown_request_funcs",
            "url_default_functions",
            "url_value_preprocessors",
            "template_context_processors",
        ):
            target = getattr(app, registry)
            for key, funcs in getattr(self, registry).items():
                target[key_of(key)].extend(funcs)


# Defined in ``_blueprint_state.py``; this module is its public home.
BlueprintSetupState.__module__ = __name__

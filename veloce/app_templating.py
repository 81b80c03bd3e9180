"""The app's template configuration: its Jinja environment, loader and template functions.

The environment is built on first use (``jinja_env``), from ``jinja_options`` and the
config, with the Flask globals (``url_for``, ``config``, ``request``...) and every
filter, test and global registered on the app or by its blueprints
(``_template_filters`` / ``_template_tests`` / ``_template_globals``). ``freeze()``
calls :meth:`TemplateRendering._freeze_templates`, which re-applies those registries
and preloads the template sources, so rendering from an async view does no IO on the
event loop (see :mod:`veloce.templating`).
"""

from __future__ import annotations

import os
import typing as t

from jinja2 import BaseLoader, FileSystemLoader

from veloce.core.context import _cv_ctx
from veloce.flashing import get_flashed_messages
from veloce.globals import g, request, session
from veloce.scaffold import setupmethod
from veloce.templating import DispatchingJinjaLoader, Environment, autoescape_for

if t.TYPE_CHECKING:
    import jinja2

    from veloce.config import Config
    from veloce.templating import Jinja2Templates

__all__ = ["TemplateRendering"]

T_template_filter = t.TypeVar("T_template_filter", bound=t.Callable[..., t.Any])
T_template_test = t.TypeVar("T_template_test", bound=t.Callable[..., t.Any])
T_template_global = t.TypeVar("T_template_global", bound=t.Callable[..., t.Any])

_unset: t.Any = object()


class TemplateRendering:
    """Jinja integration of :class:`~veloce.Veloce`.

    Flask parity: ``jinja_env``, ``jinja_loader``, ``jinja_options``,
    ``jinja_environment``, ``create_jinja_environment``, ``create_global_jinja_loader``,
    ``select_jinja_autoescape``, ``templates_auto_reload``, the ``template_filter`` /
    ``template_test`` / ``template_global`` decorators and ``add_*`` forms, and
    ``update_template_context`` behave as in Flask 3.1.
    """

    #: The environment class :meth:`create_jinja_environment` instantiates.
    jinja_environment: type[Environment] = Environment
    #: Options for the environment; changing them after ``jinja_env`` exists does nothing.
    jinja_options: dict[str, t.Any] = {}

    # Per-app state, set on first use (class-level defaults keep ``__init__`` untouched).
    _jinja_env_obj: Environment | None = None
    _jinja_loader_obj: t.Any = _unset
    #: A bound :class:`~veloce.templating.Jinja2Templates` (``Jinja2Templates(app=app)``).
    _templates: Jinja2Templates | None = None

    # Provided by the app.
    config: Config
    debug: bool
    package_root: str
    template_folder: str | os.PathLike[str] | None
    template_context_processors: dict[str | None, list[t.Callable[..., t.Any]]]
    _template_filters: dict[str, t.Callable[..., t.Any]]
    _template_tests: dict[str, t.Callable[..., t.Any]]
    _template_globals: dict[str, t.Callable[..., t.Any]]
    _frozen: bool

    if t.TYPE_CHECKING:

        def ensure_sync(self, func: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]: ...
        def url_for(self, endpoint: str, **values: t.Any) -> str: ...

    # -- environment and loader ------------------------------------------------------

    @property
    def jinja_env(self) -> Environment:
        """The app's Jinja environment, created on first access.

        Flask parity: as Flask's; filters/tests/globals that blueprints register after
        the environment exists are applied up to the app's freeze.
        """
        env = self._jinja_env_obj
        if env is None:
            env = self._jinja_env_obj = self.create_jinja_environment()
        elif not self._frozen:
            self._apply_template_functions(env)
        return env

    @property
    def jinja_loader(self) -> BaseLoader | None:
        """The loader of the app's own ``template_folder`` (or of a bound Jinja2Templates).

        ``None`` when the app has no template folder; computed once, like Flask's.
        """
        loader = self._jinja_loader_obj
        if loader is _unset:
            if self._templates is not None:
                loader = self._templates.env.loader
            elif self.template_folder is not None:
                loader = FileSystemLoader(
                    os.path.join(self.package_root, os.fspath(self.template_folder))
                )
            else:
                loader = None
            self._jinja_loader_obj = loader
        return loader  # type: ignore[no-any-return]

    def create_global_jinja_loader(self) -> DispatchingJinjaLoader:
        """The environment's loader: the app's folder, then the blueprints' folders."""
        return DispatchingJinjaLoader(self)  # type: ignore[arg-type]

    def create_jinja_environment(self) -> Environment:
        """Build the environment from :attr:`jinja_options` and the config.

        ``autoescape`` defaults to :meth:`select_jinja_autoescape`, ``auto_reload`` to
        ``TEMPLATES_AUTO_RELOAD`` (``None``: the debug flag).
        """
        options = dict(self.jinja_options)
        options.setdefault("autoescape", self.select_jinja_autoescape)
        if "auto_reload" not in options:
            options["auto_reload"] = self.templates_auto_reload
        env = self.jinja_environment(self, **options)  # type: ignore[arg-type]
        env.globals.update(
            url_for=self.url_for,
            get_flashed_messages=get_flashed_messages,
            config=self.config,
            # The context carries the concrete request and g; imported templates and
            # macros only see globals, so the proxies are here too (as in Flask).
            request=request,
            session=session,
            g=g,
        )
        env.policies["json.dumps_function"] = self.json.dumps  # type: ignore[attr-defined]
        self._apply_template_functions(env)
        return env

    def _apply_template_functions(self, env: jinja2.Environment) -> None:
        if self._template_filters:
            env.filters.update(self._template_filters)
        if self._template_tests:
            env.tests.update(self._template_tests)
        if self._template_globals:
            env.globals.update(self._template_globals)

    def select_jinja_autoescape(self, filename: str | None) -> bool:
        """Whether a template autoescapes: string templates and HTML/XML/SVG files do."""
        return autoescape_for(filename)

    @property
    def templates_auto_reload(self) -> bool:
        """Reload changed templates: ``TEMPLATES_AUTO_RELOAD``, or the debug flag if unset."""
        value = self.config["TEMPLATES_AUTO_RELOAD"]
        return bool(self.debug) if value is None else bool(value)

    @templates_auto_reload.setter
    def templates_auto_reload(self, value: bool) -> None:
        self.config["TEMPLATES_AUTO_RELOAD"] = value
        if self._jinja_env_obj is not None:
            self._jinja_env_obj.auto_reload = value

    def _freeze_templates(self) -> None:
        """Apply late template functions and preload every template source.

        Called by ``freeze()``. Only an app with templates to read pays for it.
        """
        env = self._jinja_env_obj
        if env is not None:
            self._apply_template_functions(env)
        templates = self._templates
        if templates is not None:
            self._apply_template_functions(templates.env)
            templates.preload()
        if env is None and not self._has_template_folders():
            return
        env = self.jinja_env
        loader = env.loader
        if isinstance(loader, DispatchingJinjaLoader):
            loader.preload(env)

    def _has_template_folders(self) -> bool:
        """Whether the app or a blueprint has a template folder that exists."""
        owners = (self, *self.iter_blueprints())  # type: ignore[attr-defined]
        return any(
            owner.template_folder is not None
            and os.path.isdir(os.path.join(owner.package_root, os.fspath(owner.template_folder)))
            for owner in owners
        )

    # -- template functions ------------------------------------------------------------

    def _register_template_function(
        self, registry: dict[str, t.Callable[..., t.Any]], f: t.Callable[..., t.Any],
        name: str | None, kind: str,
    ) -> None:
        key = name or f.__name__
        registry[key] = f
        env = self._jinja_env_obj
        if env is not None:
            getattr(env, kind)[key] = f

    @setupmethod
    def template_filter(
        self, name: str | None = None
    ) -> t.Callable[[T_template_filter], T_template_filter]:
        """Register a Jinja filter (``name`` defaults to the function's name)."""

        def decorator(f: T_template_filter) -> T_template_filter:
            self.add_template_filter(f, name=name)
            return f

        return decorator

    @setupmethod
    def add_template_filter(self, f: t.Callable[..., t.Any], name: str | None = None) -> None:
        """Non-decorator form of :meth:`template_filter`."""
        self._register_template_function(self._template_filters, f, name, "filters")

    @setupmethod
    def template_test(
        self, name: str | None = None
    ) -> t.Callable[[T_template_test], T_template_test]:
        """Register a Jinja test (``{% if x is name %}``)."""

        def decorator(f: T_template_test) -> T_template_test:
            self.add_template_test(f, name=name)
            return f

        return decorator

    @setupmethod
    def add_template_test(self, f: t.Callable[..., t.Any], name: str | None = None) -> None:
        """Non-decorator form of :meth:`template_test`."""
        self._register_template_function(self._template_tests, f, name, "tests")

    @setupmethod
    def template_global(
        self, name: str | None = None
    ) -> t.Callable[[T_template_global], T_template_global]:
        """Register a Jinja global (a callable or value visible in every template)."""

        def decorator(f: T_template_global) -> T_template_global:
            self.add_template_global(f, name=name)
            return f

        return decorator

    @setupmethod
    def add_template_global(self, f: t.Callable[..., t.Any], name: str | None = None) -> None:
        """Non-decorator form of :meth:`template_global`."""
        self._register_template_function(self._template_globals, f, name, "globals")

    # -- context -------------------------------------------------------------------------

    def update_template_context(self, context: dict[str, t.Any]) -> dict[str, t.Any]:
        """Add ``g``, ``request`` and the context processors' values to ``context``.

        Processors run app first, then the request's blueprints outermost first; the
        values passed by the caller win over all of them. Returns ``context``.

        Flask parity: same order and precedence (Flask returns None); ``session``
        stays a global proxy, as in Flask.
        """
        original = context.copy()
        ctx = _cv_ctx.get(None)
        processors = self.template_context_processors
        if ctx is not None:
            context["g"] = ctx.g
            req = ctx.request
            if req is not None:
                context["request"] = req
                names: t.Iterable[str | None] = (None, *reversed(req.blueprints))
            else:
                names = (None,)
        else:
            names = (None,)
        for name in names:
            funcs = processors.get(name)
            if funcs:
                for func in funcs:
                    context.update(self.ensure_sync(func)())
        context.update(original)
        return context

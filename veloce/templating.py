"""Jinja templates: the app's environment, its dispatching loader and the render helpers.

Templates are looked up like Flask's: the app's own folder first, then each
registered blueprint's folder in registration order, so an app can override a
blueprint's template by putting a file of the same name in its own folder.

Async safety: rendering is CPU work, but *loading* a template reads the disk. A sync
``render_template`` called from an ``async def`` view runs on the event loop, so the
loaders here keep a **source snapshot**: :meth:`SnapshotLoader.preload` reads every
template the wrapped loaders can list into memory once (the app does it in
``freeze()``, i.e. before or at its first request), after which ``get_source`` is a
dict lookup. What the snapshot cannot cover -- auto-reload (development), a name that
did not exist at preload time, ``EXPLAIN_TEMPLATE_LOADING`` -- goes to the real loader;
the coroutine helpers (:func:`render_template_async`, :meth:`Jinja2Templates.render_async`)
then do the loading on a worker lane instead of the loop.
"""

from __future__ import annotations

import asyncio
import typing as t

import jinja2
from jinja2 import FileSystemLoader, Template

from veloce._template_loaders import (
    DispatchingJinjaLoader,
    SnapshotLoader,
    autoescape_for,
)
from veloce.core.concurrency import run_sync
from veloce.core.context import _cv_ctx, current_app_or_none
from veloce.core.response import Response
from veloce.globals import current_app
from veloce.signals import before_render_template, send, template_rendered
from veloce.streaming import stream_with_context

if t.TYPE_CHECKING:
    from veloce.app import Veloce

__all__ = [
    "DispatchingJinjaLoader",
    "Environment",
    "Jinja2Templates",
    "SnapshotLoader",
    "autoescape_for",
    "get_template_attribute",
    "render_template",
    "render_template_async",
    "render_template_string",
    "stream_template",
    "stream_template_string",
]

TemplateRef = str | Template | t.Sequence[str | Template]
RenderHook = t.Callable[[t.Any, Template, dict[str, t.Any]], None]

#: Receivers of the template signals. The signals module appends one callable to each
#: list when ``before_render_template`` / ``template_rendered`` get a receiver; empty
#: lists cost one truthiness check per render.
before_render_hooks: list[RenderHook] = []
rendered_hooks: list[RenderHook] = []


def _before_render(app: t.Any, template: Template, context: dict[str, t.Any]) -> None:
    for hook in before_render_hooks:
        hook(app, template, context)


def _rendered(app: t.Any, template: Template, context: dict[str, t.Any]) -> None:
    for hook in rendered_hooks:
        hook(app, template, context)


class Environment(jinja2.Environment):
    """A Jinja environment that knows its app.

    Flask parity: ``Environment(app, **options)``; the loader defaults to
    ``app.create_global_jinja_loader()``.
    """

    def __init__(self, app: Veloce, **options: t.Any) -> None:
        if "loader" not in options:
            options["loader"] = app.create_global_jinja_loader()
        super().__init__(**options)
        self.app = app


# -- rendering against the current app -------------------------------------------------


def _render(app: t.Any, template: Template, context: dict[str, t.Any]) -> str:
    app.update_template_context(context)
    if before_render_hooks:
        _before_render(app, template, context)
    if before_render_template.receivers:
        send(before_render_template, app, template=template, context=context)
    rv = template.render(context)
    if rendered_hooks:
        _rendered(app, template, context)
    if template_rendered.receivers:
        send(template_rendered, app, template=template, context=context)
    return rv


def render_template(template_name_or_list: TemplateRef, **context: t.Any) -> str:
    """Render a template of the current app by name (a list: the first that exists).

    Flask parity: same signature, context processors and signals. The template source
    comes from the preloaded snapshot, so an async view calling this does no IO on
    the event loop (see the module docstring for the exceptions).
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    template = app.jinja_env.get_or_select_template(template_name_or_list)
    return _render(app, template, context)


def render_template_string(source: str, **context: t.Any) -> str:
    """Render a template given as a string (autoescaped) with the current app's context."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    return _render(app, app.jinja_env.from_string(source), context)


def _needs_io(env: jinja2.Environment, ref: TemplateRef) -> bool:
    loader = env.loader
    if not isinstance(loader, SnapshotLoader):
        return True
    names = [ref] if isinstance(ref, (str, Template)) else list(ref)
    for name in names:
        if isinstance(name, Template):
            return False
        if loader.is_preloaded(env, name):
            return False
    return True


async def render_template_async(template_name_or_list: TemplateRef, **context: t.Any) -> str:
    """``await`` form of :func:`render_template` that never does IO on the loop.

    A preloaded template renders right here; anything else (auto-reload, a template
    created after preload) is loaded and rendered on a worker lane.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    env = app.jinja_env
    if _needs_io(env, template_name_or_list):
        return await run_sync(app._lane_pool, _load_and_render, app, template_name_or_list, context)
    return _load_and_render(app, template_name_or_list, context)


def _load_and_render(app: t.Any, ref: TemplateRef, context: dict[str, t.Any]) -> str:
    return _render(app, app.jinja_env.get_or_select_template(ref), context)


def _stream(app: t.Any, template: Template, context: dict[str, t.Any]) -> t.Iterator[str]:
    app.update_template_context(context)
    if before_render_hooks:
        _before_render(app, template, context)
    if before_render_template.receivers:
        send(before_render_template, app, template=template, context=context)
    rv = _generate(app, template, context)
    ctx = _cv_ctx.get(None)
    if ctx is not None and ctx.request is not None:
        return stream_with_context(rv)  # type: ignore[no-any-return]
    return rv


def _generate(app: t.Any, template: Template, context: dict[str, t.Any]) -> t.Iterator[str]:
    yield from template.generate(context)
    if rendered_hooks:
        _rendered(app, template, context)
    if template_rendered.receivers:
        send(template_rendered, app, template=template, context=context)


def stream_template(template_name_or_list: TemplateRef, **context: t.Any) -> t.Iterator[str]:
    """Render a template piece by piece; return the iterator as a streamed response.

    Flask parity: the request context stays available while the body streams.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    template = app.jinja_env.get_or_select_template(template_name_or_list)
    return _stream(app, template, context)


def stream_template_string(source: str, **context: t.Any) -> t.Iterator[str]:
    """:func:`stream_template` for a template given as a string."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    return _stream(app, app.jinja_env.from_string(source), context)


def get_template_attribute(template_name: str, attribute: str) -> t.Any:
    """A macro or variable exported by a template (``{% macro %}`` as a callable).

    Flask parity: same as ``flask.get_template_attribute``.
    """
    template = current_app.jinja_env.get_template(template_name)  # type: ignore[attr-defined]
    return getattr(template.module, attribute)


# -- the spec's Starlette-style object -------------------------------------------------


class Jinja2Templates:
    """Jinja2 templates from a directory, Starlette's API, app-aware.

    Args:
        directory: The template folder (a path or a list of paths).
        env: Use this environment instead of building one (its loader is used as is).
        app: Bind to this app: it becomes ``app._templates`` and its
            ``jinja_loader``, and is preloaded when the app freezes.
        **env_options: Passed to ``jinja2.Environment``. ``autoescape`` defaults to
            Flask's rule; ``auto_reload`` to False (the snapshot needs it; pass True
            in development).

    Inside an app context, a render adds the app's template filters, tests and
    globals and runs its context processors (the caller's context wins).
    """

    def __init__(
        self,
        directory: t.Any = None,
        *,
        env: jinja2.Environment | None = None,
        app: Veloce | None = None,
        **env_options: t.Any,
    ) -> None:
        if env is None:
            if directory is None:
                raise TypeError("Jinja2Templates needs a 'directory' or an 'env'")
            env_options.setdefault("autoescape", autoescape_for)
            env_options.setdefault("auto_reload", False)
            env = jinja2.Environment(
                loader=SnapshotLoader(FileSystemLoader(directory)), **env_options
            )
        self.env = env
        self._async_env: jinja2.Environment | None = None
        self._synced_app: t.Any = None
        if app is not None:
            app._templates = self

    def preload(self) -> int:
        """Read every template into memory (blocking; call at startup)."""
        loader = self.env.loader
        if isinstance(loader, SnapshotLoader):
            return loader.preload(self.env)
        return 0

    def _prepare(self, context: dict[str, t.Any]) -> t.Any:
        app = current_app_or_none()
        if app is not None:
            if self._synced_app is not app or not app._frozen:
                for target in (self.env, self._async_env):
                    if target is not None:
                        app._apply_template_functions(target)
                self._synced_app = app if app._frozen else None
            app.update_template_context(context)
        return app

    def get_template(self, name: str) -> Template:
        """The named template of this environment."""
        return self.env.get_template(name)

    def _render_sync(self, template: Template, context: dict[str, t.Any]) -> str:
        app = self._prepare(context)
        if app is not None and before_render_hooks:
            _before_render(app, template, context)
        rv = template.render(context)
        if app is not None and rendered_hooks:
            _rendered(app, template, context)
        return rv

    def render(self, name: str, context: dict[str, t.Any] | None = None, **kwargs: t.Any) -> str:
        """Render the named template to a string."""
        merged = dict(context or {}, **kwargs)
        return self._render_sync(self.env.get_template(name), merged)

    def render_string(
        self, source: str, context: dict[str, t.Any] | None = None, **kwargs: t.Any
    ) -> str:
        """Render a template given as a string."""
        merged = dict(context or {}, **kwargs)
        return self._render_sync(self.env.from_string(source), merged)

    def TemplateResponse(  # noqa: N802 - Starlette's name
        self,
        name: t.Any,
        context: dict[str, t.Any] | None = None,
        status_code: int = 200,
        headers: t.Mapping[str, str] | None = None,
        media_type: str | None = None,
        **kwargs: t.Any,
    ) -> Response:
        """Render ``name`` into an HTML response.

        Starlette's newer ``TemplateResponse(request, name, context)`` order is
        accepted too (the request then goes into the context as ``request``).
        """
        if not isinstance(name, str):
            request_obj, name = name, context
            context = kwargs.pop("context", None) or {}
            context.setdefault("request", request_obj)
        body = self.render(name, context)
        app = current_app_or_none()
        cls = app.response_class if app is not None else Response
        return cls(body, status_code, headers, mimetype=media_type or "text/html")  # type: ignore[no-any-return]

    @property
    def async_env(self) -> jinja2.Environment:
        """The ``enable_async`` twin of :attr:`env` (same loader, filters and globals)."""
        env = self._async_env
        if env is None:
            env = self._async_env = self.env.overlay(enable_async=True, cache_size=400)
        return env

    async def render_async(
        self, name: str, context: dict[str, t.Any] | None = None, **kwargs: t.Any
    ) -> str:
        """Render with Jinja's async mode; loading that needs IO runs on a worker lane."""
        env = self.async_env
        merged = dict(context or {}, **kwargs)
        app = self._prepare(merged)
        if _needs_io(env, name):
            if app is not None:
                template = await run_sync(app._lane_pool, env.get_template, name)
            else:
                template = await asyncio.to_thread(env.get_template, name)
        else:
            template = env.get_template(name)
        if app is not None and before_render_hooks:
            _before_render(app, template, merged)
        rv = await template.render_async(merged)
        if app is not None and rendered_hooks:
            _rendered(app, template, merged)
        return rv


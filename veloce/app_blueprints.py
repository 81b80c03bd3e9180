"""The app side of blueprints: registering them and listing what is registered.

The work of a registration is the blueprint's own (:meth:`Blueprint.register`
replays its deferred functions against the app); the app keeps the registry of
registered names, which nested registrations and duplicate-name checks read, and the
app-wide template functions blueprints register until the template engine reads them.
"""

from __future__ import annotations

import typing as t

from veloce.blueprints import Blueprint
from veloce.scaffold import setupmethod

__all__ = ["BlueprintRegistry"]


class BlueprintRegistry:
    """``register_blueprint``, ``include_router`` and the blueprint registry of the app.

    The app initialises the registries (``_blueprints`` and the ``_template_*``
    dicts filled by ``Blueprint.app_template_filter`` and friends).
    """

    #: Dotted registration name -> blueprint, in registration order.
    _blueprints: dict[str, Blueprint]
    #: Name -> function, from ``app_template_filter`` / ``_test`` / ``_global``.
    _template_filters: dict[str, t.Callable[..., t.Any]]
    _template_tests: dict[str, t.Callable[..., t.Any]]
    _template_globals: dict[str, t.Callable[..., t.Any]]

    @setupmethod
    def register_blueprint(self, blueprint: Blueprint, **options: t.Any) -> None:
        """Register ``blueprint``'s routes, hooks and handlers on the app.

        Args:
            blueprint: The blueprint (its nested blueprints come with it).
            **options: ``url_prefix`` and ``subdomain`` (override the blueprint's),
                ``url_defaults`` (merged over the blueprint's), ``name`` (register
                the same blueprint again under another name), ``cli_group``.

        Raises:
            ValueError: a blueprint is already registered under that name.

        Flask parity: Flask 3.1's behaviour, including the error for a repeated name.
        """
        blueprint.register(self, options)  # type: ignore[arg-type]

    @setupmethod
    def include_router(
        self,
        router: Blueprint,
        prefix: str | None = None,
        *,
        url_prefix: str | None = None,
        **options: t.Any,
    ) -> None:
        """Mount a blueprint; the spec's spelling of :meth:`register_blueprint`.

        ``prefix`` (FastAPI's name) and ``url_prefix`` (Flask's) mean the same;
        give one of them.

        Raises:
            TypeError: ``router`` is not a Blueprint, or both prefixes are given.
        """
        if not isinstance(router, Blueprint):
            raise TypeError(f"include_router() expects a Blueprint, not {type(router).__name__!r}")
        if prefix is not None:
            if url_prefix is not None:
                raise TypeError("include_router() takes 'prefix' or 'url_prefix', not both")
            url_prefix = prefix
        if url_prefix is not None:
            options["url_prefix"] = url_prefix
        self.register_blueprint(router, **options)

    @property
    def blueprints(self) -> dict[str, Blueprint]:
        """A snapshot of the registered blueprints by (dotted) name.

        Flask parity: same keys and values as Flask's ``app.blueprints``; it is a
        copy (the spec), so adding to it registers nothing.
        """
        return dict(self._blueprints)

    def iter_blueprints(self) -> t.ValuesView[Blueprint]:
        """The registered blueprints, in registration order (nested ones included)."""
        return self._blueprints.values()

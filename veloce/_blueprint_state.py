"""``BlueprintSetupState``: one registration of a blueprint on an app.

The deferred functions a :class:`~veloce.blueprints.Blueprint` records are replayed
with one of these when the blueprint is registered; it carries the registration's
prefix, subdomain, dotted name and URL defaults, and composes rules with them. Kept
apart from the ``Blueprint`` class, which only records. Import it from
:mod:`veloce.blueprints`, its public home.
"""

from __future__ import annotations

import typing as t

from veloce.scaffold import _endpoint_from_view_func

if t.TYPE_CHECKING:
    from veloce.app import Veloce
    from veloce.blueprints import Blueprint

__all__ = ["BlueprintSetupState", "DeferredSetupFunction"]

#: A function :meth:`Blueprint.record` stores; called with the setup state.
DeferredSetupFunction = t.Callable[["BlueprintSetupState"], None]


def _join_prefix(prefix: str, rule: str) -> str:
    """``prefix`` + ``rule`` with exactly one slash between them (Flask's joining)."""
    return f"{prefix.rstrip('/')}/{rule.lstrip('/')}"


class BlueprintSetupState:
    """What one registration of a blueprint applies: the app, prefix, subdomain, name.

    Deferred functions receive it; its :meth:`add_url_rule` adds the blueprint's
    prefix to the rule and its dotted name to the endpoint.

    Args:
        blueprint: The blueprint being registered.
        app: The app it is registered on.
        options: The ``register_blueprint`` keyword arguments (``url_prefix``,
            ``subdomain``, ``url_defaults``, ``name``, plus ``name_prefix`` for
            nested blueprints).
        first_registration: Whether this blueprint object was not registered on
            ``app`` before, under any name (what :meth:`Blueprint.record_once` tests).

    Flask parity: same attributes (``app``, ``blueprint``, ``options``,
    ``first_registration``, ``subdomain``, ``url_prefix``, ``name``, ``name_prefix``,
    ``url_defaults``) and the same option-over-blueprint precedence.
    """

    def __init__(
        self,
        blueprint: Blueprint,
        app: Veloce,
        options: t.Any,
        first_registration: bool,
    ) -> None:
        self.app = app
        self.blueprint = blueprint
        self.options = options
        self.first_registration = first_registration
        subdomain = options.get("subdomain")
        self.subdomain: str | None = blueprint.subdomain if subdomain is None else subdomain
        url_prefix = options.get("url_prefix")
        self.url_prefix: str | None = blueprint.url_prefix if url_prefix is None else url_prefix
        self.name: str = options.get("name", blueprint.name)
        self.name_prefix: str = options.get("name_prefix", "")
        #: Values every rule of this registration gets as ``defaults``.
        self.url_defaults: dict[str, t.Any] = {
            **blueprint.url_values_defaults,
            **dict(options.get("url_defaults", ())),
        }

    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: t.Callable[..., t.Any] | None = None,
        **options: t.Any,
    ) -> None:
        """Add ``rule`` to the app under this registration's prefix and dotted name.

        An empty ``rule`` means the prefix itself; ``defaults`` given here are laid
        over the registration's ``url_defaults``.
        """
        rule, endpoint, options = self.compose_rule(rule, endpoint, view_func, options)
        self.app.add_url_rule(rule, endpoint, view_func, **options)

    def compose_rule(
        self,
        rule: str,
        endpoint: str | None,
        view_func: t.Callable[..., t.Any] | None,
        options: dict[str, t.Any],
    ) -> tuple[str, str, dict[str, t.Any]]:
        """``(rule, endpoint, options)`` of this registration: prefixed, dotted, defaulted.

        Shared by HTTP rules and WebSocket routes, so both compose the same way.
        """
        prefix = self.url_prefix
        if prefix is not None:
            rule = _join_prefix(prefix, rule) if rule else prefix
        options.setdefault("subdomain", self.subdomain)
        if endpoint is None:
            endpoint = _endpoint_from_view_func(view_func)
        defaults = self.url_defaults
        extra = options.pop("defaults", None)
        if extra is not None:
            defaults = {**defaults, **extra}
        options["defaults"] = defaults
        return rule, f"{self.name_prefix}.{self.name}.{endpoint}".lstrip("."), options


# Deferred functions, bound with ``partial`` rather than closures: they run once per
# registration, never per request.


def _add_rule(
    rule: str,
    endpoint: str | None,
    view_func: t.Callable[..., t.Any] | None,
    options: dict[str, t.Any],
    state: BlueprintSetupState,
) -> None:
    state.add_url_rule(rule, endpoint, view_func, **options)


def _if_first_registration(func: DeferredSetupFunction, state: BlueprintSetupState) -> None:
    if state.first_registration:
        func(state)

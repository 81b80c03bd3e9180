"""Werkzeug's rule factories: groups of rules that share a prefix, subdomain or endpoint.

A factory is anything with ``get_rules(map)``; ``Map(...)`` and ``Map.add`` expand it.
Each factory yields fresh unbound copies of the rules it wraps, so one list of rules can
be mounted twice (``Submount("/a", rules)`` and ``Submount("/b", rules)``).
"""

from __future__ import annotations

import abc
import typing as t
from string import Template

from veloce.core.rules import Rule

if t.TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from veloce.core.router import Map

__all__ = [
    "EndpointPrefix",
    "RuleFactory",
    "RuleTemplate",
    "RuleTemplateFactory",
    "Subdomain",
    "Submount",
]


def _copy(rule: Rule, **changes: t.Any) -> Rule:
    """An unbound copy of ``rule`` with some constructor arguments replaced."""
    kwargs = rule.get_empty_kwargs()
    string = changes.pop("string", rule.rule)
    kwargs.update(changes)
    return type(rule)(string, **kwargs)


class RuleFactory:
    """Base class of objects that expand into rules when added to a map.

    Flask parity: ``werkzeug.routing.RuleFactory``; subclasses implement ``get_rules``.
    """

    def get_rules(self, map: Map) -> Iterable[Rule]:  # noqa: A002
        """The rules this factory stands for.

        Abstract but callable, as in Werkzeug: the base class can be instantiated and
        raises when asked for rules (tests/test_compat_werkzeug_extras.py compares).
        """
        raise NotImplementedError(f"{type(self).__name__} must implement get_rules()")


class _Wrapping(RuleFactory, abc.ABC):
    """A factory over a list of rules and factories, changing each rule it yields."""

    rules: Iterable[t.Any]

    def get_rules(self, map: Map) -> Iterator[Rule]:  # noqa: A002
        for factory in self.rules:
            for rule in factory.get_rules(map):
                yield self._change(rule)

    @abc.abstractmethod
    def _change(self, rule: Rule) -> Rule:
        """The rule as this factory yields it (prefixed, moved to a subdomain...)."""


class Subdomain(_Wrapping):
    """Put every wrapped rule on ``subdomain`` (for a map with subdomain matching)."""

    def __init__(self, subdomain: str, rules: Iterable[t.Any]) -> None:
        self.subdomain = subdomain
        self.rules = rules

    def _change(self, rule: Rule) -> Rule:
        return _copy(rule, subdomain=self.subdomain)


class Submount(_Wrapping):
    """Prefix every wrapped rule with ``path`` (a trailing slash of ``path`` is dropped)."""

    def __init__(self, path: str, rules: Iterable[t.Any]) -> None:
        self.path = path.rstrip("/")
        self.rules = rules

    def _change(self, rule: Rule) -> Rule:
        return _copy(rule, string=self.path + rule.rule)


class EndpointPrefix(_Wrapping):
    """Prefix every wrapped rule's endpoint with ``prefix``."""

    def __init__(self, prefix: str, rules: Iterable[t.Any]) -> None:
        self.prefix = prefix
        self.rules = rules

    def _change(self, rule: Rule) -> Rule:
        return _copy(rule, endpoint=self.prefix + rule.endpoint)


class RuleTemplate:
    """Rules with ``$name`` placeholders; calling the template fills them in.

    ``RuleTemplate([Rule("/$lang/", endpoint="$lang.index")])(lang="en")`` is a factory
    for ``/en/`` -> ``en.index``. Placeholders work in the rule string, a string
    endpoint, the subdomain and string defaults (``string.Template`` syntax).
    """

    def __init__(self, rules: Iterable[t.Any]) -> None:
        self.rules = list(rules)

    def __call__(self, *args: t.Any, **kwargs: t.Any) -> RuleTemplateFactory:
        return RuleTemplateFactory(self.rules, dict(*args, **kwargs))


class RuleTemplateFactory(_Wrapping):
    """What calling a :class:`RuleTemplate` returns: its rules with the context applied.

    Raises:
        KeyError: A placeholder has no value in the context (``Template.substitute``).
    """

    def __init__(self, rules: Iterable[t.Any], context: dict[str, t.Any]) -> None:
        self.rules = rules
        self.context = context

    def _fill(self, value: t.Any) -> t.Any:
        return Template(value).substitute(self.context) if isinstance(value, str) else value

    def _change(self, rule: Rule) -> Rule:
        defaults = {k: self._fill(v) for k, v in rule.defaults.items()} if rule.defaults else None
        return _copy(
            rule,
            string=self._fill(rule.rule),
            endpoint=self._fill(rule.endpoint),
            subdomain=self._fill(rule.subdomain),
            defaults=defaults,
        )

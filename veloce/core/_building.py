"""URL building for :class:`~veloce.core.router.Map`: choosing the rule for an endpoint.

``url_for`` ends here. Building never walks the match tree: it looks up the endpoint's
rules (kept in build order by the map) and asks each whether the values fit. The
mixin keeps this half of the map apart from matching, which is the hot path.
"""

from __future__ import annotations

import difflib
import typing as t

from veloce.core.exceptions import BuildError

if t.TYPE_CHECKING:
    from veloce.core.rules import Rule

__all__ = ["MapBuilding"]


def _clean_values(values: t.Mapping[str, t.Any] | None) -> dict[str, t.Any]:
    if not values:
        return {}
    lists = getattr(values, "lists", None)
    if callable(lists):  # a MultiDict: single values unwrap, several stay a list
        return {k: (v[0] if len(v) == 1 else v) for k, v in lists() if len(v) != 0}
    return {k: v for k, v in values.items() if v is not None}


class MapBuilding:
    """The building methods of :class:`~veloce.core.router.Map` (a mixin, no state)."""

    host_matching: bool
    _rules: list[Rule]
    _rules_by_endpoint: dict[t.Any, list[Rule]]

    if t.TYPE_CHECKING:

        def iter_rules(self, endpoint: t.Any | None = None) -> t.Iterator[Rule]: ...

    def build(
        self,
        endpoint: t.Any,
        values: t.Mapping[str, t.Any] | None = None,
        method: str | None = None,
        append_unknown: bool = True,
    ) -> str:
        """Build the URL path of ``endpoint`` (see :meth:`build_target`)."""
        return self.build_target(endpoint, values, method, append_unknown)[2]

    def build_target(
        self,
        endpoint: t.Any,
        values: t.Mapping[str, t.Any] | None = None,
        method: str | None = None,
        append_unknown: bool = True,
        *,
        host: str | None = None,
        default_method: str = "GET",
    ) -> tuple[Rule, str, str]:
        """Choose the rule to build ``endpoint`` with and return ``(rule, domain, path)``.

        ``None`` values are dropped; a MultiDict's multi-valued keys stay lists.
        Without ``method``, rules of ``default_method`` are preferred. Among the endpoint's rules,
        those with more arguments and defaults come first; the first one the values
        fit wins (with ``host_matching``, one whose host equals ``host`` if any).
        Values no rule part uses become the query string unless ``append_unknown``
        is false; list values repeat the key.

        Raises:
            BuildError: No rule of the endpoint can be built from the values.
        """
        clean = _clean_values(values)
        found = None
        if method is None:
            found = self._first_buildable(endpoint, clean, default_method, append_unknown, host)
        if found is None:
            found = self._first_buildable(endpoint, clean, method, append_unknown, host)
        if found is None:
            raise BuildError(
                endpoint, clean, method, suggestion=self._suggest(endpoint, clean, method)
            )
        return found

    def _first_buildable(
        self,
        endpoint: t.Any,
        values: dict[str, t.Any],
        method: str | None,
        append_unknown: bool,
        host: str | None,
    ) -> tuple[Rule, str, str] | None:
        fallback = None
        for rule in self._rules_by_endpoint.get(endpoint, ()):
            if rule.suitable_for(values, method):
                built = rule.build(values, append_unknown)
                if built is not None:
                    if not self.host_matching or host is None or built[0] == host:
                        return rule, built[0], built[1]
                    if fallback is None:
                        fallback = (rule, built[0], built[1])
        return fallback

    def _suggest(self, endpoint: t.Any, values: dict[str, t.Any], method: str | None) -> str:
        """Werkzeug's BuildError hint: the closest rule and what it would need."""
        if not self._rules:
            return ""
        target = str(endpoint)
        given = set(values)

        def score(rule: Rule) -> float:
            similarity = difflib.SequenceMatcher(None, str(rule.endpoint), target).ratio()
            return (
                0.98 * similarity
                + 0.01 * bool(given.issubset(rule.arguments))
                + 0.01 * bool(rule.methods and method in rule.methods)
            )

        best = max(self.iter_rules(), key=score)
        if best.endpoint != endpoint:
            return f"Did you mean {best.endpoint!r} instead?"
        hints = []
        if method and best.methods is not None and method not in best.methods:
            hints.append(f"Did you mean to use methods {sorted(best.methods)!r}?")
        missing = best.arguments.union(best.defaults or ()) - given
        if missing:
            hints.append(f"Did you forget to specify values {sorted(missing)!r}?")
        return " ".join(hints)

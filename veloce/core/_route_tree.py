"""The segment tree that :class:`~veloce.core.router.Map` matches paths against.

A node holds its static children by segment text, its dynamic children (converter
parts) already sorted by Werkzeug's weights, and the rules that end there. ``_walk`` is
the depth-first search over it, the innermost loop of routing; it is kept in a module of
its own so that the search and its invariants can be read without the map's
registration, redirect and building code around it.
"""

from __future__ import annotations

import typing as t

if t.TYPE_CHECKING:
    from veloce.core.rules import Rule, RulePart

__all__ = ["_Node", "_SlashRequired", "_WEBSOCKET_MISMATCH", "_edge_weight", "_walk"]

_TRAILING_SLASH = ("",)
# Recorded in a walk's ``miss`` set when a rule of the other kind (HTTP/WebSocket)
# matched; "<" cannot appear in an HTTP method token.
_WEBSOCKET_MISMATCH = "<websocket>"


class _SlashRequired(Exception):
    """The path matches a strict-slashes rule once a trailing slash is added."""


class _Node:
    __slots__ = ("dynamic", "rules", "static")

    def __init__(self) -> None:
        self.static: dict[str, _Node] = {}
        self.dynamic: list[tuple[RulePart, _Node]] = []
        self.rules: list[Rule] = []


def _edge_weight(edge: tuple[RulePart, _Node]) -> tuple[t.Any, ...]:
    return edge[0].weight


def _accepts(rules: list[Rule], method: str, websocket: bool, miss: set[str]) -> Rule | None:
    # ``miss`` collects what a failed walk learned: the methods that would have
    # matched (for 405) and _WEBSOCKET_MISMATCH.
    for rule in rules:
        allowed = rule.methods
        if allowed is not None and method not in allowed:
            miss.update(allowed)
        elif rule.websocket != websocket:
            miss.add(_WEBSOCKET_MISMATCH)
        else:
            return rule
    return None


def _walk(
    node: _Node,
    parts: t.Sequence[str],
    i: int,
    values: list[str],
    method: str,
    websocket: bool,
    miss: set[str],
) -> Rule | None:
    """Depth-first search mirroring Werkzeug's StateMachineMatcher; fills ``values``."""
    n = len(parts)
    # Descend without recursion while a node offers no alternative to its static
    # child (no dynamic edges, and no relaxed trailing-slash rule to fall back on).
    while i < n and not node.dynamic and not (node.rules and i == n - 1 and parts[i] == ""):
        child = node.static.get(parts[i])
        if child is None:
            return None
        node = child
        i += 1
    if i == n:
        for rule in node.rules:  # inlined _accepts: this is the usual success exit
            allowed = rule.methods
            if allowed is not None and method not in allowed:
                miss.update(allowed)
            elif rule.websocket != websocket:
                miss.add(_WEBSOCKET_MISMATCH)
            else:
                return rule
        slashed = node.static.get("")
        if slashed is not None:
            for rule in slashed.rules:
                allowed = rule.methods
                if rule.websocket == websocket and (allowed is None or method in allowed):
                    if rule.strict_slashes:
                        raise _SlashRequired()
                    return rule
        return None
    segment = parts[i]
    child = node.static.get(segment)
    if child is not None:
        found = _walk(child, parts, i + 1, values, method, websocket, miss)
        if found is not None:
            return found
    if node.dynamic:
        mark = len(values)
        rest = None
        for part, child in node.dynamic:
            if part.final:
                if rest is None:
                    rest = "/".join(parts[i:])
                match = part.regex.match(rest)  # type: ignore[union-attr]
                if match is None:
                    continue
                sub: t.Sequence[str] = parts
                j = n
                if part.suffixed and match.group(part.suffix_group) == "/":
                    sub, j = _TRAILING_SLASH, 0
            else:
                match = part.regex.match(segment)  # type: ignore[union-attr]
                if match is None:
                    continue
                sub, j = parts, i + 1
            groups = part.groups
            if len(groups) == 1:
                values.append(match.group(groups[0]))
            else:
                values.extend(match.group(*groups))
            found = _walk(child, sub, j, values, method, websocket, miss)
            if found is not None:
                return found
            del values[mark:]
    if node.rules and segment == "" and i == n - 1:
        return _accepts(
            [rule for rule in node.rules if not rule.strict_slashes], method, websocket, miss
        )
    return None

"""The rule-string grammar: tokens, converter arguments, query encoding, segments.

Everything here is a pure function of text (or, for :class:`RulePart`, one parsed
segment), used by :class:`~veloce.core.rules.Rule` when it binds and by the router's
tree. Kept apart from ``Rule`` so the grammar can be read, and tested, on its own.
Import the public names from :mod:`veloce.core.rules`.
"""

from __future__ import annotations

import re
import typing as t
from urllib.parse import urlencode

__all__ = ["RulePart", "encode_query", "parse_converter_args", "parse_rule_template"]

_TOKEN_RE = re.compile(
    r"""
    (?P<slash>/)
  | (?P<static>[^</]+)
  | <(?:(?P<converter>[a-zA-Z_][a-zA-Z0-9_]*)(?:\((?P<arguments>.*?)\))?:)?
     (?P<variable>[a-zA-Z_][a-zA-Z0-9_]*)>
    """,
    re.VERBOSE,
)
# Werkzeug's argument grammar, including its lenient "any character" number forms.
_ARG_RE = re.compile(
    r"""\s*(?:(?P<name>\w+)\s*=\s*)?
    (?P<value>True|False|\d+.\d+|\d+.|\d+|[\w.]+|[urUR]?(?P<quoted>"[^"]*?"|'[^']*'))
    \s*,""",
    re.VERBOSE,
)
_TEMPLATE_RE = re.compile(
    r"\{([a-zA-Z_][a-zA-Z0-9_]*)(?::([a-zA-Z_][a-zA-Z0-9_]*(?:\([^)]*\))?))?\}"
)
_MULTI_SLASH_RE = re.compile("/{2,}")
_CONSTANTS: dict[str, t.Any] = {"None": None, "True": True, "False": False}
_QUERY_SAFE = "!$'()*,/:;?@"


def parse_rule_template(string: str) -> str:
    """Rewrite the spec's ``{name}`` / ``{name:conv}`` placeholders as ``<conv:name>``."""
    if "{" not in string:
        return string
    return _TEMPLATE_RE.sub(
        lambda m: f"<{m.group(2)}:{m.group(1)}>" if m.group(2) else f"<{m.group(1)}>",
        string,
    )


def _literal(text: str) -> t.Any:
    if text in _CONSTANTS:
        return _CONSTANTS[text]
    for convert in (int, float):
        try:
            return convert(text)
        except ValueError:
            continue
    if text[:1] == text[-1:] and text[:1] in ("'", '"'):
        text = text[1:-1]
    return text


def parse_converter_args(argstr: str) -> tuple[tuple[t.Any, ...], dict[str, t.Any]]:
    """Parse ``1, "a", max=5`` into positional and keyword converter arguments.

    Numbers become int/float, ``True``/``False``/``None`` their constants, quoted text
    a str; unparsable input raises ``ValueError`` (Werkzeug's grammar and message).
    """
    argstr += ","
    args: list[t.Any] = []
    kwargs: dict[str, t.Any] = {}
    position = 0
    for item in _ARG_RE.finditer(argstr):
        if item.start() != position:
            raise ValueError(
                f"Cannot parse converter argument '{argstr[position : item.start()]}'"
            )
        value = _literal(item.group("quoted") or item.group("value"))
        if item.group("name"):
            kwargs[item.group("name")] = value
        else:
            args.append(value)
        position = item.end()
    return tuple(args), kwargs


def encode_query(
    values: t.Iterable[tuple[str, t.Any]],
    sort: bool = False,
    sort_key: t.Callable[[t.Any], t.Any] | None = None,
) -> str:
    """URL-encode ``(key, value)`` pairs the way Werkzeug builds query strings.

    List, tuple and set values repeat the key; ``None`` values are skipped. Pass
    ``sort`` to sort the expanded pairs, by ``sort_key`` if given
    (``Map.sort_parameters`` / ``Map.sort_key``).
    """
    items: list[tuple[str, t.Any]] = []
    for key, value in values:
        if isinstance(value, (list, tuple, set)):
            items.extend((key, v) for v in value)
        else:
            items.append((key, value))
    if sort:
        items.sort(key=sort_key)
    return urlencode([item for item in items if item[1] is not None], safe=_QUERY_SAFE)


class RulePart:
    """One ``/``-delimited segment of a bound rule, as the router's tree stores it.

    A static part is matched by dict lookup on ``content``; a dynamic part by
    ``regex`` (anchored at both ends). ``final`` parts (after a converter that spans
    slashes) consume the rest of the path; ``suffixed`` ones end in an optional ``/``
    captured by group ``suffix_group`` so a missing trailing slash can redirect.
    """

    __slots__ = ("content", "final", "groups", "key", "regex", "static", "suffix_group",
                 "suffixed", "weight")

    def __init__(
        self,
        content: str,
        *,
        static: bool,
        final: bool = False,
        suffixed: bool = False,
        weight: tuple[t.Any, ...] = (0, (), 0, ()),
        names: t.Sequence[str] = (),
    ) -> None:
        self.content = content
        self.static = static
        self.final = final
        self.suffixed = suffixed
        self.weight = weight
        self.key = (content, final, suffixed, weight)
        self.regex: re.Pattern[str] | None = None
        self.groups: tuple[int, ...] = ()
        self.suffix_group = 0
        if not static:
            regex = re.compile(content)
            self.regex = regex
            self.groups = tuple(regex.groupindex[name] for name in names)
            self.suffix_group = regex.groups

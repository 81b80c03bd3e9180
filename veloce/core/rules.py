"""URL rules: parsing a rule string into match segments and a build template.

A :class:`Rule` is inert until :meth:`Rule.bind` attaches it to a map. Binding resolves
the map-level defaults (``strict_slashes``, ``merge_slashes``, subdomain), creates the
converter instances, splits the rule into :class:`RulePart` segments (compiled regexes
for dynamic ones) and precomputes the build template, so neither matching nor building
parses anything per request.

Flask parity: the syntax (``<name>``, ``<conv:name>``, ``<conv(args):name>``), segment
weights, building and escaping follow Werkzeug 3.1. The spec's template syntax
``{name}`` / ``{name:conv}`` is accepted too and means the same as ``<conv:name>``.
"""

from __future__ import annotations

import re
import typing as t
from urllib.parse import quote

from veloce.core._rule_syntax import (
    _MULTI_SLASH_RE,
    _TOKEN_RE,
    RulePart,
    encode_query,
    parse_converter_args,
    parse_rule_template,
)
from veloce.core.converters import PATH_SAFE, ValidationError

if t.TYPE_CHECKING:
    from veloce.core.converters import BaseConverter
    from veloce.core.router import Map

__all__ = ["Rule", "RulePart", "encode_query", "parse_converter_args", "parse_rule_template"]

# A build op is a literal string or a (variable name, converter) pair.
_BuildOp = str | tuple[str, "BaseConverter"]


class Rule:
    """One URL pattern and the endpoint it leads to.

    Args:
        string: The rule, starting with ``/``, e.g. ``/users/<int:id>`` or
            ``/users/{id:int}``. Kept unchanged as :attr:`rule`.
        endpoint: What the rule resolves to (usually the view's name); used to build.
        methods: Allowed HTTP methods, or ``None`` for any. ``HEAD`` is added when
            ``GET`` is present. Stored upper-cased as a frozenset.
        defaults: Values for arguments missing from the URL; they are also passed to
            the view, and a rule with defaults is preferred when building.
        strict_slashes: Redirect ``/a`` to ``/a/`` for a branch rule; ``None`` takes the
            map's setting. ``False`` matches both forms without a redirect.
        subdomain: Subdomain rule used when subdomain matching is enabled.
        host: Full host rule used when the map has ``host_matching``.
        redirect_to: A rule-syntax string or ``callable(map, **values)``; matching this
            rule raises RequestRedirect to that target.
        build_only: Never matched, only built (e.g. static files served elsewhere).
        merge_slashes: Collapse repeated slashes; ``None`` takes the map's setting.
        websocket: Match only WebSocket requests.
        alias: A secondary URL that redirects to the endpoint's canonical rule.
    """

    def __init__(
        self,
        string: str,
        *,
        endpoint: t.Any = None,
        methods: t.Iterable[str] | None = None,
        defaults: t.Mapping[str, t.Any] | None = None,
        strict_slashes: bool | None = None,
        subdomain: str | None = None,
        host: str | None = None,
        redirect_to: str | t.Callable[..., str] | None = None,
        build_only: bool = False,
        merge_slashes: bool | None = None,
        websocket: bool = False,
        alias: bool = False,
    ) -> None:
        if not string.startswith("/"):
            raise ValueError(f"URL rule '{string}' must start with a slash.")
        self.rule = string
        self.is_leaf = not string.endswith("/")
        self.is_branch = string.endswith("/")
        self.map: Map = None  # type: ignore[assignment]
        self.endpoint = endpoint
        self.strict_slashes = strict_slashes
        self.merge_slashes = merge_slashes
        self.subdomain = subdomain
        self.host = host
        self.defaults = defaults
        self.build_only = build_only
        self.alias = alias
        self.websocket = websocket
        self.redirect_to = redirect_to
        self.provide_automatic_options = False
        if methods is not None:
            if isinstance(methods, str):
                raise TypeError("'methods' should be a list of strings.")
            verbs = {verb.upper() for verb in methods}
            if "GET" in verbs:
                verbs.add("HEAD")
            if websocket and verbs - {"GET", "HEAD", "OPTIONS"}:
                raise ValueError(
                    "WebSocket rules can only use 'GET', 'HEAD', and 'OPTIONS' methods."
                )
            methods = frozenset(verbs)
        self.methods: frozenset[str] | None = methods  # type: ignore[assignment]
        self.arguments: set[str] = set(map(str, defaults)) if defaults else set()
        self._converters: dict[str, BaseConverter] = {}
        self._trace: list[tuple[bool, str]] = []
        self._parts: list[RulePart] = []
        # Filled by the map when it (re)sorts this endpoint's rules.
        self._default_redirects: tuple[Rule, ...] = ()
        self._simple = False
        self._static_key: tuple[str, str] | None = None

    # -- copying / binding -------------------------------------------------------------

    def get_empty_kwargs(self) -> dict[str, t.Any]:
        """Keyword arguments that recreate this rule unbound (see :meth:`empty`)."""
        return {
            "defaults": dict(self.defaults) if self.defaults else None,
            "subdomain": self.subdomain,
            "methods": self.methods,
            "build_only": self.build_only,
            "endpoint": self.endpoint,
            "strict_slashes": self.strict_slashes,
            "redirect_to": self.redirect_to,
            "alias": self.alias,
            "host": self.host,
            "websocket": self.websocket,
            "merge_slashes": self.merge_slashes,
        }

    def empty(self) -> Rule:
        """Return an unbound copy, e.g. to add the same rule to another map."""
        return type(self)(self.rule, **self.get_empty_kwargs())

    def get_rules(self, map: Map) -> t.Iterator[Rule]:  # noqa: A002
        """Rule-factory protocol: a rule yields itself."""
        yield self

    def bind(self, map: Map, rebind: bool = False) -> None:  # noqa: A002
        """Attach to ``map``, inherit its defaults and compile; called by ``Map.add``."""
        if self.map is not None and not rebind:
            raise RuntimeError(f"url rule {self!r} already bound to map {self.map!r}")
        self.map = map
        if self.strict_slashes is None:
            self.strict_slashes = map.strict_slashes
        if self.merge_slashes is None:
            self.merge_slashes = map.merge_slashes
        if self.subdomain is None:
            self.subdomain = map.default_subdomain
        self.compile()

    def refresh(self) -> None:
        """Recompile after the rule was modified in place."""
        self.bind(self.map, rebind=True)

    def get_converter(
        self,
        variable_name: str,
        converter_name: str,
        args: tuple[t.Any, ...],
        kwargs: t.Mapping[str, t.Any],
    ) -> BaseConverter:
        """Instantiate the named converter from the map; override to customize."""
        if converter_name not in self.map.converters:
            raise LookupError(f"the converter {converter_name!r} does not exist")
        return self.map.converters[converter_name](self.map, *args, **kwargs)

    # -- compiling -----------------------------------------------------------------------

    def compile(self) -> None:
        """Split the rule into parts and precompute the build template."""
        if self.map is None:
            raise RuntimeError(f"url rule {self.rule!r} is not bound to a map")
        domain = (self.host if self.map.host_matching else self.subdomain) or ""
        self._parts = []
        self._trace = []
        self._converters = {}
        if domain:
            self._parts.extend(self._parse(domain))
        else:
            self._parts.append(RulePart("", static=True))
        self._trace_split = len(self._trace)
        self._trace.append((False, "|"))
        string = parse_rule_template(self.rule)
        if self.merge_slashes:
            string = _MULTI_SLASH_RE.sub("/", string)
        self._parts.extend(self._parse(string))
        self._conv_items = tuple(self._converters.items())
        self._compile_builder()

    def _parse(self, string: str) -> list[RulePart]:
        parts: list[RulePart] = []
        content, static, final = "", True, False
        static_weights: list[tuple[int, int]] = []
        arg_weights: list[int] = []
        names: list[str] = []

        def flush(suffixed: bool = False) -> RulePart:
            weight = (-len(static_weights), tuple(static_weights),
                      -len(arg_weights), tuple(arg_weights))
            text = content if static else content + r"\Z"
            return RulePart(text, static=static, final=final, suffixed=suffixed,
                            weight=weight, names=tuple(names))

        pos = 0
        while pos < len(string):
            token = _TOKEN_RE.match(string, pos)
            if token is None:
                raise ValueError(f"malformed url rule: {string!r}")
            text = token.group("static")
            if text is not None:
                static_weights.append((len(static_weights), -len(text)))
                self._trace.append((False, text))
                content += text if static else re.escape(text)
            variable = token.group("variable")
            if variable is not None:
                if variable in self._converters:
                    raise ValueError(f"variable {variable!r} appears twice in {string!r}")
                if static:
                    content = re.escape(content)
                static = False
                args, kwargs = parse_converter_args(token.group("arguments") or "")
                converter = self.get_converter(
                    variable, token.group("converter") or "default", args, kwargs
                )
                self._converters[variable] = converter
                self.arguments.add(variable)
                final = final or not converter.part_isolating
                names.append(f"_v{len(names)}")
                content += f"(?P<{names[-1]}>{converter.regex})"
                arg_weights.append(converter.weight)
                self._trace.append((True, variable))
            if token.group("slash") is not None:
                self._trace.append((False, "/"))
                if final:
                    content += "/"
                else:
                    parts.append(flush())
                    content, static, final = "", True, False
                    static_weights, arg_weights, names = [], [], []
            pos = token.end()
        suffixed = final and content.endswith("/")
        if suffixed:
            content = content[:-1] + "(?<!/)(/?)"
        parts.append(flush(suffixed))
        if suffixed:
            parts.append(RulePart("", static=True, weight=parts[-1].weight))
        return parts

    def _compile_builder(self) -> None:
        defaults = self.defaults or {}
        domain_ops: list[_BuildOp] = []
        url_ops: list[_BuildOp] = []
        required: list[str] = []
        split = self._trace_split
        for ops, trace in ((domain_ops, self._trace[:split]), (url_ops, self._trace[split + 1 :])):
            for dynamic, data in trace:
                op: _BuildOp
                if not dynamic:
                    op = quote(data, safe=PATH_SAFE)
                elif data in defaults:
                    op = self._converters[data].to_url(defaults[data])
                else:
                    op = (data, self._converters[data])
                    required.append(data)
                if isinstance(op, str) and ops and isinstance(ops[-1], str):
                    ops[-1] += op
                else:
                    ops.append(op)
        self._domain_ops = tuple(domain_ops) or ("",)
        self._url_ops = tuple(url_ops) or ("",)
        self._required = tuple(required)
        self._known = frozenset(required).union(map(str, defaults))

    # -- building -------------------------------------------------------------------------

    @staticmethod
    def _render(ops: tuple[_BuildOp, ...], values: t.Mapping[str, t.Any]) -> str:
        first = ops[0]
        if len(ops) == 1 and isinstance(first, str):
            return first
        pieces = []
        for op in ops:
            pieces.append(op if isinstance(op, str) else op[1].to_url(values[op[0]]))
        return "".join(pieces)

    def _query(self, values: t.Mapping[str, t.Any]) -> str:
        known = self._known
        extra = [(k, v) for k, v in values.items() if k not in known]
        if not extra:
            return ""
        return encode_query(extra, self.map.sort_parameters, self.map.sort_key)

    def build(
        self, values: t.Mapping[str, t.Any], append_unknown: bool = True
    ) -> tuple[str, str] | None:
        """Build ``(domain, path)`` for ``values``; the path has ``?query`` of unknown values.

        Returns ``None`` if a required value is missing or a converter's ``to_url``
        raises ValidationError. Other errors (e.g. ``any`` given a value outside its
        items) propagate, in Werkzeug's order: query first, then domain, then path.
        """
        for name in self._required:
            if name not in values:
                return None
        query = self._query(values) if append_unknown else ""
        try:
            domain = self._render(self._domain_ops, values)
            path = self._render(self._url_ops, values)
        except ValidationError:
            return None
        return domain, (f"{path}?{query}" if query else path)

    def build_path(self, values: t.Mapping[str, t.Any], append_unknown: bool = True) -> str | None:
        """Like :meth:`build` but return only the path (``None`` if not buildable)."""
        built = self.build(values, append_unknown)
        return None if built is None else built[1]

    def suitable_for(self, values: t.Mapping[str, t.Any], method: str | None = None) -> bool:
        """Whether ``values`` (and ``method``) are enough to build this rule.

        Every argument needs a value or a default, and a value given for a defaulted
        argument must equal the default.
        """
        if method is not None and self.methods is not None and method not in self.methods:
            return False
        defaults = self.defaults or ()
        for key in self.arguments:
            if key not in defaults and key not in values:
                return False
        if defaults:
            for key, value in defaults.items():  # type: ignore[attr-defined]
                if key in values and value != values[key]:
                    return False
        return True

    def provides_defaults_for(self, rule: Rule) -> bool:
        """Whether this rule is the canonical (defaulted) URL of ``rule``."""
        return bool(
            not self.build_only
            and self.defaults
            and self.endpoint == rule.endpoint
            and self != rule
            and self.arguments == rule.arguments
        )

    def build_compare_key(self) -> tuple[int, int, int]:
        """Sort key for building: non-aliases, more arguments, more defaults first."""
        return (1 if self.alias else 0, -len(self.arguments), -len(self.defaults or ()))

    # -- dunder ---------------------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        return isinstance(other, type(self)) and self._trace == other._trace

    __hash__ = None  # type: ignore[assignment]

    def __str__(self) -> str:
        return self.rule

    def __repr__(self) -> str:
        if self.map is None:
            return f"<{type(self).__name__} (unbound)>"
        text = "".join(f"<{data}>" if dynamic else data for dynamic, data in self._trace)
        methods = f" ({', '.join(sorted(self.methods))})" if self.methods is not None else ""
        return f"<{type(self).__name__} {text.lstrip('|')!r}{methods} -> {self.endpoint}>"


# Defined in ``core/_rule_syntax.py``; this module is their public home.
for _obj in (RulePart, encode_query, parse_converter_args, parse_rule_template):
    _obj.__module__ = __name__
del _obj

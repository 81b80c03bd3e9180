"""URL converters: the typed placeholders of a rule (``<int:id>``, ``<path:rest>``).

A converter contributes three things to a rule: a regex fragment that decides what one
placeholder may match, a ``weight`` that orders overlapping dynamic segments, and the
``to_python`` / ``to_url`` pair used when matching and building. Instances are created
once per rule when the rule is bound to its map, so every argument is resolved at
registration time and matching only runs the precompiled regex and ``to_python``.

Flask parity: same class names, constructor shape ``(map, *args, **kwargs)``, attributes
(``regex``, ``weight``, ``part_isolating``) and behaviour as Werkzeug 3.1, so custom
converters written for Flask work when registered on ``Map.converters``.
"""

from __future__ import annotations

import re
import typing as t
import uuid
from types import MappingProxyType
from urllib.parse import quote

if t.TYPE_CHECKING:
    from veloce.core.router import Map

__all__ = [
    "DEFAULT_CONVERTERS",
    "AnyConverter",
    "BaseConverter",
    "FloatConverter",
    "IntegerConverter",
    "NumberConverter",
    "PathConverter",
    "UUIDConverter",
    "UnicodeConverter",
    "ValidationError",
]

#: Characters left unescaped in a path segment (WHATWG url-path-segment-string).
PATH_SAFE = "!$&'()*+,/:;=@"


class ValidationError(ValueError):
    """Raised by ``to_python`` to say "this value does not match".

    Flask parity: as in Werkzeug, the matched rule is then rejected and the request
    gets a 404 (or 405); other rules are not retried.
    """


class BaseConverter:
    """Base class of all converters; subclass it for custom converters.

    Attributes:
        regex: Regex fragment one placeholder matches (no anchors).
        weight: Ordering key among dynamic segments; lower is tried first.
        part_isolating: ``True`` if a match never spans a ``/``. A subclass that sets a
            ``regex`` containing ``/`` without setting this gets ``False``, like Werkzeug.
    """

    regex = "[^/]+"
    weight = 100
    part_isolating = True

    def __init_subclass__(cls, **kwargs: t.Any) -> None:
        super().__init_subclass__(**kwargs)
        if "regex" in cls.__dict__ and "part_isolating" not in cls.__dict__:
            cls.part_isolating = "/" not in cls.regex

    def __init__(self, map: Map, *args: t.Any, **kwargs: t.Any) -> None:  # noqa: A002
        self.map = map

    def to_python(self, value: str) -> t.Any:
        """Convert the matched text; raise ValidationError to reject the match."""
        return value

    def to_url(self, value: t.Any) -> str:
        """Render ``value`` for a URL path, percent-encoding unsafe characters."""
        return quote(str(value), safe=PATH_SAFE)


class UnicodeConverter(BaseConverter):
    """The default converter (``<name>`` / ``<string:name>``): one segment, no ``/``.

    Args:
        map: The owning map.
        minlength: Minimum length (at least 1).
        maxlength: Maximum length, or ``None`` for unbounded.
        length: Exact length; overrides the other two.
    """

    def __init__(
        self,
        map: Map,  # noqa: A002
        minlength: int = 1,
        maxlength: int | None = None,
        length: int | None = None,
    ) -> None:
        super().__init__(map)
        if length is not None:
            quantifier = f"{{{int(length)}}}"
        else:
            upper = "" if maxlength is None else str(int(maxlength))
            quantifier = f"{{{int(minlength)},{upper}}}"
        self.regex = f"[^/]{quantifier}"


class AnyConverter(BaseConverter):
    """Matches exactly one of the given items: ``<any(about, help, "a,b"):page>``.

    Building validates the value too, raising ``ValueError`` for anything else.
    """

    def __init__(self, map: Map, *items: str) -> None:  # noqa: A002
        super().__init__(map)
        self.items = set(items)
        self.regex = "(?:" + "|".join(re.escape(item) for item in items) + ")"

    def to_url(self, value: t.Any) -> str:
        """Return ``value`` unchanged if it is one of the items, else raise ValueError."""
        if value in self.items:
            return str(value)
        choices = ", ".join(f"'{item}'" for item in sorted(self.items))
        raise ValueError(f"'{value}' is not one of {choices}")


class PathConverter(BaseConverter):
    """Like the default converter but also matches ``/`` (``<path:rest>``).

    It is tried after every segment-bound alternative and consumes the rest of the
    path, so a rule may still have static text after it (``/<path:p>/edit``).
    """

    part_isolating = False
    regex = "[^/].*?"
    weight = 200


class NumberConverter(BaseConverter):
    """Shared logic of ``int`` and ``float``: fixed digits, bounds and sign."""

    weight = 50
    num_convert: t.Callable[[t.Any], t.Any] = int

    def __init__(
        self,
        map: Map,  # noqa: A002
        fixed_digits: int = 0,
        min: int | None = None,  # noqa: A002
        max: int | None = None,  # noqa: A002
        signed: bool = False,
    ) -> None:
        if signed:
            self.regex = self.signed_regex
        super().__init__(map)
        self.fixed_digits = fixed_digits
        self.min = min
        self.max = max
        self.signed = signed

    def to_python(self, value: str) -> t.Any:
        """Convert and range-check; anything out of bounds is "no match"."""
        if self.fixed_digits and len(value) != self.fixed_digits:
            raise ValidationError()
        try:
            number = self.num_convert(value)
        except ValueError as exc:
            raise ValidationError() from exc
        if (self.min is not None and number < self.min) or (
            self.max is not None and number > self.max
        ):
            raise ValidationError()
        return number

    def to_url(self, value: t.Any) -> str:
        """Render the number, zero-padded to ``fixed_digits`` when set."""
        text = str(self.num_convert(value))
        if self.fixed_digits:
            text = text.zfill(self.fixed_digits)
        return text

    @property
    def signed_regex(self) -> str:
        """The class regex with an optional leading minus sign."""
        return f"-?{self.regex}"


class IntegerConverter(NumberConverter):
    """Non-negative integers by default: ``<int:id>``, ``<int(signed=True):n>``.

    Args:
        map: The owning map.
        fixed_digits: Exact number of digits required (``4`` matches ``0001``).
        min: Smallest accepted value.
        max: Largest accepted value.
        signed: Accept a leading ``-``.
    """

    regex = r"\d+"


class FloatConverter(NumberConverter):
    """Decimal numbers with a fraction part: ``<float:ratio>`` matches ``1.5``, not ``1``.

    Args:
        map: The owning map.
        min: Smallest accepted value.
        max: Largest accepted value.
        signed: Accept a leading ``-``.
    """

    regex = r"\d+\.\d+"
    num_convert = float

    def __init__(
        self,
        map: Map,  # noqa: A002
        min: float | None = None,  # noqa: A002
        max: float | None = None,  # noqa: A002
        signed: bool = False,
    ) -> None:
        super().__init__(map, min=min, max=max, signed=signed)  # type: ignore[arg-type]


class UUIDConverter(BaseConverter):
    """A UUID in 8-4-4-4-12 hex form, converted to :class:`uuid.UUID`."""

    regex = (
        r"[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-"
        r"[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}"
    )

    def to_python(self, value: str) -> uuid.UUID:
        """Parse the matched text as a UUID."""
        return uuid.UUID(value)

    def to_url(self, value: uuid.UUID) -> str:
        """Render the canonical lower-case form."""
        return str(value)


#: Converter names every map starts with; ``Map.converters`` is a mutable copy.
DEFAULT_CONVERTERS: t.Mapping[str, type[BaseConverter]] = MappingProxyType(
    {
        "default": UnicodeConverter,
        "string": UnicodeConverter,
        "any": AnyConverter,
        "path": PathConverter,
        "int": IntegerConverter,
        "float": FloatConverter,
        "uuid": UUIDConverter,
    }
)

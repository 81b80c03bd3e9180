r"""Tagged JSON: lossless JSON for the few non-JSON types a session holds.

The signed session cookie stores ``json(tag(value))``. Tagging wraps a value JSON
cannot express in a one-key object whose key names the type::

    (1, 2)                  -> {" t": [1, 2]}
    b"\x00"                 -> {" b": "AA=="}
    Markup("<b>")           -> {" m": "<b>"}
    UUID(...)               -> {" u": "<32 hex digits>"}
    datetime(...)           -> {" d": "Wed, 21 Oct 2015 07:28:00 GMT"}
    {" t": 1} (a real dict) -> {" di": {" t__": 1}}

Flask parity: the wire format, the class names and the extension API
(:class:`JSONTag` subclasses registered with :meth:`TaggedJSONSerializer.register`)
are Flask's, so a cookie written by Flask loads here and the other way round, and a
Flask extension's custom tag works unchanged. JSON text comes from
:func:`veloce.json.dumps`, i.e. the current app's provider inside a context (sorted
keys) and the standard library outside one — the same choice Flask makes, so the
bytes are identical too.

A datetime is stored as an HTTP date: whole seconds, UTC. A naive datetime is taken
as UTC and every datetime loads back aware (UTC), as in Flask.
"""

from __future__ import annotations

import typing as t
from base64 import b64decode, b64encode
from datetime import datetime
from uuid import UUID

from markupsafe import Markup

from veloce.core.dates import http_date, parse_date
from veloce.json import dumps as _dumps
from veloce.json import loads as _loads

__all__ = [
    "JSONTag",
    "PassDict",
    "PassList",
    "TagBytes",
    "TagDateTime",
    "TagDict",
    "TagMarkup",
    "TagTuple",
    "TagUUID",
    "TaggedJSONSerializer",
]

_COMPACT = (",", ":")
# Values of these exact types are already JSON and no built-in tag claims them, so
# ``tag`` can return them without walking the tag order (only while no custom tag is
# registered; a custom tag might claim a str).
_PLAIN_TYPES = frozenset((str, int, float, bool, type(None)))


class JSONTag:
    """One type the serializer knows how to tag; subclass it to add a type.

    A subclass sets :attr:`key` (the one-key object's key; keep the leading space so
    it cannot clash with ordinary data) and overrides :meth:`check`,
    :meth:`to_json` and :meth:`to_python`. The base class claims nothing and converts
    nothing, so an incomplete subclass is inert rather than broken.

    Flask parity: ``flask.json.tag.JSONTag``, same attributes and methods.
    """

    __slots__ = ("serializer",)

    #: The tag's key. Empty for a pass-through tag that only recurses into a
    #: container and never appears on the wire.
    key: str = ""

    def __init__(self, serializer: TaggedJSONSerializer) -> None:
        self.serializer = serializer

    def check(self, value: t.Any) -> bool:
        """Whether this tag handles ``value``."""
        return False

    def to_json(self, value: t.Any) -> t.Any:
        """``value`` as JSON-compatible data, before the tag is wrapped around it."""
        return value

    def to_python(self, value: t.Any) -> t.Any:
        """The Python object for the data found under this tag's key."""
        return value

    def tag(self, value: t.Any) -> t.Any:
        """``value`` converted and wrapped as ``{key: to_json(value)}``."""
        return {self.key: self.to_json(value)}


class TagDict(JSONTag):
    """A one-key dict whose key is a tag name, escaped so it is not read as a tag.

    The key gets a ``__`` suffix on the wire (``{" di": {" t__": ...}}``), which
    loading strips again.
    """

    __slots__ = ()
    key = " di"

    def check(self, value: t.Any) -> bool:
        """A dict with exactly one key, and that key a registered tag."""
        if not isinstance(value, dict) or len(value) != 1:
            return False
        return next(iter(value)) in self.serializer.tags

    def to_json(self, value: t.Any) -> t.Any:
        """The dict with ``__`` appended to its key and its value tagged."""
        ((key, item),) = value.items()
        return {key + "__": self.serializer.tag(item)}

    def to_python(self, value: t.Any) -> t.Any:
        """The dict with the ``__`` suffix removed from its key."""
        ((key, item),) = value.items()
        return {key[:-2]: item}


class PassDict(JSONTag):
    """Any other dict: tag its values (JSON keys are always strings, so not keys)."""

    __slots__ = ()

    def check(self, value: t.Any) -> bool:
        """Any dict."""
        return isinstance(value, dict)

    def to_json(self, value: t.Any) -> t.Any:
        """A dict of the tagged values, itself untagged."""
        tag = self.serializer.tag
        return {k: tag(v) for k, v in value.items()}

    tag = to_json


class TagTuple(JSONTag):
    """A tuple, stored as a list under ``" t"`` so it loads back as a tuple."""

    __slots__ = ()
    key = " t"

    def check(self, value: t.Any) -> bool:
        """Any tuple (named tuples included; they load as plain tuples)."""
        return isinstance(value, tuple)

    def to_json(self, value: t.Any) -> t.Any:
        """A list of the tagged items."""
        tag = self.serializer.tag
        return [tag(item) for item in value]

    def to_python(self, value: t.Any) -> t.Any:
        """The items as a tuple."""
        return tuple(value)


class PassList(JSONTag):
    """A list: tag its items."""

    __slots__ = ()

    def check(self, value: t.Any) -> bool:
        """Any list."""
        return isinstance(value, list)

    def to_json(self, value: t.Any) -> t.Any:
        """A list of the tagged items, itself untagged."""
        tag = self.serializer.tag
        return [tag(item) for item in value]

    tag = to_json


class TagBytes(JSONTag):
    """Bytes, as standard base64 under ``" b"``."""

    __slots__ = ()
    key = " b"

    def check(self, value: t.Any) -> bool:
        """Any bytes object."""
        return isinstance(value, bytes)

    def to_json(self, value: t.Any) -> t.Any:
        """Standard (not URL-safe) base64 text."""
        return b64encode(value).decode("ascii")

    def to_python(self, value: t.Any) -> t.Any:
        """The decoded bytes."""
        return b64decode(value)


class TagMarkup(JSONTag):
    """Anything with ``__html__``, stored as that HTML; always loads as ``Markup``."""

    __slots__ = ()
    key = " m"

    def check(self, value: t.Any) -> bool:
        """Any object with a callable ``__html__``."""
        return callable(getattr(value, "__html__", None))

    def to_json(self, value: t.Any) -> t.Any:
        """The object's ``__html__()`` as a plain str."""
        return str(value.__html__())

    def to_python(self, value: t.Any) -> t.Any:
        """The HTML as ``Markup``."""
        return Markup(value)


class TagUUID(JSONTag):
    """A UUID, as its 32 hex digits under ``" u"``."""

    __slots__ = ()
    key = " u"

    def check(self, value: t.Any) -> bool:
        """Any ``uuid.UUID``."""
        return isinstance(value, UUID)

    def to_json(self, value: t.Any) -> t.Any:
        """The 32 lower-case hex digits."""
        return value.hex

    def to_python(self, value: t.Any) -> t.Any:
        """The ``UUID`` for the hex digits."""
        return UUID(value)


class TagDateTime(JSONTag):
    """A datetime, as an HTTP date under ``" d"`` (whole seconds, UTC)."""

    __slots__ = ()
    key = " d"

    def check(self, value: t.Any) -> bool:
        """Any ``datetime`` (not a bare ``date``)."""
        return isinstance(value, datetime)

    def to_json(self, value: t.Any) -> t.Any:
        """The HTTP date; naive means UTC, microseconds are dropped."""
        return http_date(value)

    def to_python(self, value: t.Any) -> t.Any:
        """An aware UTC datetime (``None`` for an unparsable date, as in Flask)."""
        return parse_date(value)


_BUILTIN_TAGS: tuple[type[JSONTag], ...] = (
    TagDict,
    PassDict,
    TagTuple,
    PassList,
    TagBytes,
    TagMarkup,
    TagUUID,
    TagDateTime,
)


class TaggedJSONSerializer:
    """Serializer for ``itsdangerous``: compact JSON of the tagged value.

    Supports dict, list, tuple, bytes, ``Markup`` (anything with ``__html__``),
    UUID and datetime on top of JSON's own types; :meth:`register` adds more.

    Flask parity: ``flask.json.tag.TaggedJSONSerializer`` — same ``tags`` (key ->
    tag instance), ``order`` (tags tried in turn by :meth:`tag`), ``default_tags``,
    ``register``, ``tag``, ``untag``, ``dumps`` and ``loads``; byte-identical output.
    """

    __slots__ = ("tags", "order", "_plain_fast_path")

    #: Tag classes bound at construction, in the order :meth:`tag` tries them.
    default_tags: t.ClassVar[list[type[JSONTag]]] = list(_BUILTIN_TAGS)

    def __init__(self) -> None:
        self.tags: dict[str, JSONTag] = {}
        self.order: list[JSONTag] = []
        self._plain_fast_path = True
        for cls in self.default_tags:
            self.register(cls)

    def register(
        self, tag_class: type[JSONTag], force: bool = False, index: int | None = None
    ) -> None:
        """Bind ``tag_class`` to this serializer.

        Args:
            tag_class: The tag to add; it is instantiated with this serializer.
            force: Replace a tag already registered under the same key.
            index: Position in the order (a special case of an existing tag, such as
                an ``OrderedDict`` tag before the dict tags, goes first); ``None``
                appends.

        Raises:
            KeyError: the key is taken and ``force`` is false.
        """
        tag = tag_class(self)
        key = tag.key
        if key:
            if key in self.tags and not force:
                raise KeyError(f"Tag '{key}' is already registered.")
            self.tags[key] = tag
        if index is None:
            self.order.append(tag)
        else:
            self.order.insert(index, tag)
        if tag_class not in _BUILTIN_TAGS:
            self._plain_fast_path = False

    def tag(self, value: t.Any) -> t.Any:
        """``value`` in its tagged, JSON-compatible form (recursively)."""
        if self._plain_fast_path and type(value) in _PLAIN_TYPES:
            return value
        for tag in self.order:
            if tag.check(value):
                return tag.tag(value)
        return value

    def untag(self, value: dict[str, t.Any]) -> t.Any:
        """The Python object for a tagged one-key dict; other dicts come back as is."""
        if len(value) != 1:
            return value
        key = next(iter(value))
        tag = self.tags.get(key)
        if tag is None:
            return value
        return tag.to_python(value[key])

    def _untag_scan(self, value: t.Any) -> t.Any:
        # Inner values first: a tag's to_python receives already-restored children.
        if isinstance(value, dict):
            scan = self._untag_scan
            return self.untag({k: scan(v) for k, v in value.items()})
        if isinstance(value, list):
            scan = self._untag_scan
            return [scan(item) for item in value]
        return value

    def dumps(self, value: t.Any) -> str:
        """Tag ``value`` and serialize it as compact JSON."""
        return _dumps(self.tag(value), separators=_COMPACT)

    def loads(self, value: str | bytes) -> t.Any:
        """Parse JSON text and restore every tagged value in it."""
        return self._untag_scan(_loads(value))

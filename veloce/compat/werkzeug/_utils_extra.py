"""Smaller ``werkzeug.utils`` helpers: dict-backed properties, content types, module
discovery and the append-slash redirect."""

from __future__ import annotations

import abc
import importlib
import pkgutil
import typing as t

from veloce.core.response import redirect

if t.TYPE_CHECKING:
    from collections.abc import Iterator

    from veloce.core.response import Response

__all__ = [
    "append_slash_redirect",
    "environ_property",
    "find_modules",
    "get_content_type",
    "header_property",
]

_CHARSET_MIMETYPES = frozenset(
    {
        "application/ecmascript",
        "application/javascript",
        "application/sql",
        "application/xml",
        "application/xml-dtd",
        "application/xml-external-parsed-entity",
    }
)


def get_content_type(mimetype: str, charset: str) -> str:
    """``mimetype`` with ``; charset=...`` added when it is a text type.

    Text types are ``text/*``, the XML/JavaScript/SQL ``application/`` types and any
    ``*+xml`` type.
    """
    if (
        mimetype.startswith("text/")
        or mimetype in _CHARSET_MIMETYPES
        or mimetype.endswith("+xml")
    ):
        mimetype += f"; charset={charset}"
    return mimetype


class _DictAccessorProperty(abc.ABC):
    """An attribute stored under ``name`` in a dict the owner exposes (see ``lookup``).

    A missing key reads as ``default``; ``load_func`` converts on read (a ``ValueError``
    or ``TypeError`` gives ``default``) and ``dump_func`` on write.
    """

    read_only = False

    def __init__(
        self,
        name: str,
        default: t.Any = None,
        load_func: t.Callable[[t.Any], t.Any] | None = None,
        dump_func: t.Callable[[t.Any], t.Any] | None = None,
        read_only: bool | None = None,
        doc: str | None = None,
    ) -> None:
        self.name = name
        self.default = default
        self.load_func = load_func
        self.dump_func = dump_func
        if read_only is not None:
            self.read_only = read_only
        self.__doc__ = doc

    @abc.abstractmethod
    def lookup(self, instance: t.Any) -> t.MutableMapping[str, t.Any]:
        """The dict (environ, headers) of ``instance`` the property reads and writes."""

    def __get__(self, instance: t.Any, owner: type | None = None) -> t.Any:
        if instance is None:
            return self
        storage = self.lookup(instance)
        if self.name not in storage:
            return self.default
        value = storage[self.name]
        if self.load_func is not None:
            try:
                return self.load_func(value)
            except (ValueError, TypeError):
                return self.default
        return value

    def __set__(self, instance: t.Any, value: t.Any) -> None:
        if self.read_only:
            raise AttributeError("read only property")
        if self.dump_func is not None:
            value = self.dump_func(value)
        self.lookup(instance)[self.name] = value

    def __delete__(self, instance: t.Any) -> None:
        if self.read_only:
            raise AttributeError("read only property")
        self.lookup(instance).pop(self.name, None)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"


class environ_property(_DictAccessorProperty):  # noqa: N801 - Werkzeug's name
    """A read-only (by default) attribute backed by ``self.environ[name]``."""

    read_only = True

    def lookup(self, instance: t.Any) -> t.MutableMapping[str, t.Any]:
        return instance.environ  # type: ignore[no-any-return]


class header_property(_DictAccessorProperty):  # noqa: N801 - Werkzeug's name
    """An attribute backed by the header ``name`` of ``self.headers``."""

    def lookup(self, instance: t.Any) -> t.MutableMapping[str, t.Any]:
        return instance.headers  # type: ignore[no-any-return]


def find_modules(
    import_path: str, include_packages: bool = False, recursive: bool = False
) -> Iterator[str]:
    """Yield the dotted names of the modules in package ``import_path``.

    Raises:
        ValueError: ``import_path`` is a module, not a package.
    """
    module = importlib.import_module(import_path)
    path = getattr(module, "__path__", None)
    if path is None:
        raise ValueError(f"{import_path!r} is not a package")
    for _finder, name, is_package in pkgutil.iter_modules(path):
        dotted = f"{module.__name__}.{name}"
        if is_package:
            if include_packages:
                yield dotted
            if recursive:
                yield from find_modules(dotted, include_packages, True)
        else:
            yield dotted


def append_slash_redirect(environ: t.Mapping[str, t.Any], code: int = 308) -> Response:
    """Redirect to the request path with a trailing slash, relative to the last segment.

    ``environ`` is a WSGI environ (``PATH_INFO``, ``QUERY_STRING``) or an ASGI scope.
    """
    if "PATH_INFO" in environ:
        path, query = environ["PATH_INFO"], environ.get("QUERY_STRING", "")
    else:
        path = environ.get("path", "")
        query = environ.get("query_string", b"").decode("latin-1")
    tail = path.rpartition("/")[2]
    target = f"{tail}/" if tail else "./"
    if query:
        target = f"{target}?{query}"
    return redirect(target, code)

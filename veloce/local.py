"""LocalProxy: an object that forwards everything to whatever a getter returns now.

``request``, ``g``, ``current_app`` and ``session`` are proxies whose getter reads the
one context ContextVar, so they resolve per task and per worker thread. Attribute
access goes through ``__getattr__`` (only reached for names the proxy itself lacks),
and the operator dunders are forwarded explicitly, since Python looks those up on
the type.

Flask parity: ``_get_current_object()``, ``bool()``, ``repr()``, item access,
iteration, comparisons and ``isinstance`` checks through ``__class__`` behave as with
Werkzeug's LocalProxy.
"""

from __future__ import annotations

import operator
import typing as t

__all__ = ["LocalProxy"]

T_obj = t.TypeVar("T_obj")


def _forward(op: t.Callable[..., t.Any]) -> t.Any:
    def method(self: LocalProxy[t.Any], *args: t.Any) -> t.Any:
        return op(object.__getattribute__(self, "_get_current_object")(), *args)

    method.__name__ = getattr(op, "__name__", "forward")
    return method


def _reflected(op: t.Callable[..., t.Any]) -> t.Any:
    def method(self: LocalProxy[t.Any], other: t.Any) -> t.Any:
        return op(other, object.__getattribute__(self, "_get_current_object")())

    return method


class LocalProxy(t.Generic[T_obj]):
    """Forward to ``getter()`` on every use.

    Args:
        getter: returns the current object or raises ``RuntimeError`` when there is
            none (the message says which context is missing).
        name: optional attribute to read off the getter's result.
    """

    __slots__ = ("_getter", "__wrapped__")

    def __init__(self, getter: t.Callable[[], t.Any], name: str | None = None) -> None:
        if name is not None:
            inner = getter
            getter = lambda: getattr(inner(), name)  # noqa: E731 - built once at import
        object.__setattr__(self, "_getter", getter)
        object.__setattr__(self, "__wrapped__", getter)

    def _get_current_object(self) -> T_obj:
        """The real object behind the proxy right now."""
        return object.__getattribute__(self, "_getter")()  # type: ignore[no-any-return]

    def __getattr__(self, name: str) -> t.Any:
        return getattr(object.__getattribute__(self, "_getter")(), name)

    def __setattr__(self, name: str, value: t.Any) -> None:
        setattr(object.__getattribute__(self, "_getter")(), name, value)

    def __delattr__(self, name: str) -> None:
        delattr(object.__getattribute__(self, "_getter")(), name)

    def __repr__(self) -> str:
        try:
            obj = self._get_current_object()
        except RuntimeError:
            return f"<{type(self).__name__} unbound>"
        return repr(obj)

    def __bool__(self) -> bool:
        try:
            return bool(self._get_current_object())
        except RuntimeError:
            return False

    def __dir__(self) -> list[str]:
        try:
            return dir(self._get_current_object())
        except RuntimeError:
            return []

    @property
    def __class__(self) -> type:  # type: ignore[override]
        try:
            return type(self._get_current_object())
        except RuntimeError:
            return type(self)

    @property
    def __doc__(self) -> str | None:  # type: ignore[override]
        try:
            return self._get_current_object().__doc__
        except RuntimeError:
            return type(self).__dict__.get("_doc")

    __str__ = _forward(str)
    __bytes__ = _forward(bytes)
    __format__ = _forward(format)
    __hash__ = _forward(hash)  # type: ignore[assignment]
    __eq__ = _forward(operator.eq)  # type: ignore[assignment]
    __ne__ = _forward(operator.ne)  # type: ignore[assignment]
    __lt__ = _forward(operator.lt)
    __le__ = _forward(operator.le)
    __gt__ = _forward(operator.gt)
    __ge__ = _forward(operator.ge)
    __call__ = _forward(lambda obj, *a, **k: obj(*a, **k))
    __len__ = _forward(len)
    __length_hint__ = _forward(operator.length_hint)
    __getitem__ = _forward(operator.getitem)
    __setitem__ = _forward(operator.setitem)
    __delitem__ = _forward(operator.delitem)
    __iter__ = _forward(iter)
    __next__ = _forward(next)
    __reversed__ = _forward(reversed)
    __contains__ = _forward(operator.contains)
    __enter__ = _forward(lambda obj: obj.__enter__())
    __exit__ = _forward(lambda obj, *a: obj.__exit__(*a))
    __await__ = _forward(lambda obj: obj.__await__())
    __aiter__ = _forward(lambda obj: obj.__aiter__())
    __anext__ = _forward(lambda obj: obj.__anext__())
    __add__ = _forward(operator.add)
    __sub__ = _forward(operator.sub)
    __mul__ = _forward(operator.mul)
    __matmul__ = _forward(operator.matmul)
    __truediv__ = _forward(operator.truediv)
    __floordiv__ = _forward(operator.floordiv)
    __mod__ = _forward(operator.mod)
    __pow__ = _forward(operator.pow)
    __lshift__ = _forward(operator.lshift)
    __rshift__ = _forward(operator.rshift)
    __and__ = _forward(operator.and_)
    __xor__ = _forward(operator.xor)
    __or__ = _forward(operator.or_)
    __radd__ = _reflected(operator.add)
    __rsub__ = _reflected(operator.sub)
    __rmul__ = _reflected(operator.mul)
    __rtruediv__ = _reflected(operator.truediv)
    __rfloordiv__ = _reflected(operator.floordiv)
    __rmod__ = _reflected(operator.mod)
    __ror__ = _reflected(operator.or_)
    __rand__ = _reflected(operator.and_)
    __neg__ = _forward(operator.neg)
    __pos__ = _forward(operator.pos)
    __abs__ = _forward(abs)
    __invert__ = _forward(operator.invert)
    __int__ = _forward(int)
    __float__ = _forward(float)
    __index__ = _forward(operator.index)
    __round__ = _forward(round)
    __copy__ = _forward(lambda obj: __import__("copy").copy(obj))
    __deepcopy__ = _forward(lambda obj, memo: __import__("copy").deepcopy(obj, memo))

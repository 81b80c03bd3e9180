"""``werkzeug.local``: ``LocalProxy``, which extensions use for their own globals.

Flask-Login's ``current_user`` is ``LocalProxy(lambda: _get_user())``; other extensions
wrap a ``ContextVar``. Both forms resolve through Veloce's :class:`veloce.local.LocalProxy`,
so such a proxy behaves exactly like ``request`` or ``g`` (per task and per worker
thread). Werkzeug's ``Local``/``LocalStack`` (thread-local storage) are not provided:
Veloce's state lives in context variables (migration-guide/differences.md).
"""

from __future__ import annotations

import contextvars
import typing as t

from veloce.local import LocalProxy as _LocalProxy

__all__ = ["LocalProxy"]

_UNBOUND = "object is not bound"


class LocalProxy(_LocalProxy[t.Any]):
    """Werkzeug's constructor over Veloce's proxy.

    Args:
        local: a callable returning the object, or a ``ContextVar`` holding it.
        name: optional attribute to read off that object.
        unbound_message: the ``RuntimeError`` message when the ``ContextVar`` is unset.

    Raises:
        TypeError: ``local`` is a Werkzeug ``Local``/``LocalStack`` or anything else
            that is neither callable nor a ``ContextVar``.
    """

    __slots__ = ()

    def __init__(
        self,
        local: t.Callable[[], t.Any] | contextvars.ContextVar[t.Any],
        name: str | None = None,
        *,
        unbound_message: str | None = None,
    ) -> None:
        if isinstance(local, contextvars.ContextVar):
            var, message = local, unbound_message or _UNBOUND

            def getter() -> t.Any:
                try:
                    return var.get()
                except LookupError:
                    raise RuntimeError(message) from None

        elif callable(local):
            getter = local
        else:
            raise TypeError(
                f"LocalProxy needs a callable or a ContextVar, not {type(local).__name__}"
                " (werkzeug.local.Local/LocalStack are not provided by Veloce)"
            )
        super().__init__(getter, name)

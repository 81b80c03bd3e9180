"""Public type aliases for views, hooks and their return values (Flask's names)."""

from __future__ import annotations

import typing as t

if t.TYPE_CHECKING:
    from veloce.core.response import Response

__all__ = [
    "AfterRequestCallable",
    "BeforeRequestCallable",
    "ErrorHandlerCallable",
    "HeadersValue",
    "ResponseReturnValue",
    "ResponseValue",
    "RouteCallable",
    "StatusCode",
    "TeardownCallable",
]

# A string forward reference cannot take part in a runtime ``X | Y`` union, so this alias
# keeps ``t.Union``; the others are built on it with ``|``.
ResponseValue = t.Union[  # noqa: UP007
    "Response",
    str,
    bytes,
    list[t.Any],
    t.Mapping[str, t.Any],
    t.Iterator[str],
    t.Iterator[bytes],
    t.AsyncIterator[str],
    t.AsyncIterator[bytes],
]
HeaderValue = str | list[str] | tuple[str, ...]
HeadersValue = t.Mapping[str, HeaderValue] | t.Sequence[tuple[str, HeaderValue]]
StatusCode = int | str
ResponseReturnValue = (
    ResponseValue
    | tuple[ResponseValue, HeadersValue]
    | tuple[ResponseValue, StatusCode]
    | tuple[ResponseValue, StatusCode, HeadersValue]
)
RouteCallable = (
    t.Callable[..., ResponseReturnValue] | t.Callable[..., t.Awaitable[ResponseReturnValue]]
)
BeforeRequestCallable = (
    t.Callable[[], ResponseReturnValue | None]
    | t.Callable[[], t.Awaitable[ResponseReturnValue | None]]
)
AfterRequestCallable = t.Callable[[t.Any], t.Any] | t.Callable[[t.Any], t.Awaitable[t.Any]]
TeardownCallable = (
    t.Callable[[BaseException | None], None]
    | t.Callable[[BaseException | None], t.Awaitable[None]]
)
ErrorHandlerCallable = (
    t.Callable[[t.Any], ResponseReturnValue]
    | t.Callable[[t.Any], t.Awaitable[ResponseReturnValue]]
)

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

ResponseValue = t.Union[
    "Response",
    str,
    bytes,
    t.List[t.Any],
    t.Mapping[str, t.Any],
    t.Iterator[str],
    t.Iterator[bytes],
    t.AsyncIterator[str],
    t.AsyncIterator[bytes],
]
HeaderValue = t.Union[str, t.List[str], t.Tuple[str, ...]]
HeadersValue = t.Union[
    t.Mapping[str, HeaderValue], t.Sequence[t.Tuple[str, HeaderValue]]
]
StatusCode = t.Union[int, str]
ResponseReturnValue = t.Union[
    ResponseValue,
    t.Tuple[ResponseValue, HeadersValue],
    t.Tuple[ResponseValue, StatusCode],
    t.Tuple[ResponseValue, StatusCode, HeadersValue],
]
RouteCallable = t.Union[
    t.Callable[..., ResponseReturnValue],
    t.Callable[..., t.Awaitable[ResponseReturnValue]],
]
BeforeRequestCallable = t.Union[
    t.Callable[[], t.Optional[ResponseReturnValue]],
    t.Callable[[], t.Awaitable[t.Optional[ResponseReturnValue]]],
]
AfterRequestCallable = t.Union[
    t.Callable[[t.Any], t.Any], t.Callable[[t.Any], t.Awaitable[t.Any]]
]
TeardownCallable = t.Union[
    t.Callable[[t.Optional[BaseException]], None],
    t.Callable[[t.Optional[BaseException]], t.Awaitable[None]],
]
ErrorHandlerCallable = t.Union[
    t.Callable[[t.Any], ResponseReturnValue],
    t.Callable[[t.Any], t.Awaitable[ResponseReturnValue]],
]

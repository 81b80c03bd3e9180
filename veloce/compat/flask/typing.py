"""``flask.typing``: callable and return-value aliases.

The aliases Veloce's own API uses come from :mod:`veloce.typing`; the rest (template,
shell and URL-processor callables) are defined here with Flask's shapes, so annotations
written against ``flask.typing`` type-check unchanged.
"""

from __future__ import annotations

import typing as t

from veloce.typing import AfterRequestCallable as AfterRequestCallable
from veloce.typing import BeforeRequestCallable as BeforeRequestCallable
from veloce.typing import ErrorHandlerCallable as ErrorHandlerCallable
from veloce.typing import HeadersValue as HeadersValue
from veloce.typing import HeaderValue as HeaderValue
from veloce.typing import ResponseReturnValue as ResponseReturnValue
from veloce.typing import ResponseValue as ResponseValue
from veloce.typing import RouteCallable as RouteCallable
from veloce.typing import StatusCode as StatusCode
from veloce.typing import TeardownCallable as TeardownCallable

if t.TYPE_CHECKING:
    from veloce.core.response import Response

__all__ = [
    "AfterRequestCallable",
    "AppOrBlueprintKey",
    "BeforeFirstRequestCallable",
    "BeforeRequestCallable",
    "ErrorHandlerCallable",
    "HeaderValue",
    "HeadersValue",
    "ResponseClass",
    "ResponseReturnValue",
    "ResponseValue",
    "RouteCallable",
    "ShellContextProcessorCallable",
    "StatusCode",
    "TeardownCallable",
    "TemplateContextProcessorCallable",
    "TemplateFilterCallable",
    "TemplateGlobalCallable",
    "TemplateTestCallable",
    "URLDefaultCallable",
    "URLValuePreprocessorCallable",
]

#: A response type, for callables that hand back the response they were given.
ResponseClass = t.TypeVar("ResponseClass", bound="Response")
#: Hook registries key the app's own hooks under ``None`` and a blueprint's by its name.
AppOrBlueprintKey = str | None
BeforeFirstRequestCallable = t.Callable[[], None] | t.Callable[[], t.Awaitable[None]]
ShellContextProcessorCallable = t.Callable[[], dict[str, t.Any]]
TemplateContextProcessorCallable = (
    t.Callable[[], dict[str, t.Any]] | t.Callable[[], t.Awaitable[dict[str, t.Any]]]
)
TemplateFilterCallable = t.Callable[..., t.Any]
TemplateGlobalCallable = t.Callable[..., t.Any]
TemplateTestCallable = t.Callable[..., bool]
URLDefaultCallable = t.Callable[[str, dict[str, t.Any]], None]
URLValuePreprocessorCallable = t.Callable[[str | None, dict[str, t.Any] | None], None]

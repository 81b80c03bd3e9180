"""``flask.typing``: callable and return-value aliases."""

from veloce.typing import AfterRequestCallable as AfterRequestCallable
from veloce.typing import BeforeRequestCallable as BeforeRequestCallable
from veloce.typing import ErrorHandlerCallable as ErrorHandlerCallable
from veloce.typing import HeadersValue as HeadersValue
from veloce.typing import ResponseReturnValue as ResponseReturnValue
from veloce.typing import ResponseValue as ResponseValue
from veloce.typing import RouteCallable as RouteCallable
from veloce.typing import StatusCode as StatusCode
from veloce.typing import TeardownCallable as TeardownCallable

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

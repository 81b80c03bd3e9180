"""``flask.ctx``: contexts and context helpers."""

from veloce.ctx import AppContext as AppContext
from veloce.ctx import RequestContext as RequestContext
from veloce.ctx import _AppCtxGlobals as _AppCtxGlobals
from veloce.ctx import after_this_request as after_this_request
from veloce.ctx import copy_current_request_context as copy_current_request_context
from veloce.ctx import has_app_context as has_app_context
from veloce.ctx import has_request_context as has_request_context

__all__ = [
    "AppContext",
    "RequestContext",
    "after_this_request",
    "copy_current_request_context",
    "has_app_context",
    "has_request_context",
]

"""``flask.globals``: the context proxies."""

from veloce.globals import app_ctx as app_ctx
from veloce.globals import current_app as current_app
from veloce.globals import g as g
from veloce.globals import request as request
from veloce.globals import request_ctx as request_ctx
from veloce.globals import session as session

__all__ = ["app_ctx", "current_app", "g", "request", "request_ctx", "session"]

"""Veloce: Flask's API on a fast async ASGI core.

Basic usage::

    from veloce import Veloce, request

    app = Veloce(__name__)

    @app.route("/")
    def index():
        return {"hello": request.args.get("name", "world")}

Serve it with ``uvicorn module:app``; test it with ``app.test_client()``.
"""

from .app import Veloce as Veloce
from .blueprints import Blueprint as Blueprint
from .config import Config as Config
from .core.datastructures import URL as URL
from .core.datastructures import AcceptHeader as AcceptHeader
from .core.datastructures import Authorization as Authorization
from .core.datastructures import FormData as FormData
from .core.datastructures import Headers as Headers
from .core.datastructures import RangeSpec as RangeSpec
from .core.datastructures import UploadFile as UploadFile
from .core.exceptions import BuildError as BuildError
from .core.exceptions import HTTPException as HTTPException
from .core.exceptions import RequestValidationError as RequestValidationError
from .core.exceptions import ValidationError as ValidationError
from .core.exceptions import WebSocketDisconnect as WebSocketDisconnect
from .core.exceptions import WebSocketException as WebSocketException
from .core.exceptions import WebSocketRequestValidationError as WebSocketRequestValidationError
from .core.exceptions import abort as abort
from .core.filenames import safe_join as safe_join
from .core.filenames import secure_filename as secure_filename
from .core.files import FileResponse as FileResponse
from .core.plan import nonblocking as nonblocking
from .core.request import Request as Request
from .core.response import Response as Response
from .core.responses import HTMLResponse as HTMLResponse
from .core.responses import JSONResponse as JSONResponse
from .core.responses import ORJSONResponse as ORJSONResponse
from .core.responses import PlainTextResponse as PlainTextResponse
from .core.responses import RedirectResponse as RedirectResponse
from .core.responses import StreamingResponse as StreamingResponse
from .core.responses import UJSONResponse as UJSONResponse
from .core.websockets import WebSocket as WebSocket
from .ctx import after_this_request as after_this_request
from .ctx import copy_current_request_context as copy_current_request_context
from .ctx import has_app_context as has_app_context
from .ctx import has_request_context as has_request_context
from .flashing import flash as flash
from .flashing import get_flashed_messages as get_flashed_messages
from .globals import current_app as current_app
from .globals import g as g
from .globals import request as request
from .globals import session as session
from .helpers import make_response as make_response
from .helpers import redirect as redirect
from .helpers import url_for as url_for
from .html import Markup as Markup
from .html import escape as escape
from .json import jsonify as jsonify
from .middleware.base import BaseHTTPMiddleware as BaseHTTPMiddleware
from .middleware.base import Middleware as Middleware
from .middleware.proxy_fix import ProxyFix as ProxyFix
from .middleware.sessions import ServerSessionMiddleware as ServerSessionMiddleware
from .middleware.sessions import SessionMiddleware as SessionMiddleware
from .middleware.ws_origin import WebSocketOriginMiddleware as WebSocketOriginMiddleware
from .security.passwords import constant_time_compare as constant_time_compare
from .security.passwords import hash_password as hash_password
from .security.passwords import hash_password_async as hash_password_async
from .security.passwords import is_strong_password as is_strong_password
from .security.passwords import verify_password as verify_password
from .security.passwords import verify_password_async as verify_password_async
from .security.signing import BadData as BadData
from .security.signing import BadSignature as BadSignature
from .security.signing import BadTimeSignature as BadTimeSignature
from .security.signing import Signer as Signer
from .sending import send_file as send_file
from .sending import send_from_directory as send_from_directory
from .sessions import Session as Session
from .staticfiles import StaticFiles as StaticFiles
from .stores.base import SessionStore as SessionStore
from .stores.memory import InMemorySessionStore as InMemorySessionStore
from .streaming import stream_with_context as stream_with_context
from .templating import Jinja2Templates as Jinja2Templates
from .templating import get_template_attribute as get_template_attribute
from .templating import render_template as render_template
from .templating import render_template_string as render_template_string
from .templating import stream_template as stream_template
from .templating import stream_template_string as stream_template_string
from .views import MethodView as MethodView
from .views import View as View

__version__ = "0.1.0"

_LAZY = {
    "TestClient": "veloce.testing",
    "AsyncTestClient": "veloce.testing",
}


def __getattr__(name: str) -> object:
    """Import rarely needed public names (the test clients) on first use."""
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'veloce' has no attribute {name!r}")
    import importlib
    import sys

    value = getattr(importlib.import_module(module_name), name)
    # ``globals`` here is the ``veloce.globals`` submodule (importing it binds the name
    # on the package), so cache through the module object instead.
    setattr(sys.modules[__name__], name, value)
    return value

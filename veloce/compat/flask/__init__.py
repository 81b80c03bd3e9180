"""Veloce's stand-in for the ``flask`` package.

``from veloce.compat.flask import Flask, request`` works directly; after
``veloce.compat.install()`` so does ``from flask import Flask, request``. Names of
Flask features Veloce has not built yet are absent (they raise ImportError), never
stubbed; ``migration-guide/differences.md`` lists them.
"""

from veloce.config import Config as Config
from veloce.core.exceptions import abort as abort
from veloce.ctx import after_this_request as after_this_request
from veloce.ctx import copy_current_request_context as copy_current_request_context
from veloce.ctx import has_app_context as has_app_context
from veloce.ctx import has_request_context as has_request_context
from veloce.globals import current_app as current_app
from veloce.globals import g as g
from veloce.globals import request as request
from veloce.globals import session as session
from veloce.flashing import flash as flash
from veloce.flashing import get_flashed_messages as get_flashed_messages
from veloce.streaming import stream_with_context as stream_with_context
from veloce.helpers import make_response as make_response
from veloce.helpers import redirect as redirect
from veloce.helpers import url_for as url_for
from veloce.json import jsonify as jsonify

from . import json as json
from .app import Flask as Flask
from .blueprints import Blueprint as Blueprint
from .wrappers import Request as Request
from .wrappers import Response as Response

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
from veloce.flashing import flash as flash
from veloce.flashing import get_flashed_messages as get_flashed_messages
from veloce.globals import current_app as current_app
from veloce.globals import g as g
from veloce.globals import request as request
from veloce.globals import session as session
from veloce.helpers import make_response as make_response
from veloce.helpers import redirect as redirect
from veloce.helpers import url_for as url_for
from veloce.json import jsonify as jsonify
from veloce.sending import send_file as send_file
from veloce.sending import send_from_directory as send_from_directory
from veloce.signals import appcontext_popped as appcontext_popped
from veloce.signals import appcontext_pushed as appcontext_pushed
from veloce.signals import appcontext_tearing_down as appcontext_tearing_down
from veloce.signals import before_render_template as before_render_template
from veloce.signals import got_request_exception as got_request_exception
from veloce.signals import message_flashed as message_flashed
from veloce.signals import request_finished as request_finished
from veloce.signals import request_started as request_started
from veloce.signals import request_tearing_down as request_tearing_down
from veloce.signals import template_rendered as template_rendered
from veloce.streaming import stream_with_context as stream_with_context
from veloce.templating import get_template_attribute as get_template_attribute
from veloce.templating import render_template as render_template
from veloce.templating import render_template_string as render_template_string
from veloce.templating import stream_template as stream_template
from veloce.templating import stream_template_string as stream_template_string

from . import json as json
from .app import Flask as Flask
from .blueprints import Blueprint as Blueprint
from .wrappers import Request as Request
from .wrappers import Response as Response

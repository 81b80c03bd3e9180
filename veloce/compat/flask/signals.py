"""``flask.signals``: the same blinker signal objects as :mod:`veloce.signals`.

Receivers connected through ``flask.signals`` (or ``from flask import
template_rendered``) and through ``veloce.signals`` are connected to one signal.
"""

from blinker import Namespace as Namespace

from veloce.signals import _signals as _signals
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

__all__ = [
    "Namespace",
    "appcontext_popped",
    "appcontext_pushed",
    "appcontext_tearing_down",
    "before_render_template",
    "got_request_exception",
    "message_flashed",
    "request_finished",
    "request_started",
    "request_tearing_down",
    "template_rendered",
]

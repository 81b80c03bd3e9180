"""``flask.templating``: the Jinja environment, loader and render helpers."""

from veloce.templating import DispatchingJinjaLoader as DispatchingJinjaLoader
from veloce.templating import Environment as Environment
from veloce.templating import render_template as render_template
from veloce.templating import render_template_string as render_template_string
from veloce.templating import stream_template as stream_template
from veloce.templating import stream_template_string as stream_template_string

__all__ = [
    "DispatchingJinjaLoader",
    "Environment",
    "render_template",
    "render_template_string",
    "stream_template",
    "stream_template_string",
]

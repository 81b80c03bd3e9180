"""``werkzeug.routing``: rules, the map, converters and routing exceptions."""

from veloce.core.converters import AnyConverter as AnyConverter
from veloce.core.converters import BaseConverter as BaseConverter
from veloce.core.converters import FloatConverter as FloatConverter
from veloce.core.converters import IntegerConverter as IntegerConverter
from veloce.core.converters import PathConverter as PathConverter
from veloce.core.converters import UnicodeConverter as UnicodeConverter
from veloce.core.converters import UUIDConverter as UUIDConverter
from veloce.core.converters import ValidationError as ValidationError
from veloce.core.exceptions import BuildError as BuildError
from veloce.core.exceptions import RequestRedirect as RequestRedirect
from veloce.core.exceptions import RoutingException as RoutingException
from veloce.core.router import Map as Map
from veloce.core.rules import Rule as Rule

__all__ = [
    "AnyConverter",
    "BaseConverter",
    "BuildError",
    "FloatConverter",
    "IntegerConverter",
    "Map",
    "PathConverter",
    "RequestRedirect",
    "RoutingException",
    "Rule",
    "UUIDConverter",
    "UnicodeConverter",
    "ValidationError",
]

"""``werkzeug.routing``: rules, rule factories, the map, converters and routing exceptions."""

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
from veloce.core.hosts import MapAdapter as MapAdapter
from veloce.core.router import Map as Map
from veloce.core.router import WebsocketMismatch as WebsocketMismatch
from veloce.core.rules import Rule as Rule
from veloce.core.rules import parse_converter_args as parse_converter_args

from ._rule_factories import EndpointPrefix as EndpointPrefix
from ._rule_factories import RuleFactory as RuleFactory
from ._rule_factories import RuleTemplate as RuleTemplate
from ._rule_factories import RuleTemplateFactory as RuleTemplateFactory
from ._rule_factories import Subdomain as Subdomain
from ._rule_factories import Submount as Submount

__all__ = [
    "AnyConverter",
    "BaseConverter",
    "BuildError",
    "EndpointPrefix",
    "FloatConverter",
    "IntegerConverter",
    "Map",
    "MapAdapter",
    "PathConverter",
    "RequestRedirect",
    "RoutingException",
    "Rule",
    "RuleFactory",
    "RuleTemplate",
    "RuleTemplateFactory",
    "Subdomain",
    "Submount",
    "UUIDConverter",
    "UnicodeConverter",
    "ValidationError",
    "WebsocketMismatch",
    "parse_converter_args",
]

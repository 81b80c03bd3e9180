"""Converters behave like Werkzeug 3.1's: same regexes, weights, conversions, errors."""

from __future__ import annotations

import uuid

import pytest
from werkzeug.routing import converters as wz
from werkzeug.routing import rules as wz_rules

from veloce.core import converters as vc
from veloce.core.router import Map
from veloce.core.rules import parse_converter_args

CASES = [
    ("UnicodeConverter", (), {}),
    ("UnicodeConverter", (), {"length": 2}),
    ("UnicodeConverter", (), {"minlength": 3}),
    ("UnicodeConverter", (), {"minlength": 2, "maxlength": 4}),
    ("UnicodeConverter", (), {"maxlength": 5}),
    ("AnyConverter", ("about", "help", "a.b", "x,y"), {}),
    ("PathConverter", (), {}),
    ("IntegerConverter", (), {}),
    ("IntegerConverter", (), {"fixed_digits": 4}),
    ("IntegerConverter", (), {"min": 3, "max": 10}),
    ("IntegerConverter", (), {"signed": True}),
    ("IntegerConverter", (), {"signed": True, "min": -5}),
    ("FloatConverter", (), {}),
    ("FloatConverter", (), {"min": 0.5, "max": 2.5}),
    ("FloatConverter", (), {"signed": True}),
    ("UUIDConverter", (), {}),
]
SAMPLES = ["0", "7", "0042", "12345", "-3", "-0.5", "1.5", "3.0", "abc", "", "about",
           "a.b", "x,y", "12345678-1234-1234-1234-123456789abc", "a b", "ü", "1e5"]


def _pair(name: str, args: tuple, kwargs: dict) -> tuple:
    return getattr(vc, name)(Map(), *args, **kwargs), getattr(wz, name)(None, *args, **kwargs)


def _outcome(func, value):
    try:
        return "ok", func(value)
    except (wz.ValidationError, vc.ValidationError):
        return "validation", None
    except ValueError as exc:
        return "value", str(exc)


@pytest.mark.parametrize(("name", "args", "kwargs"), CASES)
def test_converter_attributes_match_werkzeug(name, args, kwargs):
    ours, theirs = _pair(name, args, kwargs)
    assert ours.regex == theirs.regex or name == "AnyConverter"
    assert ours.weight == theirs.weight
    assert ours.part_isolating == theirs.part_isolating


def test_any_regex_matches_same_items():
    import re

    ours, theirs = _pair("AnyConverter", ("about", "help", "a.b", "x,y"), {})
    for sample in SAMPLES + ["axb", "abouthelp"]:
        assert bool(re.fullmatch(ours.regex, sample)) == bool(re.fullmatch(theirs.regex, sample))


@pytest.mark.parametrize(("name", "args", "kwargs"), CASES)
def test_to_python_matches_werkzeug(name, args, kwargs):
    ours, theirs = _pair(name, args, kwargs)
    for sample in SAMPLES:
        assert _outcome(ours.to_python, sample) == _outcome(theirs.to_python, sample), sample


@pytest.mark.parametrize(("name", "args", "kwargs"), CASES)
def test_to_url_matches_werkzeug(name, args, kwargs):
    ours, theirs = _pair(name, args, kwargs)
    values = [3, "12", 1.25, "a b/c?d#e%", "ü€", "about", "x,y", "!$&'()*+,/:;=@",
              uuid.UUID("12345678-1234-1234-1234-123456789abc")]
    for value in values:
        try:
            expected = ("ok", theirs.to_url(value))
        except (ValueError, TypeError, AttributeError) as exc:
            expected = (type(exc).__name__, str(exc))
        try:
            got = ("ok", ours.to_url(value))
        except (ValueError, TypeError, AttributeError) as exc:
            got = (type(exc).__name__, str(exc))
        assert got == expected, value


def test_validation_error_is_value_error():
    assert issubclass(vc.ValidationError, ValueError)


def test_default_converter_names_match_werkzeug():
    assert set(vc.DEFAULT_CONVERTERS) == set(wz.DEFAULT_CONVERTERS)
    for name, cls in vc.DEFAULT_CONVERTERS.items():
        assert cls.__name__ == wz.DEFAULT_CONVERTERS[name].__name__


def test_default_converters_are_read_only_and_map_copy_is_mutable():
    with pytest.raises(TypeError):
        vc.DEFAULT_CONVERTERS["x"] = vc.BaseConverter  # type: ignore[index]
    url_map = Map()
    url_map.converters["x"] = vc.BaseConverter
    assert "x" not in vc.DEFAULT_CONVERTERS


def test_subclass_with_slash_regex_is_not_part_isolating():
    class Slashy(vc.BaseConverter):
        regex = "[a-z/]+"

    class Plain(vc.BaseConverter):
        regex = "[a-z]+"

    class Forced(vc.BaseConverter):
        regex = "[a-z/]+"
        part_isolating = True

    class Inherits(vc.PathConverter):
        pass

    assert Slashy.part_isolating is False
    assert Plain.part_isolating is True
    assert Forced.part_isolating is True
    assert Inherits.part_isolating is False


def test_base_converter_keeps_map_and_ignores_arguments():
    url_map = Map()
    conv = vc.BaseConverter(url_map, 1, 2, key="v")
    assert conv.map is url_map
    assert conv.to_python("x") == "x"


ARGSTRINGS = [
    "",
    "1",
    "1, 2",
    "minlength=2, maxlength=5",
    "length=2",
    "about, help, imprint",
    '"foo,bar", \'baz\'',
    "signed=True",
    "signed=False, min=None",
    "1.5, max=2.25",
    "u'x', r\"y\"",
    "a_b.c",
    "1x2",
    " 3 ,  4 ",
]


@pytest.mark.parametrize("argstr", ARGSTRINGS)
def test_parse_converter_args_matches_werkzeug(argstr):
    assert parse_converter_args(argstr) == wz_rules.parse_converter_args(argstr)


def _parsed(parse, argstr):
    try:
        return parse(argstr)
    except ValueError as exc:
        return str(exc)


@pytest.mark.parametrize("argstr", ["=1", "a=", "(x)", "1 2", "a b", "x=1 y=2", "'unterminated"])
def test_parse_converter_args_odd_input_matches_werkzeug(argstr):
    assert _parsed(parse_converter_args, argstr) == _parsed(wz_rules.parse_converter_args, argstr)

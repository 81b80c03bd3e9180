"""jsonify and the default JSON provider: argument forms, types, bytes-level output."""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import uuid

from flask import Flask, json, jsonify

app = Flask(__name__)
app.testing = True


@dataclasses.dataclass
class Point:
    x: int
    y: int


class Markup:
    def __html__(self):
        return "<b>safe</b>"


class Opaque:
    pass


UTC = datetime.timezone.utc
VALUES = {
    "args": lambda: jsonify(1, "two", None),
    "single_arg": lambda: jsonify([1, 2]),
    "single_scalar": lambda: jsonify("text"),
    "kwargs": lambda: jsonify(b=2, a=1),
    "no_args": lambda: jsonify(),
    "args_and_kwargs": lambda: jsonify(1, a=2),
    "nested": lambda: jsonify({"z": {"y": [1, {"x": None}]}, "a": True}),
    "unicode": lambda: jsonify(text="héllo ☃ \U0001f600", ctrl="\x00\x1f\x7f"),
    "html_chars": lambda: jsonify(s="<script>&'\"</script>"),
    "datetime_aware": lambda: jsonify(when=datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)),
    "datetime_naive": lambda: jsonify(when=datetime.datetime(2024, 1, 2, 3, 4, 5)),
    "datetime_offset": lambda: jsonify(when=datetime.datetime(
        2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=2)))),
    "date": lambda: jsonify(day=datetime.date(2024, 2, 29)),
    "decimal": lambda: jsonify(price=decimal.Decimal("10.50"), big=decimal.Decimal("1E+3")),
    "uuid": lambda: jsonify(id=uuid.UUID("12345678-1234-5678-1234-567812345678")),
    "dataclass": lambda: jsonify(point=Point(1, 2)),
    "html_method": lambda: jsonify(m=Markup()),
    "sort_keys": lambda: jsonify({"b": 1, "a": 2, "C": 3, "_": 4, "aa": 5}),
    "int_keys": lambda: jsonify({2: "b", 1: "a", 10: "c"}),
    "mixed_keys_error": lambda: jsonify({1: "a", "b": 2}),
    "floats": lambda: jsonify([1.0, 0.1, 1e20, 1e-7, 1.5e300, -0.0, 123456789.123456789]),
    "big_int": lambda: jsonify(n=2**70, neg=-(2**64)),
    "nan_inf": lambda: jsonify([float("nan"), float("inf"), float("-inf")]),
    "tuple": lambda: jsonify((1, 2)),
    "bool_none": lambda: jsonify(t=True, f=False, n=None),
    "empty_containers": lambda: jsonify(l=[], d={}, s=""),
    "unserializable": lambda: jsonify(o=Opaque()),
    "set_unserializable": lambda: jsonify(s={1, 2}),
    "bytes_unserializable": lambda: jsonify(b=b"x"),
    "dict_return_datetime": lambda: {"when": datetime.datetime(2020, 5, 17, tzinfo=UTC)},
    "dumps": lambda: json.dumps({"b": [1, 2], "a": "é"}),
    "loads": lambda: repr(json.loads('{"a": [1, 2.5, null]}')),
    "response_status": lambda: (jsonify(error="nope"), 404),
    "provider_response": lambda: app.json.response(x=1),
}


@app.route("/json/<kind>")
def value(kind):
    return VALUES[kind]()


CASES = [
    {"id": kind, "path": f"/json/{kind}", "raw_body": True}
    for kind in [
        "args", "single_arg", "single_scalar", "kwargs", "no_args", "args_and_kwargs",
        "nested", "unicode", "html_chars", "datetime_aware", "datetime_naive",
        "datetime_offset", "date", "decimal", "uuid", "dataclass", "html_method",
        "sort_keys", "int_keys", "mixed_keys_error", "floats", "big_int", "nan_inf",
        "tuple", "bool_none", "empty_containers", "unserializable", "set_unserializable",
        "bytes_unserializable", "dict_return_datetime", "dumps", "loads",
        "response_status", "provider_response",
    ]
]

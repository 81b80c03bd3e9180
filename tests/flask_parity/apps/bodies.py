"""Request bodies: urlencoded and multipart forms, files, JSON, raw data, values."""

from __future__ import annotations

from flask import Flask, jsonify, request

app = Flask(__name__)
app.testing = True
app.config["MAX_CONTENT_LENGTH"] = 4096

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


@app.route("/form", methods=METHODS)
def form():
    return jsonify(request.form.to_dict(flat=False))


@app.route("/form/missing", methods=["POST"])
def form_missing():
    return request.form["missing"]


@app.route("/form/get-type", methods=["POST"])
def form_get_type():
    return jsonify(n=request.form.get("n", type=int), absent=request.form.get("absent", "dflt"))


@app.route("/files", methods=["POST"])
def files():
    return jsonify({
        field: [
            {"filename": f.filename, "name": f.name, "content_type": f.content_type,
             "mimetype": f.mimetype, "body": f.read().decode("utf-8")}
            for f in request.files.getlist(field)
        ]
        for field in request.files
    })


@app.route("/files/and-form", methods=["POST"])
def files_and_form():
    return jsonify(form=request.form.to_dict(flat=False), files=sorted(request.files))


@app.route("/files/missing", methods=["POST"])
def files_missing():
    return request.files["missing"].filename


@app.route("/files/bool", methods=["POST"])
def files_bool():
    upload = request.files.get("f")
    return jsonify(present=upload is not None, truthy=bool(upload),
                   filename=upload.filename if upload is not None else None)


@app.route("/json", methods=METHODS)
def json_body():
    return jsonify(got=request.get_json())


@app.route("/json/property", methods=["POST"])
def json_property():
    return jsonify(got=request.json)


@app.route("/json/force", methods=["POST"])
def json_force():
    return jsonify(got=request.get_json(force=True))


@app.route("/json/silent", methods=["POST"])
def json_silent():
    return jsonify(got=request.get_json(silent=True))


@app.route("/json/types", methods=["POST"])
def json_types():
    data = request.get_json()
    return jsonify({k: [repr(v), type(v).__name__] for k, v in data.items()})


@app.route("/data", methods=METHODS)
def data():
    return jsonify(data=request.data.decode("latin-1"), form=request.form.to_dict())


@app.route("/get-data", methods=["POST"])
def get_data():
    raw = request.get_data()
    return jsonify(length=len(raw), text=request.get_data(as_text=True))


@app.route("/get-data-then-form", methods=["POST"])
def get_data_then_form():
    raw = request.get_data()
    return jsonify(raw=raw.decode(), form=request.form.to_dict())


@app.route("/values", methods=METHODS)
def values():
    return jsonify(request.values.to_dict(flat=False))


@app.route("/ignores-body", methods=["POST"])
def ignores_body():
    return "did not read the body"


CASES = [
    {"id": "form_urlencoded", "method": "POST", "path": "/form",
     "kwargs": {"data": {"a": "1", "b": "two"}}},
    {"id": "form_repeated_keys", "method": "POST", "path": "/form",
     "kwargs": {"data": "a=1&a=2&b=3", "content_type": "application/x-www-form-urlencoded"}},
    {"id": "form_plus_and_unicode", "method": "POST", "path": "/form",
     "kwargs": {"data": "q=a+b%26c&u=%C3%A9t%C3%A9&empty=",
                "content_type": "application/x-www-form-urlencoded"}},
    {"id": "form_invalid_utf8_replaced", "method": "POST", "path": "/form",
     "kwargs": {"data": "bad=%FF%FE", "content_type": "application/x-www-form-urlencoded"}},
    {"id": "form_put", "method": "PUT", "path": "/form", "kwargs": {"data": {"a": "1"}}},
    {"id": "form_on_get_with_body", "method": "GET", "path": "/form",
     "kwargs": {"data": {"a": "1"}}},
    {"id": "form_wrong_content_type_empty", "method": "POST", "path": "/form",
     "kwargs": {"data": "a=1", "content_type": "text/plain"}},
    {"id": "form_missing_key_is_400", "method": "POST", "path": "/form/missing",
     "kwargs": {"data": {"a": "1"}}},
    {"id": "form_get_type", "method": "POST", "path": "/form/get-type",
     "kwargs": {"data": {"n": "12"}}},
    {"id": "multipart_fields_only", "method": "POST", "path": "/form",
     "kwargs": {"data": {"a": "1", "b": "x y"}, "content_type": "multipart/form-data"}},
    {"id": "multipart_several_files_one_name", "method": "POST", "path": "/files",
     "files": {"docs": [["first", "a.txt", "text/plain"], ["second", "b.csv", "text/csv"]]}},
    {"id": "multipart_file_default_content_type", "method": "POST", "path": "/files",
     "files": {"f": [["data", "blob.bin"]]}},
    {"id": "multipart_unicode_filename", "method": "POST", "path": "/files",
     "files": {"f": [["x", "résumé.txt", "text/plain"]]}},
    {"id": "multipart_files_and_fields", "method": "POST", "path": "/files/and-form",
     "kwargs": {"data": {"title": "hello", "tag": ["a", "b"]}},
     "files": {"f1": [["1", "one.txt"]], "f2": [["2", "two.txt"]]}},
    {"id": "multipart_missing_file_is_400", "method": "POST", "path": "/files/missing",
     "kwargs": {"data": {"a": "1"}}},
    {"id": "multipart_empty_filename_is_falsy", "method": "POST", "path": "/files/bool",
     "files": {"f": [["", ""]]}},
    {"id": "multipart_raw_empty_filename_is_a_file", "method": "POST", "path": "/files/bool",
     "kwargs": {"data": '--b\r\nContent-Disposition: form-data; name="f"; filename=""\r\n'
                        'Content-Type: application/octet-stream\r\n\r\n\r\n--b--\r\n',
                "content_type": "multipart/form-data; boundary=b"}},
    {"id": "multipart_malformed_body", "method": "POST", "path": "/form",
     "kwargs": {"data": "--xx\r\nnot a part", "content_type": "multipart/form-data; boundary=xx"}},
    {"id": "multipart_missing_boundary", "method": "POST", "path": "/form",
     "kwargs": {"data": "a=1", "content_type": "multipart/form-data"}},
    {"id": "files_empty_for_urlencoded", "method": "POST", "path": "/files",
     "kwargs": {"data": {"a": "1"}}},
    {"id": "json_valid_object", "method": "POST", "path": "/json",
     "kwargs": {"json": {"a": [1, 2.5, None, True], "b": {"c": "é"}}}},
    {"id": "json_top_level_list", "method": "POST", "path": "/json", "kwargs": {"json": [1, 2]}},
    {"id": "json_top_level_scalar", "method": "POST", "path": "/json",
     "kwargs": {"data": "42", "content_type": "application/json"}},
    {"id": "json_charset_param", "method": "POST", "path": "/json",
     "kwargs": {"data": '{"a": 1}', "content_type": "application/json; charset=utf-8"}},
    {"id": "json_plus_json_mimetype", "method": "POST", "path": "/json",
     "kwargs": {"data": '{"a": 1}', "content_type": "application/problem+json"}},
    {"id": "json_property", "method": "POST", "path": "/json/property",
     "kwargs": {"json": {"a": 1}}},
    {"id": "json_invalid_is_400", "method": "POST", "path": "/json",
     "kwargs": {"data": '{"a": ', "content_type": "application/json"}},
    {"id": "json_empty_body_is_400", "method": "POST", "path": "/json",
     "kwargs": {"data": "", "content_type": "application/json"}},
    {"id": "json_invalid_utf8_is_400", "method": "POST", "path": "/json",
     "raw_data": '"\xff\xfe"', "kwargs": {"content_type": "application/json"}},
    {"id": "json_wrong_content_type_is_415", "method": "POST", "path": "/json",
     "kwargs": {"data": '{"a": 1}', "content_type": "text/plain"}},
    {"id": "json_no_content_type_is_415", "method": "POST", "path": "/json",
     "kwargs": {"data": '{"a": 1}'}},
    {"id": "json_property_wrong_type_is_415", "method": "POST", "path": "/json/property",
     "kwargs": {"data": "{}", "content_type": "text/plain"}},
    {"id": "json_on_get_without_body_is_415", "path": "/json"},
    {"id": "json_force_ignores_content_type", "method": "POST", "path": "/json/force",
     "kwargs": {"data": '{"a": 1}', "content_type": "text/plain"}},
    {"id": "json_force_invalid_is_400", "method": "POST", "path": "/json/force",
     "kwargs": {"data": "nope", "content_type": "text/plain"}},
    {"id": "json_silent_invalid_is_none", "method": "POST", "path": "/json/silent",
     "kwargs": {"data": "{nope", "content_type": "application/json"}},
    {"id": "json_silent_wrong_type_is_none", "method": "POST", "path": "/json/silent",
     "kwargs": {"data": "{}", "content_type": "text/plain"}},
    {"id": "json_big_int_and_float", "method": "POST", "path": "/json/types",
     "kwargs": {"data": '{"big": 123456789012345678901234567890, "f": 1.0, "e": 1e3}',
                "content_type": "application/json"}},
    {"id": "json_nan_and_infinity_accepted", "method": "POST", "path": "/json/types",
     "kwargs": {"data": '{"nan": NaN, "inf": Infinity, "ninf": -Infinity}',
                "content_type": "application/json"}},
    {"id": "json_duplicate_keys_last_wins", "method": "POST", "path": "/json",
     "kwargs": {"data": '{"a": 1, "a": 2}', "content_type": "application/json"}},
    {"id": "json_utf8_bom", "method": "POST", "path": "/json",
     "raw_data": '\xef\xbb\xbf{"a": 1}', "kwargs": {"content_type": "application/json"}},
    {"id": "data_text_plain", "method": "POST", "path": "/data",
     "kwargs": {"data": "raw body", "content_type": "text/plain"}},
    {"id": "data_empty_for_form_content", "method": "POST", "path": "/data",
     "kwargs": {"data": {"a": "1"}}},
    {"id": "data_no_content_type", "method": "POST", "path": "/data", "kwargs": {"data": "xyz"}},
    {"id": "get_data_invalid_utf8_as_text", "method": "POST", "path": "/get-data",
     "raw_data": "ok\xff", "kwargs": {"content_type": "application/octet-stream"}},
    {"id": "get_data_as_text", "method": "POST", "path": "/get-data",
     "kwargs": {"data": "héllo", "content_type": "text/plain"}},
    {"id": "get_data_then_form", "method": "POST", "path": "/get-data-then-form",
     "kwargs": {"data": {"a": "1"}}},
    {"id": "values_get_args_only", "method": "GET", "path": "/values?q=1",
     "kwargs": {"data": {"f": "2"}}},
    {"id": "values_post_args_and_form", "method": "POST", "path": "/values?q=1&f=0",
     "kwargs": {"data": {"f": "2"}}},
    {"id": "too_large_form_is_413", "method": "POST", "path": "/form",
     "kwargs": {"data": {"big": "x" * 5000}}},
    {"id": "too_large_json_is_413", "method": "POST", "path": "/json",
     "kwargs": {"json": {"big": "x" * 5000}}},
    {"id": "too_large_body_not_read", "method": "POST", "path": "/ignores-body",
     "kwargs": {"data": "x" * 5000, "content_type": "text/plain"}},
]

"""Uploads: FileStorage attributes, several files per field, save(), limits, secure_filename."""

from __future__ import annotations

import io
import os
import tempfile

from flask import Flask, jsonify, request
from werkzeug.utils import secure_filename

app = Flask(__name__)
app.testing = True


def describe(f):
    """The FileStorage attributes a view typically reads."""
    return {
        "filename": f.filename,
        "name": f.name,
        "content_type": f.content_type,
        "mimetype": f.mimetype,
        "mimetype_params": f.mimetype_params,
        "content_length": f.content_length,
        "headers": sorted(f.headers.keys()),
        "truthy": bool(f),
    }


@app.route("/describe", methods=["POST"])
def describe_all():
    return jsonify({field: [describe(f) for f in request.files.getlist(field)]
                    for field in request.files})


@app.route("/read", methods=["POST"])
def read_all():
    return jsonify({field: [f.read().decode("utf-8") for f in request.files.getlist(field)]
                    for field in request.files})


@app.route("/read-partial", methods=["POST"])
def read_partial():
    f = request.files["f"]
    first = f.read(3)
    rest = f.stream.read()
    return jsonify(first=first.decode(), rest=rest.decode())


@app.route("/first", methods=["POST"])
def first():
    f = request.files["f"]
    return jsonify(filename=f.filename, count=len(request.files.getlist("f")),
                   keys=list(request.files.keys()))


@app.route("/save-path", methods=["POST"])
def save_path():
    saved = []
    with tempfile.TemporaryDirectory() as directory:
        for f in request.files.getlist("f"):
            target = os.path.join(directory, secure_filename(f.filename) or "unnamed")
            f.save(target)
            with open(target, "rb") as fh:
                saved.append([os.path.basename(target), fh.read().decode()])
    return jsonify(saved=saved)


@app.route("/save-file", methods=["POST"])
def save_file():
    out = io.BytesIO()
    f = request.files["f"]
    f.save(out, buffer_size=2)
    # What the stream holds afterwards differs by design (migration-guide/differences.md:
    # Veloce restores the read position), so only the copy is compared.
    return jsonify(saved=out.getvalue().decode(), closed=out.closed)


@app.route("/secure", methods=["POST"])
def secure():
    return jsonify([secure_filename(f.filename) for f in request.files.getlist("f")])


@app.route("/form-and-files", methods=["POST"])
def form_and_files():
    return jsonify(form=request.form.to_dict(flat=False),
                   files={k: [f.filename for f in request.files.getlist(k)]
                          for k in request.files})




CASES = [
    {"id": "several_files_one_name", "method": "POST", "path": "/describe",
     "files": {"f": [["one", "a.txt", "text/plain"], ["two", "b.csv", "text/csv"],
                     ["three", "c.bin"]]}},
    {"id": "several_files_one_name_read", "method": "POST", "path": "/read",
     "files": {"f": [["one", "a.txt"], ["two", "b.txt"], ["three", "c.txt"]]}},
    {"id": "several_files_first_wins", "method": "POST", "path": "/first",
     "files": {"f": [["one", "a.txt"], ["two", "b.txt"]], "g": [["x", "g.txt"]]}},
    {"id": "mixed_fields_and_files", "method": "POST", "path": "/form-and-files",
     "kwargs": {"data": {"title": "hello", "tag": ["a", "b"]}},
     "files": {"f": [["one", "a.txt"], ["two", "b.txt"]]}},
    {"id": "empty_filename", "method": "POST", "path": "/describe",
     "files": {"f": [["", ""]]}},
    {"id": "empty_filename_read", "method": "POST", "path": "/read",
     "files": {"f": [["", ""]], "g": [["data", "g.txt"]]}},
    {"id": "mimetype_params", "method": "POST", "path": "/describe",
     "files": {"f": [["x", "a.txt", "Text/Plain; charset=UTF-8; format=flowed"]]}},
    {"id": "read_partial", "method": "POST", "path": "/read-partial",
     "files": {"f": [["abcdefgh", "a.txt"]]}},
    {"id": "save_to_path", "method": "POST", "path": "/save-path",
     "files": {"f": [["first", "../../etc/passwd"], ["second", "my report.txt"]]}},
    {"id": "save_to_file_object", "method": "POST", "path": "/save-file",
     "files": {"f": [["hello world", "a.txt"]]}},
    {"id": "secure_filenames", "method": "POST", "path": "/secure",
     "files": {"f": [["1", "../../../etc/passwd"], ["2", "résumé final.PDF"],
                     ["3", "i contain cool \xfcml\xe4uts.txt"], ["4", "..."],
                     ["5", "  spaced\tname .tar.gz"]]}},
    {"id": "max_content_length_413", "method": "POST", "path": "/read",
     "config": {"MAX_CONTENT_LENGTH": 100},
     "files": {"f": [["x" * 200, "a.txt"]]}},
    {"id": "max_content_length_fits", "method": "POST", "path": "/read",
     "config": {"MAX_CONTENT_LENGTH": 1000},
     "files": {"f": [["x" * 200, "a.txt"]]}},
    {"id": "max_form_memory_size_field_413", "method": "POST", "path": "/form-and-files",
     "config": {"MAX_FORM_MEMORY_SIZE": 100},
     "kwargs": {"data": {"big": "x" * 200}}},
    {"id": "max_form_memory_size_whole_body_413", "method": "POST", "path": "/read",
     "config": {"MAX_FORM_MEMORY_SIZE": 100},
     "files": {"f": [["y" * 500, "a.txt"]]}},
    {"id": "max_form_memory_size_fits", "method": "POST", "path": "/form-and-files",
     "config": {"MAX_FORM_MEMORY_SIZE": 100000},
     "kwargs": {"data": {"big": "x" * 5000}},
     "files": {"f": [["y" * 5000, "a.txt"]]}},
    {"id": "max_form_parts_413", "method": "POST", "path": "/form-and-files",
     "config": {"MAX_FORM_PARTS": 2},
     "kwargs": {"data": {"a": "1", "b": "2"}},
     "files": {"f": [["one", "a.txt"]]}},
    {"id": "max_form_parts_fits", "method": "POST", "path": "/form-and-files",
     "config": {"MAX_FORM_PARTS": 3},
     "kwargs": {"data": {"a": "1", "b": "2"}},
     "files": {"f": [["one", "a.txt"]]}},
    {"id": "browser_style_body", "method": "POST", "path": "/read",
     "kwargs": {"content_type": "multipart/form-data; boundary=XyZ"},
     "raw_data": "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\n"
                 "Content-Type: text/plain\r\n\r\nalpha\r\n--XyZ\r\n"
                 "Content-Disposition: form-data; name=\"f\"; filename=\"b.txt\"\r\n"
                 "\r\nbeta\r\n--XyZ--\r\n"},
    {"id": "browser_style_empty_file", "method": "POST", "path": "/describe",
     "kwargs": {"content_type": "multipart/form-data; boundary=XyZ"},
     "raw_data": "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"\"\r\n"
                 "Content-Type: application/octet-stream\r\n\r\n\r\n--XyZ--\r\n"},
]

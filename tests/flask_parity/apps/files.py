"""send_file / send_from_directory / static files: headers, conditional and range flows."""

from __future__ import annotations

import io
import os

from flask import Blueprint, Flask, send_file, send_from_directory, url_for

app = Flask(__name__)
app.testing = True

HERE = os.path.dirname(os.path.abspath(__file__))
STATIC = os.path.join(HERE, "static")

bp = Blueprint("bp", __name__, static_folder="files_bp_static", url_prefix="/bp")
app.register_blueprint(bp)


@app.route("/file/<name>")
def file_(name):
    return send_file(os.path.join("static", name))


@app.route("/attach")
def attach():
    return send_file("static/hello.txt", as_attachment=True)


@app.route("/attach_named/<name>")
def attach_named(name):
    return send_file("static/hello.txt", as_attachment=True, download_name=name)


@app.route("/gz/<int:attachment>")
def gz(attachment):
    return send_file("static/archive.tar.gz", as_attachment=bool(attachment))


@app.route("/bytesio")
def bytesio():
    return send_file(io.BytesIO(b"0123456789"), mimetype="application/x-test")


@app.route("/bytesio_named")
def bytesio_named():
    return send_file(io.BytesIO(b"abc"), download_name="report.csv")


@app.route("/bytesio_noname")
def bytesio_noname():
    return send_file(io.BytesIO(b"abc"))


@app.route("/max_age/<int:age>")
def max_age(age):
    return send_file("static/hello.txt", max_age=age)


@app.route("/custom_etag")
def custom_etag():
    return send_file("static/hello.txt", etag="my-etag", last_modified=1_000_000_000)


@app.route("/no_etag")
def no_etag():
    return send_file("static/hello.txt", etag=False, conditional=False)


@app.route("/dir/<path:name>")
def from_dir(name):
    return send_from_directory(STATIC, name)


@app.route("/dir_attach/<path:name>")
def from_dir_attach(name):
    return send_from_directory("static", name, as_attachment=True)


@app.route("/urls")
def urls():
    return {
        "static": url_for("static", filename="hello.txt"),
        "nested": url_for("static", filename="sub/style.css"),
        "bp": url_for("bp.static", filename="bp.css"),
        "external": url_for("static", filename="a b.txt", _external=True),
    }


CASES = [
    {"id": "file_txt", "path": "/file/hello.txt"},
    {"id": "file_json", "path": "/file/data.json"},
    {"id": "file_unicode_name", "path": "/file/résumé.txt"},
    {"id": "file_head", "method": "HEAD", "path": "/file/hello.txt"},
    {"id": "file_post_405", "method": "POST", "path": "/file/hello.txt"},
    {"id": "attachment", "path": "/attach"},
    {"id": "attachment_download_name", "path": "/attach_named/report.txt"},
    {"id": "attachment_unicode_name", "path": "/attach_named/résumé ☃.txt"},
    {"id": "attachment_quoted_name", "path": "/attach_named/a b;c.txt"},
    {"id": "gz_inline_content_encoding", "path": "/gz/0"},
    {"id": "gz_attachment_no_encoding", "path": "/gz/1"},
    {"id": "bytesio", "path": "/bytesio"},
    {"id": "bytesio_range", "path": "/bytesio", "kwargs": {"headers": {"Range": "bytes=2-4"}}},
    {"id": "bytesio_named", "path": "/bytesio_named"},
    {"id": "bytesio_noname_error", "path": "/bytesio_noname"},
    {"id": "max_age_60", "path": "/max_age/60"},
    {"id": "max_age_0", "path": "/max_age/0"},
    {"id": "custom_etag", "path": "/custom_etag", "headers": ["ETag", "Last-Modified"]},
    {
        "id": "custom_etag_if_none_match_304",
        "path": "/custom_etag",
        "kwargs": {"headers": {"If-None-Match": '"my-etag"'}},
    },
    {
        "id": "custom_etag_if_none_match_weak_304",
        "path": "/custom_etag",
        "kwargs": {"headers": {"If-None-Match": 'W/"my-etag"'}},
    },
    {
        "id": "custom_etag_if_none_match_other_200",
        "path": "/custom_etag",
        "kwargs": {"headers": {"If-None-Match": '"other"'}},
    },
    {
        "id": "custom_etag_if_match_412",
        "path": "/custom_etag",
        "kwargs": {"headers": {"If-Match": '"other"'}},
    },
    {
        "id": "custom_etag_if_match_ok",
        "path": "/custom_etag",
        "kwargs": {"headers": {"If-Match": '"my-etag"'}},
    },
    {
        "id": "if_modified_since_304",
        "path": "/custom_etag",
        "kwargs": {"headers": {"If-Modified-Since": "Sun, 09 Sep 2001 01:46:40 GMT"}},
    },
    {
        "id": "if_modified_since_older_200",
        "path": "/custom_etag",
        "kwargs": {"headers": {"If-Modified-Since": "Sat, 08 Sep 2001 01:46:40 GMT"}},
    },
    {"id": "no_etag", "path": "/no_etag"},
    {"id": "range_first", "path": "/file/hello.txt", "kwargs": {"headers": {"Range": "bytes=0-4"}}},
    {"id": "range_suffix", "path": "/file/hello.txt", "kwargs": {"headers": {"Range": "bytes=-6"}}},
    {"id": "range_open", "path": "/file/hello.txt", "kwargs": {"headers": {"Range": "bytes=7-"}}},
    {
        "id": "range_past_end_clamped",
        "path": "/file/hello.txt",
        "kwargs": {"headers": {"Range": "bytes=5-1000"}},
    },
    {
        "id": "range_unsatisfiable_416",
        "path": "/file/hello.txt",
        "kwargs": {"headers": {"Range": "bytes=500-600"}},
    },
    {
        "id": "range_invalid_416",
        "path": "/file/hello.txt",
        "kwargs": {"headers": {"Range": "bytes=x-y"}},
    },
    {
        "id": "range_multiple_ignored",
        "path": "/file/hello.txt",
        "kwargs": {"headers": {"Range": "bytes=0-1,3-4"}},
    },
    {
        "id": "range_other_unit",
        "path": "/file/hello.txt",
        "kwargs": {"headers": {"Range": "items=0-1"}},
    },
    {
        "id": "range_if_range_match",
        "path": "/custom_etag",
        "kwargs": {"headers": {"Range": "bytes=0-4", "If-Range": '"my-etag"'}},
    },
    {
        "id": "range_if_range_mismatch_full",
        "path": "/custom_etag",
        "kwargs": {"headers": {"Range": "bytes=0-4", "If-Range": '"stale"'}},
    },
    {"id": "dir_file", "path": "/dir/hello.txt"},
    {"id": "dir_nested", "path": "/dir/sub/style.css"},
    {"id": "dir_missing_404", "path": "/dir/nope.txt"},
    {"id": "dir_is_directory_404", "path": "/dir/sub"},
    {"id": "dir_traversal_404", "path": "/dir/..%2Ffiles.py"},
    {"id": "dir_traversal_nested_404", "path": "/dir/sub/..%2F..%2Ffiles.py"},
    {"id": "dir_absolute_404", "path": "/dir/%2Fetc%2Fpasswd"},
    {"id": "dir_attachment", "path": "/dir_attach/sub/page.html"},
    {"id": "static_file", "path": "/static/hello.txt"},
    {"id": "static_nested", "path": "/static/sub/style.css"},
    {"id": "static_html", "path": "/static/sub/page.html"},
    {"id": "static_unicode", "path": "/static/r%C3%A9sum%C3%A9.txt"},
    {"id": "static_missing_404", "path": "/static/missing.css"},
    {"id": "static_traversal_404", "path": "/static/../files.py"},
    {"id": "static_traversal_encoded_404", "path": "/static/..%2Ffiles.py"},
    {"id": "static_head", "method": "HEAD", "path": "/static/hello.txt"},
    {"id": "static_options", "method": "OPTIONS", "path": "/static/hello.txt"},
    {
        "id": "static_range",
        "path": "/static/hello.txt",
        "kwargs": {"headers": {"Range": "bytes=7-12"}},
    },
    {
        "id": "static_max_age_config",
        "path": "/static/hello.txt",
        "config": {"SEND_FILE_MAX_AGE_DEFAULT": 3600},
    },
    {"id": "blueprint_static", "path": "/bp/files_bp_static/bp.css"},
    {"id": "blueprint_static_missing_404", "path": "/bp/files_bp_static/none.css"},
    {"id": "url_for_static", "path": "/urls"},
]

"""The development traceback page: contents, chaining, escaping, masking and fallback."""

from __future__ import annotations

import json
import os
import pathlib
import re
import sys
import typing as t
from html.parser import HTMLParser

import pytest

from veloce import debug
from veloce.core.request import Request
from veloce.debug import DEBUG_WARNING, debug_response, render_traceback_page

SCRIPT = "<script>alert(1)</script>"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"


def caught(func: t.Callable[[], object]) -> BaseException:
    """The exception ``func`` raises, with its traceback attached."""
    try:
        func()
    except BaseException as exc:  # noqa: BLE001 - the point is to capture anything
        return exc
    raise AssertionError("func did not raise")


def throw(exc: BaseException) -> t.NoReturn:
    raise exc


def divide(numerator: int, denominator: int) -> int:
    return numerator // denominator  # the failing line the page must show


def make_request(headers: list[tuple[bytes, bytes]] | None = None, **scope: t.Any) -> Request:
    base: dict[str, t.Any] = {
        "type": "http",
        "method": "POST",
        "scheme": "http",
        "path": "/items/7",
        "query_string": b"q=shoes&page=2&page=3",
        "headers": [(b"host", b"example.com"), *(headers or [])],
        "client": ("203.0.113.9", 51000),
        "server": ("example.com", 80),
    }
    base.update(scope)
    return Request(base)


def frames(page: str) -> list[tuple[bool, str, str]]:
    """``(is_library, location, rest_of_block)`` for each rendered frame."""
    found = []
    for chunk in page.split('<div class="frame')[1:]:
        head = re.match(r'( lib)?"><div class="loc">(.*?)</div>', chunk)
        assert head is not None
        found.append((bool(head.group(1)), head.group(2), chunk[head.end() :]))
    return found


class TagAudit(HTMLParser):
    """Collects tags and attribute names, to prove the page loads and runs nothing."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attrs: set[str] = set()
        self.style = ""
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attrs.update(name for name, _ in attrs)
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.style += data


def test_page_shows_exception_type_message_and_banner() -> None:
    page = render_traceback_page(caught(lambda: divide(1, 0)), app_name="shop")
    assert "<h1>ZeroDivisionError \N{EM DASH} shop</h1>" in page
    assert "ZeroDivisionError: integer division or modulo by zero" in page
    assert DEBUG_WARNING == "Debug mode \N{EM DASH} do not run in production"
    assert DEBUG_WARNING in page
    assert page.startswith("<!doctype html>")


def test_page_shows_frames_with_source_context() -> None:
    def test_local_caller() -> int:
        return divide(10, 0)

    page = render_traceback_page(caught(test_local_caller))
    assert "test_page_shows_frames_with_source_context.&lt;locals&gt;.test_local_caller" in page
    assert __file__ in page
    line = divide.__code__.co_firstlineno + 1
    assert f"line {line}, in <span class=\"fn\">divide</span>" in page
    # The failing line is highlighted, with its neighbours around it.
    assert re.search(
        rf'<div class="cur"><span class="ln">\s*{line}</span>\s*return numerator // denominator',
        page,
    )
    assert "def divide(numerator: int, denominator: int) -&gt; int:" in page


def test_library_frames_are_de_emphasised() -> None:
    page = render_traceback_page(caught(lambda: json.loads("{")))
    rendered = frames(page)
    json_frames = [f for f in rendered if f"json{os.sep}decoder.py" in f[1]]
    own_frames = [f for f in rendered if __file__ in f[1]]
    assert json_frames and own_frames
    assert all(lib and body.startswith("<details>") for lib, _, body in json_frames)
    assert all(not lib and not body.startswith("<details>") for lib, _, body in own_frames)


def test_direct_cause_is_shown_before_the_raised_exception() -> None:
    def wrap() -> None:
        try:
            divide(1, 0)
        except ZeroDivisionError as exc:
            raise ValueError("bad ratio") from exc

    page = render_traceback_page(caught(wrap))
    cause = page.index("ZeroDivisionError: integer division")
    wording = page.index("The above exception was the direct cause of the following exception:")
    raised = page.rindex("ValueError: bad ratio")
    assert cause < wording < raised
    assert "During handling" not in page


def test_implicit_context_uses_during_handling_wording() -> None:
    def wrap() -> None:
        try:
            divide(1, 0)
        except ZeroDivisionError:
            raise KeyError("missing")  # noqa: B904 - implicit chaining is the subject

    page = render_traceback_page(caught(wrap))
    assert "During handling of the above exception, another exception occurred:" in page
    assert "direct cause" not in page


def test_suppressed_context_is_not_shown() -> None:
    def wrap() -> None:
        try:
            divide(1, 0)
        except ZeroDivisionError:
            raise KeyError("missing") from None

    page = render_traceback_page(caught(wrap))
    assert '<pre class="msg">ZeroDivisionError' not in page
    assert '<p class="link">During handling' not in page


def test_cyclic_chain_terminates() -> None:
    first, second = ValueError("a"), TypeError("b")
    first.__context__, second.__context__ = second, first
    page = render_traceback_page(first)
    # Heading summary + one chain entry each: the loop is cut at the repeat.
    assert page.count('<pre class="msg">ValueError: a</pre>') == 2
    assert page.count('<pre class="msg">TypeError: b</pre>') == 1


def test_exception_without_traceback() -> None:
    page = render_traceback_page(RuntimeError("never raised"))
    assert "No traceback available." in page
    assert "RuntimeError: never raised" in page


def test_deep_recursion_is_collapsed() -> None:
    def recurse(n: int) -> int:
        return recurse(n + 1)

    page = render_traceback_page(caught(lambda: recurse(0)))
    assert "RecursionError" in page
    assert re.search(r"\[Previous frame repeated \d+ more times\]", page)
    assert len(frames(page)) < 20


@pytest.mark.skipif(sys.version_info < (3, 11), reason="ExceptionGroup is new in 3.11")
def test_exception_group_members_are_rendered() -> None:
    member = caught(lambda: divide(1, 0))
    eg = caught(lambda: throw(ExceptionGroup("many", [member, KeyError("k")])))  # noqa: F821
    page = render_traceback_page(eg)
    assert "Sub-exception 1 of 2" in page and "Sub-exception 2 of 2" in page
    assert "ZeroDivisionError" in page and "KeyError: &#39;k&#39;" in page


def test_message_and_header_values_are_escaped() -> None:
    request = make_request([(b"x-evil", SCRIPT.encode()), (SCRIPT.encode(), b"v")])
    exc = caught(lambda: throw(ValueError(SCRIPT)))
    page = render_traceback_page(exc, request=request, app_name=SCRIPT)
    assert "<script" not in page
    assert f"ValueError: {ESCAPED_SCRIPT}" in page
    assert f"<th>X-Evil</th><td>{ESCAPED_SCRIPT}</td>" in page
    assert f"\N{EM DASH} {ESCAPED_SCRIPT}</h1>" in page


def test_query_args_are_escaped() -> None:
    request = make_request(query_string=b"x=%3Cscript%3E&%3Cb%3E=1")
    page = render_traceback_page(ValueError("x"), request=request)
    assert "<script>" not in page and "<b>" not in page
    assert "<th>x</th><td>&lt;script&gt;</td>" in page
    assert "<th>&lt;b&gt;</th><td>1</td>" in page


def test_request_summary() -> None:
    page = render_traceback_page(ValueError("x"), request=make_request())
    assert "<h2>Request</h2>" in page
    assert "<th>Method</th><td>POST</td>" in page
    assert "<th>URL</th><td>http://example.com/items/7?q=shoes&amp;page=2&amp;page=3</td>" in page
    assert "<th>Path</th><td>/items/7</td>" in page
    assert "<th>Client</th><td>203.0.113.9</td>" in page
    assert "<th>q</th><td>shoes</td>" in page
    assert "<th>page</th><td>2</td>" in page and "<th>page</th><td>3</td>" in page
    assert "<th>Host</th><td>example.com</td>" in page


def test_no_request_section_without_request() -> None:
    assert "<h2>Request</h2>" not in render_traceback_page(ValueError("x"))


def test_cookie_and_authorization_values_are_masked() -> None:
    request = make_request(
        [
            (b"cookie", b"session=SECRET-SESSION; theme=dark-SECRET"),
            (b"authorization", b"Bearer SECRET-TOKEN"),
            (b"proxy-authorization", b"Basic U0VDUkVU"),
            (b"x-request-id", b"visible-id"),
        ]
    )
    page = render_traceback_page(ValueError("x"), request=request)
    assert "SECRET" not in page and "U0VDUkVU" not in page
    masked = '<span class="masked">'
    assert f"<th>Cookie</th><td>session={masked}" in page
    assert f"; theme={masked}" in page
    assert f"<th>Authorization</th><td>Bearer {masked}" in page
    assert "<th>X-Request-Id</th><td>visible-id</td>" in page


def test_authorization_without_known_scheme_is_fully_masked() -> None:
    request = make_request([(b"authorization", b"rawtoken123 extra")])
    page = render_traceback_page(ValueError("x"), request=request)
    assert "rawtoken123" not in page and "extra" not in page
    assert '<th>Authorization</th><td><span class="masked">' in page


def test_failing_request_property_does_not_hide_the_rest() -> None:
    request = make_request(headers=[(b"x-a", b"1")])
    request.trusted_hosts = ["other.test"]  # .url / .host now raise SecurityError
    page = render_traceback_page(ValueError("x"), request=request)
    assert "<th>URL</th><td><em>unavailable (veloce.core.exceptions.SecurityError)</em>" in page
    assert "<th>Method</th><td>POST</td>" in page
    assert "<th>X-A</th><td>1</td>" in page


def test_page_is_self_contained() -> None:
    page = render_traceback_page(caught(lambda: divide(1, 0)), request=make_request())
    audit = TagAudit()
    audit.feed(page)
    assert "style" in audit.tags and audit.style
    assert not audit.tags & {"script", "link", "img", "iframe", "object", "embed", "form"}
    assert not audit.attrs & {"src", "href", "action"}
    assert not any(name.startswith("on") for name in audit.attrs)
    assert "url(" not in audit.style and "@import" not in audit.style


def test_broken_str_does_not_trigger_fallback() -> None:
    class Unprintable(Exception):
        def __str__(self) -> str:
            raise RuntimeError("nope")

    page = render_traceback_page(caught(lambda: throw(Unprintable())))
    assert "<h2>Traceback</h2>" in page  # the full page, not the fallback
    assert "Unprintable" in page and "&lt;exception str() failed&gt;" in page


def test_fallback_when_rendering_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(tb: object) -> str:
        raise RuntimeError("renderer <b>broke</b>")

    monkeypatch.setattr(debug, "_render_frames", broken)
    exc = caught(lambda: throw(ValueError(SCRIPT)))
    page = render_traceback_page(exc, request=make_request())
    assert DEBUG_WARNING in page
    assert f"ValueError: {ESCAPED_SCRIPT}" in page
    failed = "The debug page failed to render: RuntimeError: renderer &lt;b&gt;broke&lt;/b&gt;"
    assert failed in page
    assert "<script" not in page and "<b>" not in page


def test_fallback_survives_broken_helpers(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> str:
        raise RuntimeError("broken")

    monkeypatch.setattr(debug, "_render", broken)
    monkeypatch.setattr(debug, "_summary", broken)
    page = render_traceback_page(KeyError("k"))
    assert DEBUG_WARNING in page
    assert "<pre>KeyError</pre>" in page
    assert "failed to render: unknown error" in page


def test_debug_response_status_and_content_type() -> None:
    exc = caught(lambda: divide(1, 0))
    response = debug_response(exc, make_request(), app_name="shop")
    assert response.status_code == 500
    assert response.status == "500 INTERNAL SERVER ERROR"
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_data(as_text=True)
    assert body == render_traceback_page(exc, request=make_request(), app_name="shop")
    assert response.content_length == len(body.encode())


def test_module_does_not_import_flask_or_werkzeug() -> None:
    source = pathlib.Path(debug.__file__).read_text(encoding="utf-8")
    assert not re.search(r"^\s*(import|from)\s+(flask|werkzeug)\b", source, re.M)

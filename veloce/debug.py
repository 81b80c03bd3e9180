"""The development traceback page shown for unhandled exceptions in debug mode.

A static, self-contained HTML page: inline CSS, no JavaScript, no external assets and,
unlike Werkzeug's debugger, no interactive console, so nothing on it can execute code.
Everything that comes from the exception, the source files or the request is escaped,
and credentials (``Cookie``, ``Authorization``) are masked, because a debug page gets
screenshotted and pasted into issues.

Rendering runs on the error path, so it must never raise: any failure falls back to a
minimal escaped page that still names the original exception.
"""

from __future__ import annotations

import builtins
import linecache
import os
import sysconfig
import traceback
import typing as t

from markupsafe import escape

from veloce.core.response import Response

if t.TYPE_CHECKING:
    from types import TracebackType

__all__ = ["DEBUG_WARNING", "debug_response", "render_traceback_page"]

#: The banner every debug page carries.
DEBUG_WARNING = "Debug mode \N{EM DASH} do not run in production"

_CAUSE = "The above exception was the direct cause of the following exception:"
_CONTEXT = "During handling of the above exception, another exception occurred:"
_CONTEXT_LINES = 3  # source lines shown on each side of the failing line
_MAX_DEPTH = 10  # nesting limit for exception groups
_MAX_GROUP = 15  # sub-exceptions shown per group, as in the traceback module
_MASKED = "\N{BULLET}" * 8
_SECRET_HEADERS = frozenset({"cookie", "authorization", "proxy-authorization"})
# Auth schemes are not secret and help debugging; anything else before a space might be.
_AUTH_SCHEMES = frozenset({"basic", "bearer", "digest", "token", "negotiate", "ntlm", "hoba"})
_BaseExceptionGroup: t.Any = getattr(builtins, "BaseExceptionGroup", None)


# The standard library and installed packages; frames from here are dimmed.
_LIBRARY_PREFIXES = tuple(
    os.path.join(os.path.realpath(path), "")
    for key, path in sysconfig.get_paths().items()
    if key in ("stdlib", "platstdlib", "purelib", "platlib")
)

_CSS = (
    "body{margin:0;font:15px/1.45 system-ui,sans-serif;color:#1f2328;background:#f6f8fa}"
    "header{background:#b3261e;color:#fff;padding:18px 28px}header h1{margin:4px 0 0}"
    ".banner{font-weight:700;text-transform:uppercase;font-size:12px}"
    "main{padding:8px 28px 40px;max-width:1200px}"
    "pre,code,td,th{font:13px/1.4 ui-monospace,Menlo,Consolas,monospace}"
    "pre.msg{white-space:pre-wrap;background:#fff;border-left:4px solid #b3261e;padding:10px}"
    ".frame{background:#fff;border:1px solid #d0d7de;border-radius:6px;margin:8px 0;"
    "padding:6px 12px}.frame.lib{opacity:.6;background:#f6f8fa}"
    ".loc{color:#57606a}.fn{font-weight:700;color:#0550ae}.src{margin:6px 0;overflow-x:auto}"
    ".src div{white-space:pre}.src .cur{background:#ffebe9;font-weight:700}"
    ".ln{color:#8c959f;padding-right:10px}.link{margin:22px 0;font-style:italic;color:#57606a}"
    ".group{border-left:3px solid #d0d7de;padding-left:14px}"
    "table{border-collapse:collapse;background:#fff}td,th{border:1px solid #d0d7de;"
    "padding:4px 8px;text-align:left;vertical-align:top;word-break:break-all}"
    ".masked{color:#8c959f}"
)


def _e(value: object) -> str:
    return str(escape(value))


def _type_name(exc: BaseException) -> str:
    cls = type(exc)
    module = getattr(cls, "__module__", None)
    name = getattr(cls, "__qualname__", cls.__name__)
    return name if module in (None, "builtins", "__main__") else f"{module}.{name}"


def _summary(exc: BaseException) -> str:
    """Python's own one-line summary (``Type: message``, plus SyntaxError carets, notes)."""
    return "".join(traceback.format_exception_only(type(exc), exc)).rstrip("\n")


def _is_library(filename: str) -> bool:
    if filename.startswith("<"):
        return filename.startswith("<frozen ")  # "<string>", "<stdin>" are user code
    path = os.path.realpath(filename)
    parts = path.split(os.sep)
    lib_dirs = "site-packages" in parts or "dist-packages" in parts
    return lib_dirs or path.startswith(_LIBRARY_PREFIXES)


def _render_source(filename: str, lineno: int, module_globals: dict[str, t.Any]) -> str:
    linecache.lazycache(filename, module_globals)
    lines = linecache.getlines(filename)
    if not lines or lineno < 1 or lineno > len(lines):
        return '<div class="src"><em>source not available</em></div>'
    first = max(1, lineno - _CONTEXT_LINES)
    last = min(len(lines), lineno + _CONTEXT_LINES)
    rows = []
    for n in range(first, last + 1):
        css = ' class="cur"' if n == lineno else ""
        text = _e(lines[n - 1].rstrip("\r\n"))
        rows.append(f'<div{css}><span class="ln">{n:>5}</span>{text}</div>')
    return '<div class="src">' + "".join(rows) + "</div>"


def _repeated(count: int) -> str:
    return f'<p class="loc">[Previous frame repeated {count - 3} more times]</p>' * (count > 3)


def _render_frames(tb: TracebackType | None) -> str:
    if tb is None:
        return "<p><em>No traceback available.</em></p>"
    out: list[str] = []
    last_key: tuple[str, int, str] | None = None
    repeats = 0
    for frame, lineno in traceback.walk_tb(tb):
        code = frame.f_code
        filename, name = code.co_filename, getattr(code, "co_qualname", code.co_name)
        lineno = lineno or 0  # None for some synthetic frames on 3.11+
        key = (filename, lineno, name)
        if key == last_key:
            repeats += 1
            if repeats > 3:  # collapse deep recursion as the traceback module does
                continue
        else:
            out.append(_repeated(repeats))
            last_key, repeats = key, 1
        lib = _is_library(filename)
        source = _render_source(filename, lineno, frame.f_globals)
        if lib:
            source = f"<details><summary>source</summary>{source}</details>"
        out.append(
            f'<div class="frame{" lib" if lib else ""}"><div class="loc">File '
            f"<code>{_e(filename)}</code>, line {lineno}, in "
            f'<span class="fn">{_e(name)}</span></div>{source}</div>'
        )
    out.append(_repeated(repeats))
    return "".join(out)


def _chain(exc: BaseException) -> list[tuple[BaseException, str | None]]:
    """The chain oldest first, each with the wording linking it to the next (newer) one."""
    chain: list[tuple[BaseException, str | None]] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    link: str | None = None
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append((current, link))
        if current.__cause__ is not None:
            current, link = current.__cause__, _CAUSE
        elif current.__context__ is not None and not current.__suppress_context__:
            current, link = current.__context__, _CONTEXT
        else:
            current = None
    chain.reverse()
    return chain


def _render_exception(exc: BaseException, depth: int = 0) -> str:
    out: list[str] = []
    for item, link in _chain(exc):
        out.append(
            f"<h3>Traceback (most recent call last)</h3>{_render_frames(item.__traceback__)}"
            f'<pre class="msg">{_e(_summary(item))}</pre>'
        )
        subs = getattr(item, "exceptions", ())
        if _BaseExceptionGroup and isinstance(item, _BaseExceptionGroup) and depth < _MAX_DEPTH:
            out.extend(
                f'<div class="group"><p class="link">Sub-exception {i} of {len(subs)}</p>'
                f"{_render_exception(sub, depth + 1)}</div>"
                for i, sub in enumerate(subs[:_MAX_GROUP], 1)
            )
        if link is not None:
            out.append(f'<p class="link">{_e(link)}</p>')
    return "".join(out)


def _mask_header(name: str, value: str) -> str:
    """The header value as HTML, with credentials replaced by bullets."""
    lower = name.lower()
    if lower not in _SECRET_HEADERS:
        return _e(value)
    masked = f'<span class="masked">{_MASKED}</span>'
    if lower == "cookie":  # keep the cookie names: they are what one debugs
        names = [part.partition("=")[0].strip() for part in value.split(";") if part.strip()]
        return "; ".join(f"{_e(n)}={masked}" for n in names) or masked
    scheme, sep, _ = value.strip().partition(" ")
    return f"{_e(scheme)} {masked}" if sep and scheme.lower() in _AUTH_SCHEMES else masked


def _guarded(render: t.Callable[..., str], *args: t.Any) -> str:
    """Run one part of the request section; a failing property must not hide the rest."""
    try:
        return render(*args)
    except Exception as exc:  # noqa: BLE001 - e.g. SecurityError from an untrusted Host
        return f"<em>unavailable ({_e(_type_name(exc))})</em>"


def _table(rows: t.Iterable[tuple[str, str]], empty: str = "none") -> str:
    body = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return f"<table>{body}</table>" if body else f"<p><em>{empty}</em></p>"


def _render_request(request: t.Any) -> str:
    fields = (("Method", "method"), ("URL", "url"), ("Path", "path"), ("Client", "remote_addr"))
    rows = [(label, _guarded(lambda a: _e(getattr(request, a)), attr)) for label, attr in fields]
    args = _guarded(lambda: _table((_e(k), _e(v)) for k, v in request.args.items(multi=True)))
    headers = _guarded(
        lambda: _table((_e(k), _mask_header(str(k), str(v))) for k, v in request.headers)
    )
    return f"<h2>Request</h2>{_table(rows)}<h3>Query arguments</h3>{args}<h3>Headers</h3>{headers}"


def _render(exc: BaseException, request: t.Any, app_name: str | None) -> str:
    summary = _summary(exc)
    title = summary.partition("\n")[0][:200]
    where = f" \N{EM DASH} {_e(app_name)}" if app_name else ""
    request_html = "" if request is None else _render_request(request)
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="robots" content="noindex,nofollow">'
        f"<title>{_e(title)}{where}</title><style>{_CSS}</style></head><body>"
        f'<header><div class="banner">{_e(DEBUG_WARNING)}</div>'
        f"<h1>{_e(_type_name(exc))}{where}</h1></header><main>"
        f'<pre class="msg">{_e(summary)}</pre>'
        f"<h2>Traceback</h2>{_render_exception(exc)}{request_html}"
        "</main></body></html>\n"
    )


def _fallback(exc: BaseException, error: BaseException) -> str:
    try:  # format_exception_only survives a broken __str__ ("<exception str() failed>")
        summary, failure = _summary(exc), _summary(error)
    except Exception:  # noqa: BLE001 - last resort, nothing left to trust
        summary, failure = type(exc).__name__, "unknown error"
    return (
        '<!doctype html>\n<html><head><meta charset="utf-8"><title>Internal Server Error'
        f"</title></head><body><p><strong>{_e(DEBUG_WARNING)}</strong></p>"
        f"<pre>{_e(summary)}</pre><p>The debug page failed to render: {_e(failure)}</p>"
        "</body></html>\n"
    )


def render_traceback_page(
    exc: BaseException, *, request: t.Any = None, app_name: str | None = None
) -> str:
    """Render the development error page for ``exc`` as a complete HTML document.

    Shows the exception type and message, every frame (file, line, function and a
    few lines of source; standard-library and site-packages frames dimmed, their
    source folded), the ``__cause__``/``__context__`` chain with Python's own
    wording, exception-group members, and, given a request, its method, URL, path,
    remote address, query arguments and headers (``Cookie`` and ``Authorization``
    values masked). All text is HTML-escaped; the page runs no script.

    Args:
        exc: The unhandled exception (its ``__traceback__`` supplies the frames).
        request: The :class:`~veloce.core.request.Request` being handled, if any.
        app_name: Shown in the heading and title to tell apps apart.

    Returns:
        The HTML page. Never raises: if rendering fails, a minimal escaped page
        naming ``exc`` (and the rendering failure) is returned instead.

    Flask parity: replaces Werkzeug's debugger page without its console, PIN or
    JavaScript; for development only, as the banner says.
    """
    try:
        return _render(exc, request, app_name)
    except Exception as error:  # noqa: BLE001 - the error page itself must not fail
        return _fallback(exc, error)


def debug_response(
    exc: BaseException, request: t.Any = None, app_name: str | None = None
) -> Response:
    """A ``500`` :class:`Response` carrying :func:`render_traceback_page`'s HTML.

    Marked ``Cache-Control: no-store`` so a proxy never serves a traceback to
    anyone else.
    """
    page = render_traceback_page(exc, request=request, app_name=app_name)
    return Response(page, status=500, headers={"Cache-Control": "no-store"}, mimetype="text/html")

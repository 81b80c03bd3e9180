"""What the sync and async test clients share: building, cookies, redirects, contexts.

A request goes: arguments -> :func:`~veloce.testing.builder.build_request` ->
:meth:`ClientBase._send` (add jar cookies, :func:`~veloce.testing.transport.run_asgi`,
store ``Set-Cookie``, follow redirects) -> :class:`~veloce.testing.wrappers.TestResponse`.
Only *how the coroutine is run* differs between :class:`~veloce.testing.TestClient`
and :class:`~veloce.testing.AsyncTestClient`.
"""

from __future__ import annotations

import importlib.metadata
import json as _json
import typing as t
from contextlib import ExitStack
from urllib.parse import unquote, urljoin, urlsplit

from veloce.testing.builder import assemble_scope, build_request
from veloce.testing.cookies import CookieJar
from veloce.testing.encoding import encode_query
from veloce.testing.environ import is_environ, request_from_environ
from veloce.testing.transport import run_asgi
from veloce.testing.wrappers import TestRequest, TestResponse, response_headers

if t.TYPE_CHECKING:
    from veloce.testing.cookies import Cookie

__all__ = ["PRESERVE_CONTEXT_KEY", "ClientBase", "ClientRedirectError", "user_agent"]

#: ``scope["extensions"]`` key set inside ``with client:``. An app that wants its
#: contexts kept alive after the request calls it with each context manager (app
#: context, then request context); the client enters them once the response is
#: back and exits them at the next request or when the ``with`` block ends.
PRESERVE_CONTEXT_KEY = "veloce.preserve_context"

REDIRECT_CODES = frozenset({301, 302, 303, 305, 307, 308})
_BODY_HEADERS = frozenset({b"content-type", b"content-length", b"transfer-encoding"})

_user_agent = ""


def user_agent() -> str:
    """``Veloce-TestClient/<version>``, the default User-Agent of test requests."""
    global _user_agent
    if not _user_agent:
        try:
            version = importlib.metadata.version("veloce")
        except importlib.metadata.PackageNotFoundError:
            version = "0"
        _user_agent = f"Veloce-TestClient/{version}"
    return _user_agent


class ClientRedirectError(Exception):
    """``follow_redirects`` found the same redirect twice (Werkzeug's name)."""


def _hostname(host: str) -> str:
    """Host header -> lower-cased name without port (IPv6 brackets kept)."""
    if host.startswith("["):
        return host.partition("]")[0].lower() + "]"
    return host.partition(":")[0].lower()


class ClientBase:
    """Request building, cookie jar, redirects and preserved contexts.

    Args:
        app: Any ASGI 3 application (``await app(scope, receive, send)``).
        use_cookies: Keep a cookie jar and send its cookies back.
        follow_redirects: Default for every request's ``follow_redirects``.
        base_url: ``scheme://host[/root]`` of every request. By default it comes from
            the app's ``SERVER_NAME``, ``APPLICATION_ROOT`` and
            ``PREFERRED_URL_SCHEME`` config when the app has a ``config``, else
            ``http://localhost``.
        allow_subdomain_redirects: Follow redirects to subdomains of the host.
        raise_server_exceptions: Re-raise exceptions escaping the app (default);
            ``False`` turns them into a 500 response.
    """

    __test__ = False  # not a pytest test class

    def __init__(
        self,
        app: t.Any,
        use_cookies: bool = True,
        *,
        follow_redirects: bool = False,
        base_url: str | None = None,
        allow_subdomain_redirects: bool = False,
        raise_server_exceptions: bool = True,
    ) -> None:
        self.application = app
        self.follow_redirects = follow_redirects
        self.base_url = base_url
        self.allow_subdomain_redirects = allow_subdomain_redirects
        self.raise_server_exceptions = raise_server_exceptions
        #: WSGI-style defaults merged into every request (Flask's ``environ_base``).
        self.environ_base: dict[str, t.Any] = {
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_USER_AGENT": user_agent(),
        }
        default_host = urlsplit(base_url).hostname if base_url else None
        self._jar: CookieJar | None = (
            CookieJar(default_host or "localhost") if use_cookies else None
        )
        self.preserve_context = False
        self._new_contexts: list[t.ContextManager[t.Any]] = []
        self._context_stack = ExitStack()

    @property
    def app(self) -> t.Any:
        """The application under test."""
        return self.application

    # -- cookies ---------------------------------------------------------------------

    def _require_jar(self) -> CookieJar:
        if self._jar is None:
            raise TypeError("Cookies are disabled. Create a client with 'use_cookies=True'.")
        return self._jar

    @property
    def cookies(self) -> CookieJar:
        """Live view of the cookie jar: ``client.cookies["session"]``, assignment, ``del``.

        Raises:
            TypeError: the client was created with ``use_cookies=False``.
        """
        return self._require_jar()

    def get_cookie(self, key: str, domain: str = "localhost", path: str = "/") -> Cookie | None:
        """The cookie stored under ``(domain, path, key)`` (Werkzeug's ``get_cookie``)."""
        return self._require_jar().get_cookie(key, domain, path)

    def set_cookie(
        self,
        key: str,
        value: str = "",
        *,
        domain: str = "localhost",
        origin_only: bool = True,
        path: str = "/",
        **kwargs: t.Any,
    ) -> None:
        """Add or update a cookie sent on every matching request.

        Flask parity: Werkzeug 3's ``Client.set_cookie``; ``kwargs`` (``max_age``,
        ``expires``, ``secure``, ...) go to ``dump_cookie``.
        """
        self._require_jar().set_cookie(
            key, value, domain=domain, origin_only=origin_only, path=path, **kwargs
        )

    def delete_cookie(self, key: str, *, domain: str = "localhost", path: str = "/") -> None:
        """Forget the cookie stored under ``(domain, path, key)``."""
        self._require_jar().delete_cookie(key, domain=domain, path=path)

    # -- building --------------------------------------------------------------------

    def _default_base_url(self, path: str, subdomain: str | None, url_scheme: str | None) -> str:
        # Flask's EnvironBuilder: host, root and scheme come from the app config.
        config = getattr(self.application, "config", None)
        if not isinstance(config, t.Mapping):
            host, root, scheme = "localhost", "/", "http"
        else:
            host = config.get("SERVER_NAME") or "localhost"
            root = config.get("APPLICATION_ROOT") or "/"
            scheme = config.get("PREFERRED_URL_SCHEME") or "http"
        if subdomain:
            host = f"{subdomain}.{host}"
        if "://" in path.partition("?")[0]:
            url = urlsplit(path)
            scheme, host = url.scheme or scheme, url.netloc or host
        return f"{url_scheme or scheme}://{host}/{root.lstrip('/')}"

    def _json_dumps(self, obj: t.Any) -> str:
        provider = getattr(self.application, "json", None)
        if provider is not None and hasattr(provider, "dumps"):
            return t.cast("str", provider.dumps(obj))
        return _json.dumps(obj)

    def _json_module(self) -> t.Any:
        provider = getattr(self.application, "json", None)
        return provider if provider is not None and hasattr(provider, "loads") else _json

    def _prepare(self, path: t.Any, method: str, kwargs: dict[str, t.Any]) -> TestRequest:
        """Turn ``open()`` arguments into a :class:`TestRequest`."""
        if isinstance(path, TestRequest):
            if any(value is not None for value in kwargs.values()):
                raise TypeError("extra arguments are not allowed with a TestRequest")
            scope = {**path.scope, "headers": list(path.scope["headers"]), "extensions": {}}
            return TestRequest(scope, path.body)
        # Flask parity: an EnvironBuilder (anything with get_environ()) or a WSGI
        # environ dict; the client's environ_base fills what it leaves out.
        get_environ = getattr(path, "get_environ", None)
        if callable(get_environ) or is_environ(path):
            if any(value is not None for value in kwargs.values()):
                raise TypeError("extra arguments are not allowed with an environ or builder")
            environ = get_environ() if callable(get_environ) else path
            return request_from_environ(environ, self.environ_base)
        base_url = kwargs.pop("base_url", None)
        subdomain = kwargs.pop("subdomain", None)
        url_scheme = kwargs.pop("url_scheme", None)
        if base_url is None:
            base_url = self.base_url
        elif subdomain or url_scheme:
            raise TypeError('Cannot pass "subdomain" or "url_scheme" with "base_url".')
        if base_url is None or subdomain or url_scheme:
            base_url = self._default_base_url(path, subdomain, url_scheme)
        environ_base = {**self.environ_base, **(kwargs.pop("environ_base", None) or {})}
        return build_request(
            path,
            method=method,
            base_url=base_url,
            environ_base=environ_base,
            json_dumps=self._json_dumps,
            **kwargs,
        )

    @staticmethod
    def _httpx_arguments(
        path: str,
        *,
        data: t.Any,
        content: bytes | str | None,
        params: t.Any,
        kwargs: dict[str, t.Any],
    ) -> str:
        """Fold the spec's ``request()`` arguments into ``open()``'s; returns the path."""
        if content is not None:
            if data is not None:
                raise TypeError("can't provide both content and data")
            data = content
        kwargs["data"] = data
        if params:
            if "?" in path:
                path = f"{path}&{encode_query(params)}"
            else:
                kwargs["query_string"] = params
        return path

    # -- sending ---------------------------------------------------------------------

    async def _send(self, request: TestRequest, follow_redirects: bool | None) -> TestResponse:
        """Send ``request`` and, if asked, every redirect after it."""
        response = await self._exchange(request)
        if follow_redirects is None:
            follow_redirects = self.follow_redirects
        if not follow_redirects:
            return response
        seen: set[tuple[str | None, int]] = set()
        history: list[TestResponse] = []
        while response.status_code in REDIRECT_CODES and response.location is not None:
            entry = (response.location, response.status_code)
            if entry in seen:
                raise ClientRedirectError(
                    f"Loop detected: A {response.status_code} redirect"
                    f" to {response.location} was already made."
                )
            seen.add(entry)
            response.history = tuple(history)
            history.append(response)
            response = await self._exchange(self._redirect_request(response))
        response.history = tuple(history)
        return response

    async def _exchange(self, request: TestRequest) -> TestResponse:
        """One request/response: cookies in, app call, cookies out."""
        scope = request.scope
        host = _hostname(request.host)
        path = scope["raw_path"].decode("latin-1")
        sent_scope = {**scope, "extensions": dict(scope.get("extensions") or {})}
        if self._jar is not None:
            # Flask parity: with a jar, the jar alone decides the Cookie header; one
            # passed in ``headers`` is replaced (or dropped), as in Werkzeug 3.
            cookie = self._jar.request_header(host, path)
            sent_headers = [(k, v) for k, v in scope["headers"] if k != b"cookie"]
            if cookie:
                sent_headers.append((b"cookie", cookie.encode("latin-1")))
            sent_scope["headers"] = sent_headers
        if self.preserve_context:
            sent_scope["extensions"][PRESERVE_CONTEXT_KEY] = self._new_contexts.append
        # The app gets its own copy, so what it changes (a proxy fix, a mount) shows
        # neither in ``response.request`` nor in the redirect built from it.
        app_scope = {
            **sent_scope,
            "headers": list(sent_scope["headers"]),
            "extensions": dict(sent_scope["extensions"]),
        }
        exchange = await run_asgi(
            self.application,
            app_scope,
            request.body,
            raise_server_exceptions=self.raise_server_exceptions,
        )
        headers = response_headers(exchange.headers)
        if self._jar is not None:
            self._jar.update_from_response(host, path, headers.getlist("Set-Cookie"))
        response = TestResponse(
            t.cast("int", exchange.status),
            headers,
            exchange.chunks,
            TestRequest(sent_scope, request.body),
            json_module=self._json_module(),
        )
        response._source = request
        return response

    def _redirect_request(self, response: TestResponse) -> TestRequest:
        """The request that follows ``response``'s Location.

        Flask parity: Werkzeug's ``resolve_redirect`` — other hosts are refused
        (subdomains only with ``allow_subdomain_redirects``), the root path is kept
        when the target is under it, and only 307/308 keep the method and body.
        Unlike Werkzeug, a relative Location is resolved against the request URL.
        """
        previous = response._source
        target = urlsplit(urljoin(previous.url, t.cast("str", response.location)))
        to_host = (target.hostname or "").lower()
        from_host = _hostname(previous.host)
        if to_host != from_host:
            to_parts, from_parts = to_host.split("."), from_host.split(".")
            if to_parts[-len(from_parts) :] != from_parts:
                raise RuntimeError("Following external redirects is not supported.")
            if not self.allow_subdomain_redirects:
                raise RuntimeError("Following subdomain redirects is not enabled.")

        raw_path = target.path or "/"
        root = previous.root_path
        decoded = unquote(raw_path)
        if root and (decoded == root or decoded.startswith(root + "/")):
            # Under the root path: keep it and strip its segments from the raw path.
            tail = raw_path.split("/")[root.count("/") + 1 :]
            raw_path = "/" + "/".join(tail) if tail else ""
        else:
            root = ""

        method, body = previous.method, previous.body
        raw_headers = [(k, v) for k, v in previous.scope["headers"] if k != b"host"]
        if response.status_code not in (307, 308):
            if method != "HEAD":
                method = "GET"
            body = b""
            raw_headers = [(k, v) for k, v in raw_headers if k not in _BODY_HEADERS]
        scope = assemble_scope(
            method=method,
            scheme=target.scheme,
            host=target.netloc,
            root_path=root,
            raw_path=raw_path,
            query_string=target.query.encode(),
            headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in raw_headers],
            client=previous.scope["client"],
        )
        extras = {k: v for k, v in previous.scope.items() if k not in scope}
        return TestRequest({**extras, **scope}, body)

    # -- preserved contexts ------------------------------------------------------------

    def _push_preserved(self) -> None:
        for cm in self._new_contexts:
            self._context_stack.enter_context(cm)
        self._new_contexts.clear()

    def _begin_preserve(self) -> None:
        if self.preserve_context:
            raise RuntimeError("Cannot nest client invocations")
        self.preserve_context = True

    def _end_preserve(self) -> None:
        self.preserve_context = False
        self._context_stack.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.application!r}>"

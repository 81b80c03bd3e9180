"""Veloce's stand-in for ``werkzeug.middleware``: the proxy and dispatcher middleware.

They are ASGI middleware with Werkzeug's signatures, so the Flask idioms
``app.wsgi_app = ProxyFix(app.wsgi_app, ...)`` and ``DispatcherMiddleware(app, {...})``
keep working on a Veloce app (whose ``wsgi_app`` is an ASGI callable).
"""

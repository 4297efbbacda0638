"""Headers every response carries, and cookies that follow the scheme the officer actually uses.

- ``Content-Security-Policy``: scripts and stylesheets only from this site's own files (no inline
  script at all, so an injected ``<script>`` or ``onclick`` does nothing), no plugins, no
  ``<base>`` tricks, forms post only here, and no other site may frame our pages. The one inline
  ``<style>`` is the diagram's (webapp/diagram/drawing.py), allowed by its hash, not by 'unsafe-inline'.
- ``X-Frame-Options: DENY`` for browsers that predate ``frame-ancestors``; ``nosniff``; a
  ``Referrer-Policy`` that never sends our addresses (dossier ids) to another site.
- ``Cache-Control: no-store`` on pages (not on static files): a dossier page must not stay in a
  shared cache or come back with the Back button after logout.
- ``Strict-Transport-Security`` and ``Secure`` cookies whenever the request came over HTTPS,
  which behind a reverse proxy the app knows only from X-Forwarded-Proto: ``MOTCUA_PROXY_COUNT``
  says how many proxies in front of the app to trust (0: none, the default).
"""
from __future__ import annotations

import base64
import hashlib

from flask import request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

from webapp.diagram import STYLE as DIAGRAM_STYLE

UNCACHED_BLUEPRINTS_EXEMPT = ("static", "vendor")


def _style_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    f"style-src 'self' {_style_hash(DIAGRAM_STYLE)}",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class SchemeAwareSessionInterface(SecureCookieSessionInterface):
    """The session cookie is ``Secure`` when configured so, and also whenever this request came
    over HTTPS: a cookie set on an HTTPS page is never sent back over plain HTTP."""

    def get_cookie_secure(self, app) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def init_app(app) -> None:
    proxies = int(app.config.get("PROXY_COUNT", 0) or 0)
    if proxies:
        # Client address (login throttling, logs) and scheme (Secure cookies, HSTS) from the
        # proxies we run, never from whoever sends the header directly.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies)
    app.session_interface = SchemeAwareSessionInterface()
    app.after_request(_add_headers)


def _add_headers(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if (request.blueprint or request.endpoint or "") not in UNCACHED_BLUEPRINTS_EXEMPT \
            and "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = "no-store"
    return response

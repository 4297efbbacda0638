"""The web app: an application factory and one blueprint per audience.

To add a blueprint, append its module to ``BLUEPRINTS``: the module must expose ``bp``. Pages
that need a login put ``login_required`` on their views (or in a ``before_request``); engine
errors are turned into responses in one place (webapp/errors.py).
"""
from __future__ import annotations

from importlib import import_module

from flask import Flask

from engine.bootstrap import Motcua
from engine.config import Settings

BLUEPRINTS = (
    "webapp.health",
    "webapp.auth",
    "webapp.inbox",
    "webapp.reception",
    "webapp.dossiers",
    "webapp.notices",
    "webapp.registers",
    "webapp.admin",
    "webapp.supervise",
    "webapp.notifications",
    "webapp.public",
    "webapp.verification",
    "webapp.users",
    "webapp.account",
    "webapp.api",
    "webapp.payments",
    "webapp.vendor",
    "webapp.observability",
    "webapp.procedures",
    "webapp.statistics",
    "webapp.statistics_units",
    "webapp.citizen",
    "webapp.online_queue",
    "webapp.admin_outbox",
    "webapp.admin_units",
)


def create_app(settings: Settings | None = None, test_config: dict | None = None) -> Flask:
    settings = settings or Settings()
    app = Flask(__name__, instance_relative_config=True)
    from webapp import params
    params.init_app(app)  # before any route: <int:…> is bounded to the id columns' range
    app.config.from_mapping(
        MAX_CONTENT_LENGTH=20 * 1024 * 1024,
        # The session cookie carries the login: never readable by scripts, never sent on
        # cross-site POSTs. Secure needs HTTPS, so it is switched on by configuration
        # (MOTCUA_SESSION_COOKIE_SECURE=true) where the app is served over TLS.
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=False,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        # Failed logins allowed per username and client address within the window (minutes).
        LOGIN_MAX_FAILURES=5,
        LOGIN_FAILURE_WINDOW_MINUTES=15,
    )
    app.config.from_prefixed_env("MOTCUA")
    if test_config:
        app.config.update(test_config)
    if not (test_config or {}).get("SECRET_KEY"):  # tests bring their own; nothing else may
        from webapp.secret import secret_key
        app.config["SECRET_KEY"] = secret_key(settings.instance_dir)
    app.config["REMEMBER_COOKIE_SECURE"] = app.config["SESSION_COOKIE_SECURE"]
    app.extensions["motcua"] = Motcua(settings)
    app.jinja_env.trim_blocks = app.jinja_env.lstrip_blocks = True  # small, readable HTML

    from flask_wtf.csrf import CSRFProtect
    CSRFProtect(app)

    from webapp import auth, errors, i18n, observability
    observability.init_app(app)
    i18n.init_app(app)
    auth.init_app(app)
    errors.init_app(app)
    from webapp import security
    security.init_app(app)
    for name in BLUEPRINTS:
        app.register_blueprint(import_module(name).bp)
    return app


def motcua(app: Flask | None = None) -> Motcua:
    from flask import current_app
    return (app or current_app).extensions["motcua"]

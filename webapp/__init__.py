"""The web app: an application factory and one blueprint per audience (added as they land)."""
from __future__ import annotations

from flask import Flask

from engine.bootstrap import Motcua
from engine.config import Settings


def create_app(settings: Settings | None = None, test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(SECRET_KEY="dev-only-change-me", MAX_CONTENT_LENGTH=20 * 1024 * 1024)
    app.config.from_prefixed_env("MOTCUA")
    if test_config:
        app.config.update(test_config)
    app.extensions["motcua"] = Motcua(settings)

    from webapp import health
    app.register_blueprint(health.bp)
    return app


def motcua(app: Flask | None = None) -> Motcua:
    from flask import current_app
    return (app or current_app).extensions["motcua"]

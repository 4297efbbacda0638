"""Liveness and readiness for load balancers and the demo's first page."""
from flask import Blueprint, jsonify, redirect, url_for
from sqlalchemy import text

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    from webapp import motcua
    with motcua().read_session() as session:
        session.execute(text("SELECT 1"))
    return jsonify(status="ok")


@bp.get("/")
def index():
    # The officer's start page is the inbox (which sends anonymous visitors to the login).
    return redirect(url_for("inbox.index"))

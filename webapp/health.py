"""Liveness and readiness for load balancers and the demo's first page."""
from flask import Blueprint, jsonify
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
    return "<!doctype html><html lang=vi><meta charset=utf-8><title>motcua</title><h1>Một cửa — motcua</h1><p>Hệ thống đang chạy.</p>"

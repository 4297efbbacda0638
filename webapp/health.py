"""Liveness and readiness for load balancers and the demo's first page.

``/healthz``: the process answers and can read the database. ``/readyz``: send it traffic: the
database answers within a second and its schema is the one this code expects (during an upgrade,
new code on an old schema, or old code on a new one, is not ready). Both answer JSON; a failing
readiness check is a 503, never a 500.
"""
from flask import Blueprint, jsonify
from sqlalchemy import text

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    from webapp import motcua
    with motcua().read_session() as session:
        session.execute(text("SELECT 1"))
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    from engine import migrate
    from webapp import motcua
    checks = {}
    try:
        with motcua().read_session() as session:
            if not motcua().sqlite:
                session.execute(text("SET LOCAL statement_timeout = 1000"))
            session.execute(text("SELECT 1"))
            checks["database"] = "ok"
            current = session.execute(text("SELECT version_num FROM alembic_version")).scalar()
        expected = migrate.head()
        checks["schema"] = "ok" if current == expected else f"at {current}, code expects {expected}"
    except Exception as exc:  # unreachable, timed out, no schema yet
        checks.setdefault("database", f"unavailable: {type(exc).__name__}")
    ready = all(value == "ok" for value in checks.values()) and "schema" in checks
    return jsonify(status="ready" if ready else "not ready", checks=checks), 200 if ready else 503


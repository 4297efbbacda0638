"""For administrators: mail and SMS to citizens that failed to go out, with the operator's or the
mail server's answer, so the cause can be fixed (the scheduler retries until it gives up)."""
from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

from engine.queries.outbox import undelivered
from webapp import motcua

bp = Blueprint("admin_outbox", __name__)


@bp.before_request
@login_required
def _administrators_only():
    if not current_user.is_admin:
        abort(404)


@bp.get("/admin/outbox")
def index():
    with motcua().read_session() as s:
        rows = undelivered(s)
    return render_template("admin/outbox.html", rows=rows)

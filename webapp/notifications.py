"""The notification list, mark-as-read, and the unread count in every page's header."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from engine.commands._steps import RECEPTION, SUPERVISOR
from engine.commands.notifications import mark_read
from engine.models import Membership
from engine.queries.notifications import notifications, unread_count
from webapp import motcua
from webapp.auth import safe_next
from webapp.params import page_number

bp = Blueprint("notifications", __name__)


@bp.app_context_processor
def _header_facts():
    """What the header shows a logged-in officer: unread notifications, the supervisor's and the
    one-stop officer's links."""
    if not current_user or not current_user.is_authenticated:
        return {}
    with motcua().read_session() as s:
        unread = unread_count(s, current_user.id)
        roles = set(s.execute(select(Membership.role).where(Membership.user_id == current_user.id)).scalars())
    return {"unread_notifications": unread, "is_supervisor": SUPERVISOR in roles,
            "is_reception": RECEPTION in roles, "has_memberships": bool(roles)}


@bp.get("/notifications")
@login_required
def index():
    unread_only = request.args.get("unread") == "1"
    page = page_number()
    with motcua().read_session() as s:
        listing = notifications(s, current_user.id, unread_only=unread_only, page=page)
    return render_template("notifications/list.html", listing=listing)


@bp.post("/notifications/<int:notification_id>/read")
@login_required
def read(notification_id: int):
    mark_read(motcua().uow(), actor_id=current_user.id, notification_id=notification_id)
    return redirect(safe_next(request.form.get("next"), url_for(".index")))


@bp.post("/notifications/read-all")
@login_required
def read_all():
    mark_read(motcua().uow(), actor_id=current_user.id)
    return redirect(url_for(".index"))

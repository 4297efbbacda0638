"""The notification list, mark-as-read, and the unread count in every page's header."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from markupsafe import Markup, escape
from flask_login import current_user, login_required

from engine.commands._steps import RECEPTION, SUPERVISOR
from engine.commands.notifications import mark_read
from engine.queries.notifications import notifications
from webapp import motcua
from webapp.auth import header, safe_next
from webapp.params import page_number

bp = Blueprint("notifications", __name__)


@bp.app_context_processor
def _header_facts():
    """What the header shows a logged-in officer: unread notifications, the supervisor's and the
    one-stop officer's links."""
    facts = header()
    if facts is None:
        return {}
    return {"unread_notifications": facts.unread_notifications, "is_supervisor": SUPERVISOR in facts.roles,
            "is_reception": RECEPTION in facts.roles, "has_memberships": bool(facts.roles)}


@bp.app_template_filter("code_whole")
def code_whole(text, code: str | None) -> Markup:
    """``text`` with each mention of the dossier's code kept on one line (``.dossier-code``): a
    code broken at one of its hyphens at the end of a line on a phone no longer reads as one."""
    text = escape(text)
    if not code:
        return text
    return Markup(text.replace(escape(code), Markup('<span class="dossier-code">%s</span>') % code))


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

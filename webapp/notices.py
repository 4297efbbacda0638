"""Printed notices to the citizen, on the shared print layout (_print.html): the supplement
request (form 02, at reception or during processing), the refusal at reception (form 03), and the
notices of withdrawal and of stopping processing."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from engine.queries.notices import ending_notice
from engine.queries.reception import guidance_slip
from webapp import motcua

bp = Blueprint("notices", __name__)


@bp.before_request
@login_required
def _officers_only():
    """Every page here needs a login."""


def _local(instant):
    return instant.astimezone(ZoneInfo(motcua().settings.timezone))


@bp.get("/supplement-requests/<int:request_id>")
def supplement_request(request_id: int):
    with motcua().read_session() as s:
        slip = guidance_slip(s, current_user.id, request_id)
    return render_template("notices/supplement_request.html", slip=slip, dated=_local(slip.requested_at))


@bp.get("/dossiers/<int:dossier_id>/refusal")
def refusal(dossier_id: int):
    return _ending(dossier_id, "refused", "notices/refusal.html")


@bp.get("/dossiers/<int:dossier_id>/withdrawal")
def withdrawal(dossier_id: int):
    return _ending(dossier_id, "withdrawn", "notices/ending.html")


@bp.get("/dossiers/<int:dossier_id>/stop-notice")
def stop_notice(dossier_id: int):
    return _ending(dossier_id, "stopped", "notices/ending.html")


def _ending(dossier_id: int, action: str, template: str):
    with motcua().read_session() as s:
        notice = ending_notice(s, current_user.id, dossier_id, action)
    return render_template(template, notice=notice, d=notice.dossier, dated=_local(notice.at))

"""Printed notices to the citizen, on the shared print layout (_print.html): the supplement
request (form 02, at reception or during processing), the refusal at reception (form 03), and the
notices of withdrawal and of stopping processing; and the two forms that end a dossier with one
of those notices (withdraw, stop)."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine.commands import stop, withdraw
from engine.queries.dossier import dossier_header
from engine.queries.notices import ending_notice, ending_rights
from engine.queries.reception import guidance_slip
from webapp import motcua
from webapp.errors import on_form_invalid

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


# The two ways to end a dossier without a result: the command, the notice it prints, and who may.
ENDINGS = {"withdraw": (withdraw, "notices.withdrawal"), "stop": (stop, "notices.stop_notice")}


@bp.route("/dossiers/<int:dossier_id>/<any(withdraw, stop):kind>", methods=["GET", "POST"])
def end_dossier(dossier_id: int, kind: str):
    with motcua().read_session() as s:
        header = dossier_header(s, current_user.id, dossier_id)
        allowed = getattr(ending_rights(s, current_user.id, header), kind)
    if not allowed:
        abort(404)
    values = request.form if request.method == "POST" else {}
    if request.method == "GET":
        return render_template("notices/end_form.html", d=header, kind=kind, values=values, errors={})
    on_form_invalid(lambda errors: render_template("notices/end_form.html", d=header, kind=kind, values=values,
                                                   errors=errors))
    command, notice = ENDINGS[kind]
    dossier = command(motcua().uow(), actor_id=current_user.id, dossier_id=dossier_id,
                      reason=values.get("reason", ""), requested_by=values.get("requested_by", ""))
    flash(_("Đã ghi nhận công dân rút hồ sơ %(code)s.", code=dossier.code) if kind == "withdraw"
          else _("Đã dừng xử lý hồ sơ %(code)s.", code=dossier.code), "success")
    return redirect(url_for(notice, dossier_id=dossier_id))

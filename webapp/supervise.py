"""The supervisor's pages: open escalations (acknowledge, open the dossier to reassign), and the
apology and new return date (form 04): issue it once, print it."""
from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user, login_required

from engine import clock
from engine.calendar.working_time import HOURS_PER_WORKING_DAY
from engine.commands.escalations import acknowledge, issue_apology
from engine.commands.partners import retry_dead_letter
from engine.queries.apologies import apology_slip, apology_state
from engine.queries.escalations import escalations_page, supervised_agencies
from engine.queries.partners import dead_letters, retrying_messages
from webapp import motcua
from webapp.days import read_day, read_time
from webapp.errors import on_form_invalid
from webapp.params import id_value, page_number

bp = Blueprint("supervise", __name__)


@bp.before_request
@login_required
def _officers_only():
    """Every page here needs a login; the engine decides who may see and do what."""


@bp.get("/supervise")
def index():
    with motcua().read_session() as s:
        listing = escalations_page(s, current_user.id, page=page_number())
        agencies = supervised_agencies(s, current_user.id)
        # Messages to partners that gave up, for the dossiers of the agencies this officer supervises.
        dead = dead_letters(s, agency_ids=agencies) if agencies else []
        # Those that failed and are still resent by the scheduler: nothing to do unless they become dead.
        retrying = retrying_messages(s, agencies)
    return render_template("supervise/escalations.html", listing=listing, supervisor=bool(agencies), dead=dead,
                           retrying=retrying)


@bp.post("/supervise/partner-messages/<int:outbox_id>/retry")
def retry_partner_message(outbox_id: int):
    retry_dead_letter(motcua().uow(), actor_id=current_user.id, outbox_id=outbox_id)
    flash(_("Thư sẽ được gửi lại cho đối tác trong vài phút tới."), "success")
    return redirect(_dossier_page_asked() or url_for(".index"))


def _dossier_page_asked() -> str | None:
    """The dossier page the form came from (its ``next``), so the officer sees the hand-off change;
    only a dossier page of this app, rebuilt by url_for, never any other address."""
    target = request.form.get("next", "")
    dossier_id = id_value(target.rpartition("/")[2])
    if dossier_id is not None and target == url_for("dossiers.show", dossier_id=dossier_id):
        return target
    return None


@bp.post("/supervise/escalations/<int:escalation_id>/acknowledge")
def acknowledge_escalation(escalation_id: int):
    escalation = acknowledge(motcua().uow(), actor_id=current_user.id, escalation_id=escalation_id)
    flash(_("Đã xác nhận cảnh báo của hồ sơ %(code)s.", code=escalation.dossier.code), "success")
    return redirect(url_for(".index"))


def _zone() -> ZoneInfo:
    return ZoneInfo(motcua().settings.timezone)


def render_apology(dossier_id: int, *, values=None, errors=None):
    with motcua().read_session() as s:
        state = apology_state(s, current_user.id, dossier_id)
    values = dict(values or {})
    if state.suggested_due_at and "new_date" not in values:
        local = state.suggested_due_at.astimezone(_zone())
        values = {"new_date": local.strftime("%d/%m/%Y"), "new_time": local.strftime("%H:%M"), **values}
    return render_template("supervise/apology.html", state=state, d=state.dossier, values=values,
                           errors=errors or {}, now=clock.now())


@bp.get("/dossiers/<int:dossier_id>/apology")
def apology(dossier_id: int):
    return render_apology(dossier_id)


def _new_due_at(form) -> datetime | None:
    """The form's date and time, read in the agency's zone (what the officer sees on the wall clock);
    None when missing or unreadable, which the command refuses along with its other problems."""
    day = read_day(form.get("new_date"))
    at = read_time(form.get("new_time")) if (form.get("new_time") or "").strip() else time(17, 0)
    return datetime.combine(day, at, _zone()) if day is not None and at is not None else None


@bp.post("/dossiers/<int:dossier_id>/apology")
def issue(dossier_id: int):
    form = {key: request.form.get(key, "") for key in ("reason", "new_date", "new_time")}
    on_form_invalid(lambda errors: render_apology(dossier_id, values=form, errors=errors))
    issue_apology(motcua().uow(), actor_id=current_user.id, dossier_id=dossier_id, reason=form["reason"],
                  new_due_at=_new_due_at(request.form))
    flash(_("Đã lập phiếu xin lỗi và hẹn lại ngày trả kết quả. Hãy in phiếu để thủ trưởng cơ quan ký."), "success")
    return redirect(url_for(".print_apology", dossier_id=dossier_id))


@bp.get("/dossiers/<int:dossier_id>/apology/print")
def print_apology(dossier_id: int):
    with motcua().read_session() as s:
        slip = apology_slip(s, current_user.id, dossier_id)
    zone = _zone()
    return render_template("supervise/apology_print.html", slip=slip, d=slip.dossier, a=slip.apology,
                           issued=slip.apology.issued_at.astimezone(zone),
                           new_due=slip.apology.new_due_at.astimezone(zone), now=clock.now())


@bp.app_template_filter("working_time")
def working_time_label(delta) -> str:
    """A span of office time as people say it: 1 ngày làm việc 2 giờ 30 phút (a working day is 8
    hours: "ngày" alone would read as calendar days)."""
    minutes = int(abs(delta).total_seconds() // 60)
    days, minutes = divmod(minutes, HOURS_PER_WORKING_DAY * 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if days:
        parts.append(ngettext("%(num)d ngày làm việc", "%(num)d ngày làm việc", days))
    if hours:
        parts.append(_("%(n)d giờ", n=hours))
    if minutes or not parts:
        parts.append(_("%(n)d phút", n=minutes))
    return " ".join(parts)

"""The dossier tracking register (form 06): per agency and period, printable on A4 landscape and
exported as CSV (UTF-8, opens in a spreadsheet)."""
from __future__ import annotations

import csv
import io
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from engine import clock
from engine.queries.registers import MAX_DAYS, register_agencies, tracking_register
from webapp import labels, motcua
from webapp.days import DAY_INVALID, FIRST_YEAR, LAST_YEAR, read_day, year_out_of_range
from webapp.i18n import format_datetime, procedure_label, status_label
from webapp.params import id_value

bp = Blueprint("registers", __name__)


@bp.before_request
@login_required
def _officers_only():
    """Every page here needs a login."""


def _choice():
    """The agency and period asked for (default: the officer's first agency, this month so far),
    and what is wrong with them."""
    with motcua().read_session() as s:
        agencies = register_agencies(s, current_user.id)
    if not agencies:
        abort(404)
    today = clock.now().astimezone(ZoneInfo(motcua().settings.timezone)).date()
    errors = {}
    agency_id = id_value(request.args.get("agency_id")) or agencies[0][0]
    if agency_id not in {a for a, _name in agencies}:
        abort(404)
    start = read_day(request.args.get("from")) if request.args.get("from") else today.replace(day=1)
    end = read_day(request.args.get("to")) if request.args.get("to") else today
    if start is None or end is None:
        errors["fields"] = [name for name, day in (("from", start), ("to", end)) if day is None]
        start, end = today.replace(day=1), today
        errors["period"] = str(DAY_INVALID)
    outside = [name for name, day in (("from", start), ("to", end)) if not FIRST_YEAR <= day.year <= LAST_YEAR]
    if outside:  # 31/12/9999 was a server error
        errors.update(fields=outside, period=year_out_of_range())
        start, end = today.replace(day=1), today
    if end < start or (end - start).days >= MAX_DAYS:
        errors["period"] = _("Khoảng thời gian phải từ 1 đến %(n)d ngày, ngày bắt đầu không sau ngày kết thúc.", n=MAX_DAYS)
        errors["fields"] = ["from", "to"]
        start, end = today.replace(day=1), today
    return agencies, agency_id, start, end, errors


@bp.get("/registers/tracking")
def tracking():
    agencies, agency_id, start, end, errors = _choice()
    with motcua().read_session() as s:
        register = tracking_register(s, current_user.id, agency_id, start, end)
    # A refused period stays in its fields as typed, beside its error; the register below is this month's.
    typed = {name: request.args.get(name, "")[:20] for name in ("from", "to")}
    return render_template("registers/tracking.html", register=register, agencies=agencies, errors=errors, typed=typed,
                           dated=clock.now().astimezone(ZoneInfo(motcua().settings.timezone)))


@bp.get("/registers/tracking.csv")
def tracking_csv():
    _agencies, agency_id, start, end, errors = _choice()
    if errors:  # a refused period: the register's page says why, beside the wrong field
        return redirect(url_for(".tracking", **request.args))
    with motcua().read_session() as s:
        register = tracking_register(s, current_user.id, agency_id, start, end)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*(labels.label(c) for c in ("row_number", "dossier_code", "procedure", "applicant", "address")),
                     _("Cơ quan chủ trì giải quyết"),
                     _("Ngày, giờ nhận hồ sơ"), _("Ngày, giờ hẹn trả kết quả"), _("Ngày, giờ chuyển hồ sơ"),
                     _("Ngày, giờ nhận kết quả"), _("Ngày, giờ trả kết quả"), labels.label("status"), _("Ghi chú")])
    for line in register.lines:
        writer.writerow([line.number, line.code, procedure_label(line.procedure_name), line.applicant_name, line.applicant_address,
                         line.lead_agency, format_datetime(line.received_at), format_datetime(line.appointed_at),
                         format_datetime(line.transferred_at), format_datetime(line.result_at),
                         format_datetime(line.returned_at), status_label(line.status),
                         "; ".join(notes(line))])
    name = f"so-theo-doi-ho-so-{start:%Y%m%d}-{end:%Y%m%d}.csv"
    # The byte-order mark lets spreadsheet programs read the Vietnamese letters as UTF-8.
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.app_template_global("register_notes")
def notes(line) -> list[str]:
    """The notes column: how the dossier ended if not with a result, supplements, a new date."""
    said = []
    if line.status in (3, 7, 8):
        said.append(status_label(line.status))
    if line.supplements:
        said.append(ngettext("Yêu cầu bổ sung %(n)d lần", "Yêu cầu bổ sung %(n)d lần", line.supplements, n=line.supplements))
    if line.new_due_at:
        said.append(_("Hẹn lại %(at)s", at=format_datetime(line.new_due_at)))
    return said

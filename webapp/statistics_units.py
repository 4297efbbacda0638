"""Statistics by unit: for one agency and a period, the steps each of its units handled (early,
on time, late against the step's due time; open within time or overdue), with a chart beside the
table, the steps behind every figure, and the table as CSV or XLSX. Same readers as the other
statistics pages (webapp/statistics.py): leaders and supervisors of the agency, administrators."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from engine.queries.dossier import openable_dossiers
from engine.statistics.steps import CANCELLED, NO_UNIT, STEP_FIGURES
from engine.statistics.tables import readable_agencies, unit_drill_down, unit_table
from webapp import labels, motcua
from webapp.charts import STEP_SEGMENTS, stacked_bars
from webapp.i18n import current_language
from webapp.spreadsheets import Share, Sheet, csv_download, xlsx_download
from webapp.statistics import (
    FIGURE_WORDS, PERIOD_KINDS, _filename, chosen_period, days_between, download_heading, listing_args, reader,
    today,
)
from webapp.params import page_number
from webapp.verdicts import VERDICTS

bp = Blueprint("statistics_units", __name__)

STEP_WORDS = {
    "received": _l("Tổng số bước"), "carried_over": FIGURE_WORDS["carried_over"], "new": _l("Mới nhận"),
    **{name: VERDICTS[name] for name in STEP_FIGURES if name in VERDICTS},
    CANCELLED: _l("Hủy, không phải xử lý"),
}
STEP_LEGEND = (_l("Trước hạn"), _l("Đúng hạn"), _l("Trễ hạn"), _l("Đang xử lý, trong hạn"),
               _l("Đang xử lý, quá hạn"), _l("Hủy hoặc không quy định thời hạn"))


@bp.before_request
@login_required
def _readers_only():
    """Every page here needs a login; the queries check the agencies."""


@bp.app_template_filter("unit_name")
def unit_label(unit) -> str:
    """The unit's name in the page's language (its Vietnamese name when it has no English one)."""
    if unit is None:
        return _("Chưa giao bộ phận")
    return unit.name_en if current_language() == "en" and unit.name_en else unit.name


def _load():
    """The period, the agency (the one asked for, else the first the reader may read) and its table."""
    with motcua().read_session() as s:
        agencies = readable_agencies(s, current_user.id)
        if not agencies:
            abort(404)
        agency_id = request.args.get("agency_id", type=int) or agencies[0][0]
        if agency_id not in {a for a, _n in agencies}:
            abort(404)
        reading = reader(s, agencies, [agency_id])
        now = today(reading)
        period, args, errors = chosen_period(now)
        result = unit_table(s, reading, period)
    return period, args, errors, agencies, result, {**args, "agency_id": agency_id}, now


@bp.get("/statistics/units")
def index():
    if request.args.get("view", "unit") != "unit":  # the chooser asked for another view
        return redirect(url_for("statistics.index", **request.args))
    period, args, errors, agencies, result, scope, now = _load()
    chart = stacked_bars([(unit_label(unit), f) for unit, f in result.rows], _("Kết quả xử lý theo bộ phận"),
                         [str(w) for w in STEP_LEGEND], STEP_SEGMENTS)
    return render_template("statistics/units.html", table=result, period=period, chart=chart, args=args, scope=scope,
                           errors=errors, agencies=agencies, agency_ids=[result.agency_id], group="unit",
                           choice_action=url_for("statistics_units.index"), period_kinds=PERIOD_KINDS,
                           today=now, step_columns=STEP_FIGURES, step_words=STEP_WORDS, no_unit=NO_UNIT,
                           unit_label=unit_label)


@bp.get("/statistics/units/steps")
def steps():
    figure = request.args.get("figure", "")
    unit_id = request.args.get("unit_id", type=int)
    if figure not in STEP_FIGURES:
        abort(404)
    with motcua().read_session() as s:
        agencies = readable_agencies(s, current_user.id)
        agency_id = request.args.get("agency_id", type=int)
        if agency_id not in {a for a, _n in agencies}:
            abort(404)
        reading = reader(s, agencies, [agency_id])
        period, args, errors = chosen_period(today(reading))
        if errors:
            abort(404)
        table = unit_table(s, reading, period)
        units = {(unit.id if unit else NO_UNIT): unit for unit, _f in table.rows}
        if unit_id is not None and unit_id not in units:
            abort(404)
        listing = unit_drill_down(s, reading, period, figure, unit_id=unit_id, page=page_number())
        openable = openable_dossiers(s, current_user.id, [r.dossier_id for r in listing.rows])
    back = url_for("statistics_units.index", **args, agency_id=agency_id)
    return render_template("statistics/unit_steps.html", listing=listing, figure=figure, period=period, back=back,
                           openable=openable,
                           pager_args=listing_args(),
                           step_words=STEP_WORDS, agency_name=table.agency_name,
                           unit_name=unit_label(units[unit_id]) if unit_id is not None else None,
                           unit_names={key: unit_label(unit) for key, unit in units.items()})


def _sheet(result) -> Sheet:
    header = [labels.label("unit"), *(str(STEP_WORDS[name]) for name in STEP_FIGURES), _("Tỷ lệ đúng hạn")]
    lines = [[unit_label(unit), *(f[name] for name in STEP_FIGURES), Share(f.on_time_share)] for unit, f in result.rows]
    lines.append([_("Tổng cộng"), *(result.total[name] for name in STEP_FIGURES), Share(result.total.on_time_share)])
    heading = download_heading(_("Kết quả xử lý theo bộ phận"), [result.agency_name],
                               days_between(result.period.first, result.period.last), result.period.zone)
    return Sheet(_("Theo bộ phận"), header, lines, heading)


@bp.get("/statistics/units/export.<extension>")
def export(extension: str):
    period, _args, errors, _agencies, result, _scope, _now = _load()
    if extension not in ("csv", "xlsx"):
        abort(404)
    if errors:  # a refused period: the page says why, beside what was typed
        return redirect(url_for(".index", **request.args))
    zone = result.period.zone
    name = _filename(period, "thong-ke-bo-phan", extension)
    if extension == "xlsx":
        return xlsx_download([_sheet(result)], name, zone)
    return csv_download(_sheet(result), name, zone)

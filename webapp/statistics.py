"""Statistics pages for leaders, supervisors and administrators: a period's figures by agency or
by procedure with a chart beside the table, the trend over twelve months, and the list of
dossiers behind every figure. Printable (Ctrl+P); no script."""
from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from markupsafe import Markup

from engine import clock
from engine import statistics as st
from engine.queries.dossier import openable_dossiers
from engine.statistics.tables import (
    READERS, Reader, drill_down, readable_agencies, reader_of, service_indices, table, trend,
)
from webapp import labels, motcua
from webapp.auth import header
from webapp.charts import share_columns, stacked_bars
from webapp.days import DAY_INVALID, FIRST_YEAR, LAST_YEAR, day_text, read_day, year_out_of_range
from webapp.i18n import format_number, format_share, procedure_label
from webapp.params import id_value, page_number
from webapp.spreadsheets import Month, Share, Sheet, csv_download, xlsx_download
from webapp.verdicts import VERDICTS

bp = Blueprint("statistics", __name__)

MAX_DAYS = 3 * 366
PERIOD_KINDS = ("month", "quarter", "year", "custom")
FIGURE_WORDS = {
    "received": _l("Tổng số hồ sơ"), "carried_over": _l("Kỳ trước chuyển qua"), "new": _l("Mới tiếp nhận"),
    "counter": _l("Trực tiếp"), "online": _l("Trực tuyến"), "post": _l("Bưu chính công ích"), **VERDICTS,
}
# Each index: what it measures, and how it is computed (shown on the page with the numbers).
INDEX_WORDS = {
    "2.1": (_l("Tỷ lệ hồ sơ giải quyết đúng hạn"),
            _l("(trước hạn + đúng hạn + đang xử lý chưa quá hạn) ÷ (đã giải quyết + đang giải quyết)")),
    "2.2": (_l("Thời gian giải quyết trung bình"),
            _l("Trung bình số ngày làm việc từ tiếp nhận đến khi có kết quả, theo thủ tục; để theo dõi, không tính điểm")),
    "3.3": (_l("Tỷ lệ hồ sơ nộp trực tuyến"),
            _l("Hồ sơ nộp trực tuyến ÷ hồ sơ mới tiếp nhận của các thủ tục có dịch vụ công trực tuyến (toàn trình hoặc một phần)")),
    "3.6": (_l("Tỷ lệ hồ sơ thanh toán trực tuyến"),
            _l("Hồ sơ nộp phí, lệ phí trực tuyến (cổng thanh toán xác nhận) ÷ hồ sơ có bước thu phí, lệ phí; trên hồ sơ đã giải quyết trong kỳ")),
    "4.1": (_l("Tỷ lệ hồ sơ cấp kết quả điện tử"),
            _l("Hồ sơ có kết quả điện tử (văn bản kết quả đã ký số) ÷ hồ sơ đã giải quyết trong kỳ")),
    "4.2": (_l("Tỷ lệ số hóa hồ sơ"),
            _l("Hồ sơ được số hóa thành phần ÷ hồ sơ tiếp nhận; hệ thống chưa ghi nhận việc số hóa")),
    "5.4": (_l("Mức độ hài lòng"),
            _l("100 % − (tỷ lệ trễ hạn + tỷ lệ có phản ánh, kiến nghị) trên hồ sơ đã giải quyết; chưa ghi nhận phản ánh nên tỷ lệ phản ánh là 0")),
}
LEGEND = (_l("Trước hạn"), _l("Đúng hạn"), _l("Trễ hạn"), _l("Đang xử lý, trong hạn"), _l("Đang xử lý, quá hạn"),
          _l("Chờ công dân"), _l("Rút, dừng, từ chối, không thời hạn"))


@bp.before_request
@login_required
def _readers_only():
    """Every page here needs a login; the queries check the agencies."""


def reader(session, agencies: list[tuple[int, str]], agency_ids: list[int] | None) -> Reader:
    """The logged-in reader of these agencies (None: every one of ``agencies``, those they may read)."""
    return reader_of(session, current_user.id, agency_ids, readable=agencies)


def today(reading: Reader) -> date:
    """Today where these statistics are counted: the agencies' own zone, else the deployment's."""
    return reading.today(motcua().settings.timezone)


def _whole_number(name: str, default: int) -> int:
    """A number of the period chooser: ``default`` when left empty, -1 (refused) when not a whole
    number; month 0 or year 'abc' were taken as this month and this year, without a word."""
    text = request.args.get(name, "").strip()
    if not text:
        return default
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 6 else -1


def chosen_period(now: date) -> tuple[st.Period, dict, dict]:
    """The period asked for (default: this month, ``now`` being today where it is counted), the
    arguments that name it, and what was wrong."""
    zone, errors = motcua().settings.timezone, {}
    kind = request.args.get("period", "month")
    if kind not in PERIOD_KINDS:
        kind = "month"
    year = _whole_number("year", now.year)
    month = _whole_number("month", now.month)
    quarter = _whole_number("quarter", (now.month - 1) // 3 + 1)
    if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12 and 1 <= quarter <= 4):
        errors["period"] = _("Kỳ báo cáo không hợp lệ.")
        kind, year, month = "month", now.year, now.month
    if kind == "custom":
        try:
            first = read_day(request.args.get("from")) if request.args.get("from") else now.replace(day=1)
            last = read_day(request.args.get("to")) if request.args.get("to") else now
            if first is None or last is None:
                errors["period"] = str(DAY_INVALID)  # 31/02/2026: say so, not that the period is too long
                raise ValueError
            if not (FIRST_YEAR <= first.year <= LAST_YEAR and FIRST_YEAR <= last.year <= LAST_YEAR):
                errors["period"] = year_out_of_range()  # 31/12/9999 was a server error
                raise ValueError
            if last < first or (last - first).days >= MAX_DAYS:
                raise ValueError
            period = st.Period(first, last, zone)
        except ValueError:
            errors.setdefault("period", _("Khoảng thời gian phải từ 1 ngày đến 3 năm, ngày bắt đầu không sau ngày kết thúc."))
            kind, period = "month", st.Period.month(now.year, now.month, zone)
    elif kind == "quarter":
        period = st.Period.quarter(year, quarter, zone)
    elif kind == "year":
        period = st.Period.year(year, zone)
    else:
        period = st.Period.month(year, month, zone)
    if period.first > now:  # nothing has happened there yet: today's open dossiers read as its figures
        errors["period"] = not_begun(now)
        kind, period = "month", st.Period.month(now.year, now.month, zone)
    args = {"period": kind}
    if kind == "custom":
        args.update({"from": period.first.isoformat(), "to": period.last.isoformat()})
    else:
        args.update({"year": period.first.year, **({"month": period.first.month} if kind == "month" else {}),
                     **({"quarter": (period.first.month - 1) // 3 + 1} if kind == "quarter" else {})})
    return period, args, errors


def not_begun(now: date) -> str:
    """Why a period that starts after today is refused (year 2099 listed today's open dossiers as
    carried over into it, as if known)."""
    return _("Kỳ báo cáo chưa bắt đầu: hôm nay là ngày %(today)s. Chọn kỳ bắt đầu từ hôm nay trở về trước.",
             today=day_text(now))


def listing_args() -> dict:
    """The arguments of the listing asked for, without its page (the pager adds it)."""
    return {name: value for name, value in request.args.items() if name != "page"}


def _agency_filter(agencies) -> list[int] | None:
    agency_id = request.args.get("agency_id", type=int)
    if agency_id is None:
        return None
    if agency_id not in {a for a, _n in agencies}:
        abort(404)
    return [agency_id]


def twelve_months(period: st.Period) -> list[st.Period]:
    last = st.Period.month(period.last.year, period.last.month, period.zone)
    first_year, first_month = divmod(last.first.year * 12 + last.first.month - 1 - 11, 12)
    return st.Period(date(first_year, first_month + 1, 1), last.last, period.zone).months()


VIEWS = ("agency", "procedure")


def _load(group: str | None = None, with_trend: bool = True):
    """What the page, its exports and the report read: the period, the table and the trend."""
    if group is None:  # the page shows agencies or procedures; the report sectors
        group = request.args.get("view", "agency")
        group = group if group in VIEWS else "agency"
    with motcua().read_session() as s:
        agencies = readable_agencies(s, current_user.id)
        if not agencies:
            abort(404)
        agency_ids = _agency_filter(agencies)
        reading = reader(s, agencies, agency_ids)
        now = today(reading)
        period, args, errors = chosen_period(now)
        result = table(s, reading, period, group)
        months = trend(s, reading, twelve_months(period)) if with_trend else []
    scope = {**args, **({"agency_id": agency_ids[0]} if agency_ids else {})}
    return period, args, errors, agencies, agency_ids, group, result, months, scope, now


@bp.get("/statistics")
def index():
    if request.args.get("view") == "unit":  # one agency's units: webapp/statistics_units.py
        return redirect(url_for("statistics_units.index", **request.args))
    period, args, errors, agencies, agency_ids, group, result, months, scope, now = _load()
    scope = {**scope, "view": group}
    chart = stacked_bars([(row_name(group, row), row.figures) for row in result.rows],
                         _("Kết quả giải quyết theo cơ quan") if group == "agency" else _("Kết quả giải quyết theo thủ tục"),
                         [str(w) for w in LEGEND])
    trend_chart = share_columns([(f"{m.first:%m/%Y}", f.on_time_share, f["received"]) for m, f in months],
                                _("Tỷ lệ giải quyết đúng hạn 12 tháng"))
    return render_template("statistics/index.html", table=result, period=period, choice_action=url_for("statistics.index"),
                           chart=chart, months=months, trend_chart=trend_chart,
                           agencies=agencies, agency_ids=agency_ids, group=group, args=args, scope=scope, errors=errors,
                           figure_words=FIGURE_WORDS, period_kinds=PERIOD_KINDS, today=now, row_name=row_name)


def row_name(group: str, row) -> str:
    """A row's name in the page's language: a procedure by its catalogue entry's English on an
    English page; an agency by its own name (a proper name, as its papers write it)."""
    return row.label if group == "agency" else procedure_label(row.label)


@bp.get("/statistics/dossiers")
def dossiers():
    figure = request.args.get("figure", "")
    if figure not in st.FIGURES:
        abort(404)
    procedure_id = id_value(request.args["procedure_id"]) if "procedure_id" in request.args else None
    if "procedure_id" in request.args and procedure_id is None:  # 99999999999 was a 500 on PostgreSQL
        abort(404)
    with motcua().read_session() as s:
        agencies = readable_agencies(s, current_user.id)
        if not agencies:
            abort(404)
        agency_ids = _agency_filter(agencies)
        reading = reader(s, agencies, agency_ids)
        period, args, errors = chosen_period(today(reading))
        if errors:
            abort(404)
        listing = drill_down(s, reading, period, figure, procedure_ids=[procedure_id] if procedure_id else None,
                             page=page_number())
        openable = openable_dossiers(s, current_user.id, [r.id for r in listing.rows])
    back = url_for("statistics.index", **args, **({"agency_id": agency_ids[0]} if agency_ids else {}))
    return render_template("statistics/dossiers.html", listing=listing, figure=figure, period=period, back=back,
                           figure_words=FIGURE_WORDS, pager_args=listing_args(), openable=openable)


@bp.app_template_filter("percent")
def percent(share: float | None) -> Markup:
    """62,5 % in Vietnamese, 62.5 % in English; — when nothing was judged. One piece, never broken
    between the number and its sign in a narrow column (statistics.css)."""
    return Markup('<span class="share">%s</span>') % format_share(share)


@bp.app_context_processor
def _statistics_facts():
    """The table's columns, and whether the header offers the statistics link."""
    facts = header()
    reads = facts is not None and (bool(current_user.is_admin) or not facts.roles.isdisjoint(READERS))
    return {"columns": st.FIGURES, "reads_statistics": reads}


def download_heading(title: str, agency_names: list[str], period: str, zone: str) -> tuple[str, ...]:
    """The lines above a downloaded table, in the reader's language: what it is, whose, which
    period (``days_between``, ``months_between``), and when it was made (the agency's time)."""
    whose = "; ".join(agency_names) if len(agency_names) <= 5 else _("%(num)d cơ quan", num=len(agency_names))
    made = clock.now().astimezone(ZoneInfo(zone))
    return (title, _("Cơ quan: %(names)s", names=whose), period,
            _("Lập lúc: %(when)s (%(zone)s)", when=made.strftime("%d/%m/%Y %H:%M"), zone=zone_words(made)))


VIETNAM = {"Asia/Ho_Chi_Minh", "Asia/Saigon"}


def zone_words(moment) -> str:
    """Whose clock ``moment`` (aware, in its zone) reads, for a person: "giờ Việt Nam, UTC+07:00";
    another zone by its offset at that moment (summer time included), never its database id."""
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    utc = f"UTC{'-' if minutes < 0 else '+'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    if str(moment.tzinfo) in VIETNAM:
        return _("giờ Việt Nam, %(offset)s", offset=utc)
    return _("giờ %(offset)s", offset=utc)


def days_between(first: date, last: date) -> str:
    return _("Kỳ báo cáo: từ ngày %(start)s đến ngày %(end)s", start=day_text(first), end=day_text(last))


def months_between(first: date, last: date) -> str:
    return _("Kỳ báo cáo: từ tháng %(first)s đến tháng %(last)s", first=f"{first:%m/%Y}", last=f"{last:%m/%Y}")


def _figure_sheet(title: str, first: str, rows, total, heading: tuple[str, ...]) -> Sheet:
    header = [first, *(str(FIGURE_WORDS[name]) for name in st.FIGURES), _("Tỷ lệ đúng hạn")]
    lines = [[label, *(f[name] for name in st.FIGURES), Share(f.on_time_share)] for label, f in rows]
    if total is not None:
        lines.append([_("Tổng cộng"), *(total[name] for name in st.FIGURES), Share(total.on_time_share)])
    return Sheet(title, header, lines, heading)


def _sheets(group, result, months, agency_names: list[str]) -> list[Sheet]:
    by = _("Theo cơ quan") if group == "agency" else _("Theo thủ tục")
    zone = result.period.zone
    what = _("Kết quả giải quyết theo cơ quan") if group == "agency" else _("Kết quả giải quyết theo thủ tục")
    main = _figure_sheet(by, labels.label("agency") if group == "agency" else labels.label("procedure"),
                         [(row_name(group, row), row.figures) for row in result.rows], result.total,
                         download_heading(what, agency_names, days_between(result.period.first, result.period.last),
                                          zone))
    span = months_between(months[0][0].first, months[-1][0].first) if months else \
        days_between(result.period.first, result.period.last)
    monthly = _figure_sheet(_("Theo tháng"), _("Tháng"), [(Month(m.first), f) for m, f in months], None,
                            download_heading(_("Kết quả giải quyết theo tháng"), agency_names, span, zone))
    return [main, monthly]


def agency_names(agencies, agency_ids) -> list[str]:
    """The names of the agencies a table covers: the one chosen, else every one the reader reads."""
    return [name for aid, name in agencies if agency_ids is None or aid in agency_ids]


def _filename(period: st.Period, what: str, extension: str) -> str:
    return f"{what}-{period.first:%Y%m%d}-{period.last:%Y%m%d}.{extension}"


@bp.get("/statistics/export.<extension>")
def export(extension: str):
    period, _args, errors, agencies, agency_ids, group, result, months, _scope, _now = _load()
    if extension not in ("csv", "xlsx"):
        abort(404)
    if errors:  # a refused period: the page says why, beside what was typed
        return redirect(url_for(".index", **request.args))
    sheets = _sheets(group, result, months, agency_names(agencies, agency_ids))
    zone = result.period.zone
    if extension == "xlsx":
        return xlsx_download(sheets, _filename(period, "thong-ke", "xlsx"), zone)
    sheet = sheets[1] if request.args.get("table") == "trend" else sheets[0]
    return csv_download(sheet, _filename(period, "thong-ke" if sheet is sheets[0] else "thong-ke-theo-thang", "csv"),
                        zone)


@bp.get("/statistics/report")
def report():
    """The periodic report by sector, printable, for the chosen agency (or every agency in scope)."""
    _period, _args, errors, agencies, agency_ids, _group, result, _months, scope, _now = _load("sector",
                                                                                              with_trend=False)
    names = dict(agencies)
    reporter = names[agency_ids[0]] if agency_ids else (agencies[0][1] if len(agencies) == 1 else _("Các cơ quan"))
    return render_template("statistics/report.html", table=result, scope=scope, errors=errors, reporter=reporter)


@bp.get("/statistics/indices")
def service_indices_page():
    with motcua().read_session() as s:
        agencies = readable_agencies(s, current_user.id)
        if not agencies:
            abort(404)
        agency_ids = _agency_filter(agencies)
        reading = reader(s, agencies, agency_ids)
        now = today(reading)
        period, args, errors = chosen_period(now)
        result = service_indices(s, reading, period)
    scope = {**args, **({"agency_id": agency_ids[0]} if agency_ids else {})}
    return render_template("statistics/indices.html", result=result, period=period, args=args, errors=errors,
                           agencies=agencies, agency_ids=agency_ids, group=None, scope=scope, today=now,
                           choice_action=url_for("statistics.service_indices_page"), index_words=INDEX_WORDS)


@bp.app_template_filter("days")
def days(value: float) -> str:
    return format_number(value, 1)
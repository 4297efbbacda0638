"""System administration: the start page with the system's state (what waits to go out, what
gave up, open escalations and overdue work, the scheduler's last run), the working-time calendar
(days off, worked weekends, re-seeding from the `holidays` package), each agency's office hours and
time zone, partner agencies' systems (their addresses and keys, messages that failed, requests we
refused), the national portal's sync (backlog, last error, records that gave up) and the messages
to citizens and officers that did not go out.

Only system administrators see these pages; to anyone else they do not exist (404). The engine
checks the same again in every command and query.
"""
from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required

from engine import clock
from engine.commands import calendar_admin
from engine.commands import mail as mail_commands
from engine.commands import partners as partner_commands
from engine.commands import portal as portal_commands
from engine.errors import FormInvalid
from engine.queries import mail as mail_queries
from engine.queries import partners as partner_queries
from engine.queries import portal as portal_queries
from engine.queries.calendar_admin import agencies_hours, calendar_codes, year_view
from engine.queries.system_state import system_state
from webapp import motcua
from webapp.days import DAY_INVALID, FIRST_YEAR, LAST_YEAR, read_day, year_out_of_range
from webapp.errors import on_form_invalid
from webapp.params import id_value

bp = Blueprint("admin", __name__, url_prefix="/admin")

MONTHS = [_l("Tháng 1"), _l("Tháng 2"), _l("Tháng 3"), _l("Tháng 4"), _l("Tháng 5"), _l("Tháng 6"),
          _l("Tháng 7"), _l("Tháng 8"), _l("Tháng 9"), _l("Tháng 10"), _l("Tháng 11"), _l("Tháng 12")]
WEEKDAYS = [_l("T2"), _l("T3"), _l("T4"), _l("T5"), _l("T6"), _l("T7"), _l("CN")]
WEEKDAY_NAMES = [_l("Thứ Hai"), _l("Thứ Ba"), _l("Thứ Tư"), _l("Thứ Năm"), _l("Thứ Sáu"), _l("Thứ Bảy"),
                 _l("Chủ nhật")]
REJECT_REASONS = {
    "unknown_partner": _l("Đối tác không có hoặc đã ngừng"),
    "bad_signature": _l("Chữ ký không đúng"),
    "stale_timestamp": _l("Thời điểm gửi quá cũ hoặc ở tương lai"),
    "bad_body": _l("Nội dung không hợp lệ"),
    "replay": _l("Gửi lại cùng khóa với nội dung khác"),
    "bad_headers": _l("Tiêu đề yêu cầu sai định dạng"),
    "bad_timestamp": _l("Thời điểm gửi sai định dạng"),
    "bad_idempotency_key": _l("Khóa chống gửi trùng sai định dạng"),
    "bad_payload": _l("Dữ liệu của tin nhắn không đúng biểu mẫu"),
    "rate_limited": _l("Bị tạm chặn vì bị từ chối quá nhiều lần"),
}
MAIL_FAILURES = {
    "invalid_address": _l("Địa chỉ email không hợp lệ, thư không được gửi"),
    "refused": _l("Máy chủ thư từ chối nhận"),
    "gave_up": _l("Không gửi được sau nhiều lần thử"),
}


@bp.before_request
@login_required
def _administrators_only():
    if not current_user.is_admin:
        abort(404)


@bp.app_template_filter("weekday_name")
def weekday_name(day: date) -> str:
    return str(WEEKDAY_NAMES[day.weekday()])


def parse_day(text: str | None, field: str = "day") -> date:
    """The day of a calendar form; a year the calendar pages do not show (05/03/1999, 0026: a slip
    of the keyboard) is refused, since the day could be neither seen nor removed there."""
    day = read_day(text)
    if day is None:
        raise FormInvalid({field: [str(DAY_INVALID)]})
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise FormInvalid({field: [year_out_of_range()]})
    return day


def _this_year() -> int:
    return clock.now().astimezone(ZoneInfo(motcua().settings.timezone)).year


def _known_code(code: str) -> str:
    with motcua().read_session() as s:
        if code not in calendar_codes(s):
            abort(404)
    return code


@bp.get("/")
def index():
    """The administrator's start page: the system's state, each count leading to its page."""
    with motcua().read_session() as s:
        state = system_state(s, current_user.id)
    return render_template("admin/index.html", state=state)


@bp.get("/calendar")
def calendar():
    code = _known_code(request.args.get("code", "VN"))
    try:
        year = int(request.args.get("year", _this_year()))
    except ValueError:
        abort(404)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        abort(404)
    return _calendar_page(code, year)


def _calendar_page(code: str, year: int, form: str = "", errors=None, values=None):
    with motcua().read_session() as s:
        view = year_view(s, current_user.id, code, year)
    return render_template("admin/calendar.html", view=view, months=MONTHS, weekdays=WEEKDAYS,
                           failed_form=form, errors=errors or {}, values=values or {})


def _posted_year(default: date | None = None) -> int:
    try:
        year = int(request.form.get("year", ""))
    except ValueError:
        year = default.year if default else _this_year()
    return year if FIRST_YEAR <= year <= LAST_YEAR else _this_year()


def _back_to(code: str, year: int):
    return redirect(url_for(".calendar", code=code, year=year))


@bp.post("/calendar/<code>/days-off")
def add_day_off(code: str):
    code = _known_code(code)
    year = _posted_year()
    on_form_invalid(lambda errors: _calendar_page(code, year, "day_off", errors, request.form))
    day = parse_day(request.form.get("day"))
    calendar_admin.add_day_off(motcua().uow(), actor_id=current_user.id, calendar_code=code, day=day,
                               name=request.form.get("name", ""))
    flash(_("Đã thêm ngày nghỉ %(day)s.", day=day.strftime("%d/%m/%Y")), "success")
    return _back_to(code, day.year)


@bp.post("/calendar/<code>/working-days")
def add_working_day(code: str):
    code = _known_code(code)
    year = _posted_year()
    on_form_invalid(lambda errors: _calendar_page(code, year, "working_day", errors, request.form))
    day = parse_day(request.form.get("day"))
    calendar_admin.add_working_day(motcua().uow(), actor_id=current_user.id, calendar_code=code, day=day,
                                   name=request.form.get("name", ""))
    flash(_("Đã đánh dấu %(day)s là ngày làm việc.", day=day.strftime("%d/%m/%Y")), "success")
    return _back_to(code, day.year)


@bp.post("/calendar/<code>/days/<day>/remove")
def remove_exception(code: str, day: str):
    code = _known_code(code)
    try:
        when = date.fromisoformat(day)
    except ValueError:
        abort(404)
    calendar_admin.remove_exception(motcua().uow(), actor_id=current_user.id, calendar_code=code, day=when)
    flash(_("Ngày %(day)s đã trở lại như ngày thường.", day=when.strftime("%d/%m/%Y")), "success")
    return _back_to(code, when.year)


@bp.post("/calendar/<code>/reseed")
def reseed(code: str):
    code = _known_code(code)
    added = calendar_admin.reseed(motcua().uow(), actor_id=current_user.id, calendar_code=code)
    flash(ngettext("Đã cập nhật từ danh mục ngày lễ dựng sẵn: thêm %(n)d ngày; các điều chỉnh của quản trị được giữ nguyên.",
                   "Đã cập nhật từ danh mục ngày lễ dựng sẵn: thêm %(n)d ngày; các điều chỉnh của quản trị được giữ nguyên.", added,
                   n=added), "success")
    return _back_to(code, _posted_year())


@bp.get("/agencies")
def agencies():
    return _agencies_page()


def _agencies_page(failed_agency: int | None = None, errors=None, values=None):
    with motcua().read_session() as s:
        rows = agencies_hours(s, current_user.id)
    return render_template("admin/agencies.html", agencies=rows, failed_agency=failed_agency,
                           errors=errors or {}, values=values or {})


@bp.post("/agencies/<int:agency_id>/hours")
def set_hours(agency_id: int):
    on_form_invalid(lambda errors: _agencies_page(agency_id, errors, request.form))
    agency = calendar_admin.set_office_hours(
        motcua().uow(), actor_id=current_user.id, agency_id=agency_id,
        office_hours=request.form.get("office_hours", ""), timezone=request.form.get("timezone", ""))
    flash(_("Đã lưu giờ làm việc của %(agency)s.", agency=agency.name), "success")
    return redirect(url_for(".agencies"))


# Partner agencies' own systems (docs/PARTNERS.md): who we exchange with, and what went wrong.

def _partners_page(failed: str = "", errors=None, values=None):
    with motcua().read_session() as s:
        rows = partner_queries.partners(s, current_user.id)
        agencies = partner_queries.agency_choices(s, current_user.id)
    return render_template("admin/partners.html", partners=rows, agencies=agencies, failed_form=failed,
                           errors=errors or {}, values=values or {})


def _posted_agency() -> int | None:
    return id_value(request.form.get("agency_id"))


@bp.get("/partners")
def partners():
    return _partners_page()


@bp.post("/partners")
def add_partner():
    on_form_invalid(lambda errors: _partners_page("new", errors, request.form))
    partner = partner_commands.save_partner(
        motcua().uow(), actor_id=current_user.id, code=request.form.get("code", ""),
        name=request.form.get("name", ""), endpoint=request.form.get("endpoint", ""),
        our_code=request.form.get("our_code", ""), key=request.form.get("key", ""), agency_id=_posted_agency(),
        adding=True)
    flash(_("Đã thêm đối tác %(code)s.", code=partner.code), "success")
    return redirect(url_for(".partners"))


def _partner(partner_id: int):
    with motcua().read_session() as s:
        found = [p for p in partner_queries.partners(s, current_user.id) if p.id == partner_id]
    if not found:
        abort(404)
    return found[0]


@bp.post("/partners/<int:partner_id>")
def edit_partner(partner_id: int):
    current = _partner(partner_id)
    on_form_invalid(lambda errors: _partners_page(str(partner_id), errors, request.form))
    # A blank key keeps the keys as they are; a new one becomes current and the old one previous.
    key = request.form.get("key", "").strip() or None
    partner_commands.save_partner(
        motcua().uow(), actor_id=current_user.id, code=current.code, name=request.form.get("name", ""),
        endpoint=request.form.get("endpoint", ""), our_code=request.form.get("our_code", ""), key=key,
        agency_id=_posted_agency(), active=current.active)
    if key:
        flash(_("Đã lưu đối tác %(code)s với khóa mới; khóa cũ vẫn được chấp nhận cho đến lần đổi khóa sau.",
                code=current.code), "success")
    else:
        flash(_("Đã lưu đối tác %(code)s.", code=current.code), "success")
    return redirect(url_for(".partners"))


@bp.post("/partners/<int:partner_id>/active")
def set_partner_active(partner_id: int):
    active = request.form.get("active") == "1"
    partner = partner_commands.set_partner_active(motcua().uow(), actor_id=current_user.id, partner_id=partner_id,
                                                  active=active)
    if active:
        flash(_("Đã kích hoạt lại đối tác %(code)s.", code=partner.code), "success")
    else:
        flash(_("Đã ngừng trao đổi với đối tác %(code)s.", code=partner.code), "success")
    return redirect(url_for(".partners"))


@bp.get("/partners/messages")
def partner_messages():
    with motcua().read_session() as s:
        dead = partner_queries.dead_letters(s)
        waiting = partner_queries.waiting_messages(s, current_user.id)
        rejects = partner_queries.recent_rejects(s, current_user.id)
    return render_template("admin/partner_messages.html", dead=dead, waiting=waiting, rejects=rejects,
                           reject_reasons=REJECT_REASONS)


@bp.post("/partners/messages/<int:outbox_id>/retry")
def retry_partner_message(outbox_id: int):
    partner_commands.retry_dead_letter(motcua().uow(), actor_id=current_user.id, outbox_id=outbox_id)
    flash(_("Thư sẽ được gửi lại cho đối tác trong vài phút tới."), "success")
    return redirect(url_for(".partner_messages"))


@bp.get("/portal")
def portal():
    with motcua().read_session() as s:
        backlog = portal_queries.backlog(s, current_user.id)
        dead = portal_queries.records(s, current_user.id, dead=True)
        waiting = portal_queries.records(s, current_user.id, dead=False)
    return render_template("admin/portal.html", backlog=backlog, dead=dead, waiting=waiting,
                           configured=motcua().portal_client is not None)


@bp.post("/portal/<int:outbox_id>/resend")
def resend_portal_record(outbox_id: int):
    portal_commands.resend_dead_letter(motcua().uow(), actor_id=current_user.id, outbox_id=outbox_id)
    flash(_("Bản ghi sẽ được gửi lại lên Cổng Dịch vụ công quốc gia trong vài phút tới."), "success")
    return redirect(url_for(".portal"))


@bp.get("/mail")
def mail():
    """Messages that did not go out: mail never delivered, with why (it may be sent again); mail
    and SMS that failed and are retried, or SMS given up; and how much mail still waits."""
    with motcua().read_session() as s:
        failed = mail_queries.undelivered(s, current_user.id)
        failing = mail_queries.failing_messages(s, current_user.id)
        waiting = mail_queries.waiting_count(s, current_user.id)
    return render_template("admin/mail.html", failed=failed, failing=failing, waiting=waiting,
                           reasons=MAIL_FAILURES)


@bp.post("/mail/<int:mail_id>/resend")
def resend_mail(mail_id: int):
    mail_commands.resend(motcua().uow(), actor_id=current_user.id, mail_id=mail_id)
    flash(_("Thư sẽ được gửi lại trong vài phút tới."), "success")
    return redirect(url_for(".mail"))

"""Languages and formats: Vietnamese by default, English on request; Vietnamese date format and
the agency's time zone whatever the language.

Message ids are the Vietnamese texts themselves, so Vietnamese needs no catalogue; English lives
in translations/en/LC_MESSAGES/messages.po, compiled to messages.mo when the app starts (the .mo is
not kept in git). To add texts, append their entries to the .po (or run pybabel extract/update:
`pybabel extract -F webapp/babel.cfg -k _l -k Nn_:1,2 --no-location --omit-header -o /tmp/messages.pot webapp` then
`pybabel update -i /tmp/messages.pot -d webapp/translations`); tests/web/test_i18n.py finds
texts without an English translation.
"""
from __future__ import annotations

import os
import tempfile
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from flask import current_app, g, has_app_context, session
from flask_babel import Babel, format_decimal, get_locale, get_translations
from flask_babel import lazy_gettext as _l, lazy_pgettext
from flask_login import current_user
from jinja2 import pass_context

from engine.procedures.catalogue import EnglishNames, english_names
from engine.statuses import DossierStatus
from webapp import labels
from webapp.days import day_text

LOCALES = ("vi", "en")
LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}

ROLE_LABELS = {
    "reception": _l("Tiếp nhận và trả kết quả"),
    "specialist": _l("Chuyên viên"),
    "leader": _l("Lãnh đạo"),
    "supervisor": _l("Giám sát"),
    "modeller": _l("Thiết kế quy trình"),
}

# History events, said as what happened. The same Vietnamese names a button elsewhere ("Nhận xử
# lý", "Trả lại"), which English says as a command: context "event" keeps the two apart.
ACTION_LABELS = {
    "received": _l("Tiếp nhận hồ sơ"),
    "started": _l("Bắt đầu xử lý"),
    "claimed": lazy_pgettext("event", "Nhận xử lý"),
    "released": _l("Trả về hàng chờ của đơn vị"),
    "completed": _l("Hoàn thành bước"),
    "sent_back": lazy_pgettext("event", "Trả lại"),
    "reassigned": _l("Giao lại cho cán bộ khác"),
    "returned_to_finisher": _l("Giao lại cho cán bộ đã xử lý"),
    "withdrawn": _l("Công dân rút hồ sơ"),
    "stopped": _l("Dừng xử lý"),
    "failed": _l("Lỗi xử lý"),
    "escalation_acknowledged": _l("Xác nhận cảnh báo"),
    "apology_issued": _l("Xin lỗi và hẹn lại ngày trả kết quả"),
    "timer_fired": _l("Hết thời gian chờ theo quy trình"),
    "timer_failed": _l("Lỗi khi chạy bước hẹn giờ"),
    "partner_message": _l("Nhận kết quả liên thông"),
    "partner_retry": _l("Gửi lại thư liên thông"),
    "result_returned_to_partner": _l("Trả kết quả cho cơ quan liên thông"),
    "refused": _l("Từ chối tiếp nhận hồ sơ"),
    "guidance_issued": _l("Hướng dẫn bổ sung, hoàn thiện hồ sơ"),
    "supplement_requested": lazy_pgettext("event", "Yêu cầu bổ sung hồ sơ"),
    "supplement_recorded": lazy_pgettext("event", "Nhận hồ sơ bổ sung"),
    "portal_resend": _l("Gửi lại lên Cổng Dịch vụ công quốc gia"),
    "registered_online": lazy_pgettext("event", "Nộp hồ sơ trực tuyến"),
    "supplement_sent_online": _l("Gửi bổ sung trực tuyến"),
    "withdrawal_requested": lazy_pgettext("event", "Đề nghị rút hồ sơ"),
    "payment_started": _l("Bắt đầu thanh toán trực tuyến"),
    "payment_failed": _l("Thanh toán trực tuyến không thành công"),
    "fee_paid_online": _l("Thanh toán phí, lệ phí trực tuyến"),
    "result_issued": _l("Phát hành kết quả điện tử"),
    "version_moved": _l("Chuyển sang phiên bản khác của quy trình"),
}


def locale() -> str:
    """The language of this request: the officer's saved choice, else the session's, else Vietnamese."""
    if current_user and current_user.is_authenticated and current_user.locale in LOCALES:
        return current_user.locale
    chosen = session.get("locale")
    return chosen if chosen in LOCALES else "vi"


def current_language() -> str:
    return get_locale().language if get_locale() else "vi"


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.extensions["motcua"].settings.timezone)


def format_datetime(value: datetime | None) -> str:
    """dd/mm/yyyy HH:MM in Asia/Ho_Chi_Minh (the configured zone), whatever the page language."""
    if value is None:
        return "—"
    return value.astimezone(_zone()).strftime("%d/%m/%Y %H:%M")


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = value.astimezone(_zone()).date()
    return day_text(value)


def format_number(value, decimals: int | None = None) -> str:
    """Thousands and decimals as the page's language writes them (2.000.000 and 120,5 in Vietnamese,
    2,000,000 and 120.5 in English). ``decimals`` fixes the digits after the separator (3,50 with
    two), for columns whose figures should line up; without it up to three are shown, as needed."""
    if value is None:
        return "—"
    if decimals is None:
        return format_decimal(value)
    return format_decimal(value, format="#,##0" + ("." + "0" * decimals if decimals else ""))


def format_share(share: float | None, decimals: int = 1) -> str:
    """A share (0.625) as a percentage in the page's language: 62,5 % / 62.5 %; — when there is none.
    The number and its sign are apart, as Vietnamese forms write them."""
    if share is None:
        return "—"
    return f"{format_number(share * 100, decimals)} %"


def format_size(size: int | None) -> str:
    """A file's size in bytes as people read it, in the page's language: 820 KB, 1,5 MB / 1.5 MB."""
    if size is None:
        return "—"
    if size < 1024 * 1024:
        return f"{format_number(max(1, round(size / 1024)))} KB"
    return f"{format_number(size / (1024 * 1024), 1)} MB"


def _per_request(label):
    """A filter whose words depend on the request (its language, the agency's zone). Jinja works out
    a filter of a constant once, when it compiles the template (``5|status``), and would keep the
    first request's language for every later one; a filter that takes the context is never worked
    out ahead, so it is called on each render."""
    @pass_context
    def filter_(_context, *args, **kwargs):
        return label(*args, **kwargs)
    return filter_


def status_label(code: int | None) -> str:
    if code is None:
        return "—"
    status = DossierStatus(code)
    return status.label_en if current_language() == "en" else status.label_vi


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))


def step_label(name: str | None) -> str | None:
    """A step's name in the page's language: on an English page, its English from the procedures'
    catalogue entries (``steps_en``), else as the diagram names it."""
    return _english_names().step(name) if current_language() == "en" else name


def procedure_label(name: str | None) -> str | None:
    """A procedure's name in the page's language: on an English page, its catalogue entry's
    English name, else as the diagram names it."""
    return _english_names().procedure(name) if current_language() == "en" else name


def field_label(name: str | None) -> str | None:
    """A field's (sector's, lĩnh vực) name in the page's language, as ``procedure_label``."""
    return _english_names().field(name) if current_language() == "en" else name


def document_label(name: str | None) -> str | None:
    """A document's name in the page's language: on an English page, a required document's
    English from the catalogue entries (``documents_en``), else as written."""
    return _english_names().document(name) if current_language() == "en" else name


def diagram_label(name: str | None) -> str | None:
    """What a drawn diagram names (a step, an event, a gateway, a flow) in the page's language: on
    an English page, by the catalogue entries (``steps_en``, else ``diagram_en``)."""
    return _english_names().element(name) if current_language() == "en" else name


def flow_label(name: str | None) -> str | None:
    """A flow's label in a drawn diagram in the page's language (``diagram_en``)."""
    return _english_names().flow(name) if current_language() == "en" else name


def _english_names() -> EnglishNames:
    """Read once per request (the catalogue's files are checked for changes on each read)."""
    if "english_names" not in g:
        g.english_names = english_names(current_app.extensions["motcua"].settings.catalogue_dir)
    return g.english_names


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def error_message(exc) -> str:
    """An engine error in the page's language (engine errors carry both)."""
    return exc.message(current_language())


def compile_translations(folder: Path) -> None:
    """Compile each messages.po under ``folder`` to the messages.mo Flask-Babel reads, when the .mo
    is missing or older. The .mo files are not kept in git: binary files cannot be merged, and the
    catalogue changes with nearly every page. Written under a temporary name and renamed, so
    processes starting together never read half a file."""
    for po in folder.glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalog = read_po(source)
        with tempfile.NamedTemporaryFile("wb", dir=mo.parent, delete=False) as target:
            write_mo(target, catalog)
        os.replace(target.name, mo)


def return_path() -> str:
    """Where the language switch comes back to: this page, or after a refused form (a POST
    re-rendered) the page the form was on, never somewhere else."""
    from flask import request
    if request.method == "GET":
        return request.full_path.rstrip("?")
    referrer = request.referrer or ""
    if referrer.startswith(request.host_url):
        return "/" + referrer[len(request.host_url):]
    return ""


def _translations():
    """The templates' translations, found once per request and locale. Flask-Babel looks them up
    anew for every string (about 7 µs: the locale's name is rebuilt each time), and a page whose
    table names its columns in every row asks for two hundred or more. Kept with the very locale
    object in force, so a block under ``force_locale`` (a mail in the citizen's language) gets its
    own and the page's come back after it."""
    if not has_app_context():
        return get_translations()
    locale = get_locale()
    found = g.get("_motcua_translations")
    if found is None or found[0] is not locale:
        found = g._motcua_translations = (locale, get_translations())
    return found[1]


def init_app(app) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "vi")
    # The citizens' pages keep their own catalogue (translations_citizen), merged with the officers'.
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "translations;translations_citizen")
    compile_translations(Path(app.root_path) / "translations")
    compile_translations(Path(app.root_path) / "translations_citizen")
    Babel(app, locale_selector=locale)
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n), newstyle=True)
    from webapp.days import MAX_LENGTH as DAY_MAX_LENGTH
    from webapp.delivery_problems import plain_delivery_problem
    app.jinja_env.filters.update({name: _per_request(f) for name, f in dict(
        datetime=format_datetime, date=format_date, number=format_number, share=format_share, filesize=format_size,
        status=status_label, role=role_label, step=step_label, procedure=procedure_label, field=field_label,
        document=document_label, diagram=diagram_label, action=action_label,
        delivery_problem=plain_delivery_problem, day_text=day_text).items()})
    app.jinja_env.tests["date"] = lambda value: isinstance(value, date)
    app.jinja_env.globals.update(current_language=current_language, LANGUAGE_NAMES=LANGUAGE_NAMES,
                                 return_path=return_path, DAY_MAX_LENGTH=DAY_MAX_LENGTH)
    labels.init_app(app)  # the one label of each concept, on every page

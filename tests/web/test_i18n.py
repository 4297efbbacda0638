"""Vietnamese first, English on request (remembered per officer); Vietnamese dates, Hà Nội time."""
from __future__ import annotations

import ast
import io
import os
import re
from datetime import date, datetime, timezone
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask import render_template_string
from flask_babel import force_locale
import pytest
from sqlalchemy import select

from engine import contact
from engine.errors import FormInvalid
from engine.models import User
from engine.procedures.forms import validate_form
from tests.web.conftest import page_text
from webapp.field_messages import _FIGURES, WITH_VALUES, in_page_language, translated
from webapp.i18n import compile_translations, format_date, format_datetime

WEBAPP = Path(__file__).resolve().parents[2] / "webapp"
CATALOG = WEBAPP / "translations" / "en" / "LC_MESSAGES"
# The citizens' pages keep a catalogue of their own (webapp/i18n.py), merged at run time.
CATALOGS = [CATALOG, WEBAPP / "translations_citizen" / "en" / "LC_MESSAGES"]


def test_pages_are_vietnamese_by_default(browser):
    page = browser().text("/login")
    assert '<html lang="vi">' in page and "Tên đăng nhập" in page and "Mật khẩu" in page


def test_english_switch_is_remembered_for_that_officer_only(browser, demo, receive_dossier):
    receive_dossier()
    minh = browser("chuyenvien")
    response = minh.post("/language", {"locale": "en", "next": "/inbox?tab=unclaimed"})
    assert response.location == "/inbox?tab=unclaimed"
    page = minh.text("/inbox?tab=unclaimed")
    assert '<html lang="en">' in page and "My work" in page and "Unclaimed in my units" in page
    assert "Log out" in page and "Tiếng Việt" in page  # the way back
    with demo.motcua.read_session() as s:
        assert s.scalar(select(User.locale).where(User.username == "chuyenvien")) == "en"
    # Another day, another computer: still English. A colleague: still Vietnamese.
    assert "My work" in browser("chuyenvien").text("/inbox")
    assert "Việc của tôi" in browser("chuyenvien2").text("/inbox")
    minh.post("/language", {"locale": "vi"})
    assert "Việc của tôi" in browser("chuyenvien").text("/inbox")


def test_engine_messages_follow_the_language(browser, receive_dossier):
    _, item = receive_dossier()
    browser("chuyenvien").post(f"/tasks/{item}/claim")
    thu = browser("chuyenvien2")
    thu.post("/language", {"locale": "en"})
    thu.post(f"/tasks/{item}/claim")
    assert "Already claimed by Trần Văn Minh." in thu.text("/inbox")


def test_an_anonymous_visitor_can_switch_for_the_session(browser):
    b = browser()
    b.post("/language", {"locale": "en", "next": "/login"})
    assert "Username" in b.text("/login")
    assert "Tên đăng nhập" in browser().text("/login")
    b.post("/language", {"locale": "tlh"})  # not offered: ignored
    assert "Username" in b.text("/login")


def test_times_are_shown_in_ho_chi_minh_city_time_as_dd_mm_yyyy(app):
    with app.app_context():
        evening_utc = datetime(2026, 11, 23, 20, 30, tzinfo=timezone.utc)
        assert format_datetime(evening_utc) == "24/11/2026 03:30"
        assert format_date(evening_utc) == "24/11/2026"
        assert format_date(date(2026, 1, 5)) == "05/01/2026"
        assert format_date(date(26, 1, 5)) == "05/01/0026"  # the recorded day as typed, wrong as it is
        assert format_datetime(None) == "—"


def test_a_count_of_one_is_singular_in_english(app):
    template = '{{ ngettext("%(num)s hồ sơ", "%(num)s hồ sơ", n, num=n|number) }}'
    with app.test_request_context():
        assert render_template_string(template, n=1) == "1 hồ sơ"
        with force_locale("en"):
            assert [render_template_string(template, n=n) for n in (1, 2)] == ["1 dossier", "2 dossiers"]
        # A page's translations are kept for the request: a block in another language (a mail to a
        # citizen) has its own, and the page's language comes back after it.
        assert render_template_string(template, n=2) == "2 hồ sơ"


def test_inbox_shows_reception_time_in_local_time(browser, receive_dossier):
    receive_dossier()  # at the frozen 09:00 in Hà Nội, 02:00 UTC
    b = browser("chuyenvien")
    b.post("/language", {"locale": "en"})
    assert "23/11/2026 09:00" in b.text("/inbox?tab=unclaimed")  # same format in English


def test_every_text_of_the_web_app_has_an_english_translation():
    translated = set()
    for catalog_dir in CATALOGS:
        with open(catalog_dir / "messages.po", "rb") as f:
            translated |= {m.id for m in read_po(f, locale="en") if m.id and m.string}
    method_map = [("**.py", "python"), ("templates/**.html", "jinja2")]
    used = {msg for _file, _line, msg, _comments, _ctx in extract_from_dir(
        str(WEBAPP), method_map=method_map, keywords={"_": None, "gettext": None, "_l": None, "N_": None,
                                                      "Nn_": (1, 2), "lazy_gettext": None, "ngettext": (1, 2),
                                                      "pgettext": ((1, "c"), 2), "lazy_pgettext": ((1, "c"), 2)})}
    missing = sorted(str(m) for m in used if m not in translated)
    assert not missing, ("untranslated: update webapp/translations (see webapp/i18n.py): " + repr(missing))


def test_no_text_is_in_a_catalogue_twice():
    """A second entry of a message is silently dropped by the compiler: an edit made to the wrong
    one would never show."""
    for catalog_dir in CATALOGS:
        entries = re.findall(r'^(?:msgctxt (".*")\n)?msgid ((?:".*"\n)+)', (catalog_dir / "messages.po").read_text(),
                             flags=re.MULTILINE)
        keys = [(context, "".join(re.findall(r'"(.*)"', text))) for context, text in entries]
        repeated = sorted({key for key in keys if keys.count(key) > 1})
        assert not repeated, f"{catalog_dir}: {repeated}"


def _plain(text):
    """A message's text, or its forms (one, many) as a tuple: the .mo reader gives them as a list."""
    return tuple(text) if isinstance(text, (list, tuple)) else text


def test_the_catalogue_is_compiled_from_the_po_at_start_and_again_after_an_edit(tmp_path):
    """The .mo is not kept in git: the app compiles the .po when the .mo is missing or older."""
    folder = tmp_path / "en" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = folder / "messages.po"
    po.write_bytes((CATALOG / "messages.po").read_bytes())
    compile_translations(tmp_path)
    with open(po, "rb") as f:
        expected = {_plain(m.id): _plain(m.string) for m in read_po(f, locale="en") if m.id and m.string}
    with open(folder / "messages.mo", "rb") as f:
        assert {_plain(m.id): _plain(m.string) for m in read_mo(f) if m.id} == expected

    po.write_text(po.read_text(encoding="utf-8") + '\nmsgid "Chào"\nmsgstr "Hello"\n', encoding="utf-8")
    later = (folder / "messages.mo").stat().st_mtime + 10
    os.utime(po, (later, later))  # edited after the last compilation
    compile_translations(tmp_path)
    with open(folder / "messages.mo", "rb") as f:
        assert {_plain(m.id): m.string for m in read_mo(f)}["Chào"] == "Hello"


def _engine_field_messages() -> set[str]:
    """The fixed texts the engine gives as field errors: ``FormInvalid({"field": ["…"]})``,
    ``problems["field"] = ["…"]``, ``problems.append("…")`` and a returned ``{"field": ["…"]}``
    under engine/."""
    found = set()
    for source in (WEBAPP.parent / "engine").rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            values = []
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "FormInvalid" \
                    and node.args and isinstance(node.args[0], ast.Dict):
                values = [e for v in node.args[0].values if isinstance(v, ast.List) for e in v.elts]
            elif isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Subscript) \
                    and isinstance(node.value, ast.List):
                values = node.value.elts
            elif isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "append" \
                    and getattr(node.func.value, "id", None) == "problems":
                values = node.args
            elif isinstance(node, ast.Dict):  # problems returned as a dict: {"checklist": ["…"]}
                values = [e for v in node.values if isinstance(v, ast.List) for e in v.elts]
            found |= {v.value for v in values if isinstance(v, ast.Constant) and isinstance(v.value, str)}
    return found


_VIETNAMESE = re.compile(r"[ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ]", re.I)


def test_the_engines_field_messages_read_english_on_an_english_page(app):
    schema = {"type": "object", "required": ["opinion", "count", "on", "kind"], "additionalProperties": False,
              "properties": {"opinion": {"title": "Ý kiến", "type": "string", "minLength": 5, "maxLength": 8},
                             "count": {"type": "integer", "minimum": 1, "maximum": 3},
                             "on": {"title": "Ngày", "type": "string", "format": "date"},
                             "off": {"title": "Ngày kết thúc", "type": "string", "format": "date"},
                             "kind": {"type": "string", "enum": ["a", "b"]},
                             "id": {"type": "string", "pattern": "^[0-9]{12}$"},
                             "serial": {"type": "string", "pattern": "^[0-9]{6,8}$"},
                             "code": {"type": "string", "pattern": "^[A-Z]+$"}},
              "x-compare": [{"field": "off", "op": ">=", "to": "on"}, {"field": "on", "op": "<=", "to": "$today"}]}
    from_forms = []
    for data in ({}, {"opinion": "abc", "count": 0, "on": "2026-13-01", "kind": "c", "extra": 1, "id": "0123",
                      "serial": "12", "code": "a"},
                 {"opinion": "x" * 9, "count": 1.5, "on": "2099-01-01", "off": "2098-01-01", "kind": 1},
                 {"opinion": "x" * 5, "count": 4, "on": "2026-01-01", "kind": "a"}):
        with pytest.raises(FormInvalid) as refused:
            validate_form(schema, data, today=date(2026, 11, 23))
        from_forms += [m for messages in refused.value.field_errors.values() for m in messages]
    messages = sorted(_engine_field_messages() | set(from_forms) | {
        contact.too_long("x" * 300, 255),
        "UBND xã Tân Phong không tiếp nhận thủ tục «Đăng ký kết hôn».",
        "Còn thiếu giấy tờ bắt buộc nên chưa thể tiếp nhận: Tờ khai; Bản sao. "
        "Hãy lập phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (mẫu 02).",
        "Chưa đủ nội dung đã yêu cầu bổ sung: Tờ khai. Chỉ ghi nhận khi công dân bổ sung đầy đủ.",
        "Chưa tải lên: Tờ khai.", "Tối đa 20 dòng.", "Số lượng phải từ 1 đến 99.", "Mật khẩu cần ít nhất 10 ký tự.",
        "Ngày hẹn mới phải sau hạn hiện tại (24/11/2026 17:00) và sau thời điểm hiện tại."})
    assert "Giá trị phải là số nguyên." in messages and "Không được sau ngày hôm nay." in messages
    with app.test_request_context(), force_locale("en"):
        english = translated({"field": messages})["field"]
        still_vietnamese = [m for m, e in zip(messages, english) if e == m and _VIETNAMESE.search(
            _NAMES.sub("", m))]
        assert not still_vietnamese
        assert translated({"f": ["Tối đa 2000 ký tự."]}) == {"f": ["At most 2000 characters."]}
        assert translated({"f": ["Cần đúng 12 chữ số."]}) == {"f": ["Exactly 12 digits."]}
        assert translated({"f": ["Không được trước «Ngày cấp»."]}) == {"f": ["Must not be before «Ngày cấp»."]}
    with app.test_request_context():
        assert translated({"field": messages})["field"] == messages  # Vietnamese stays as the engine wrote it


# Values as hostile as a message may carry: a dot, brackets, a guillemet, a newline, a percent sign.
_SAMPLE_VALUES = ("12", "-3.5", "Tờ khai (bản sao). Giấy «khác»", "24/11/2026 17:00", "a\nb", "100%", "")


def test_every_message_with_values_reads_english_with_the_same_values(app):
    """Each template of the table recognises the messages the engine makes from it, whatever the
    values, and gives the English template with the same values."""
    with open(CATALOG / "messages.po", "rb") as f:
        # A counted message (webapp/field_messages.COUNTED) has its two English forms.
        english = {m.id[0] if m.pluralizable else m.id: m.string for m in read_po(f, locale="en") if m.id and m.string}
    for template in WITH_VALUES:
        assert template in english, f"not in the English catalogue: {template!r}"
        placeholders = re.findall(r"%\((\w+)\)([sd])", template)
        assert placeholders, template
        for sample in _SAMPLE_VALUES:
            if template in _FIGURES and sample == "-3.5":
                continue  # a form's bound is written as the page writes figures: below
            values = {name: int(sample) * (i + 1) if kind == "d" else f"{sample}{i or ''}"
                      for i, (name, kind) in enumerate(placeholders) if kind == "s" or sample.isdigit()}
            if len(values) < len(placeholders):
                continue  # %(name)d: a whole number only
            said = english[template]
            if isinstance(said, tuple):
                said = said[0 if values["n"] == "1" else 1]
            with app.test_request_context(), force_locale("en"):
                assert in_page_language(template % values) == said % values, (template, values)
            with app.test_request_context():
                assert in_page_language(template % values) == template % values
    with app.test_request_context(), force_locale("en"):
        assert in_page_language("Giá trị không được vượt quá 1000000000000.") == "Must not be more than 1,000,000,000,000."
        assert in_page_language("Năm phải từ 1900 đến 2100.") == "The year must be from 1900 to 2100."
    with app.test_request_context():
        assert in_page_language("Giá trị phải từ -3.5 trở lên.") == "Giá trị phải từ -3,5 trở lên."


@pytest.mark.parametrize("message, one, many", [
    ("Tối đa %s dòng.", "At most 1 line.", "At most 60 lines."),
    ("Tối đa %s dòng, mỗi dòng tối đa 500 ký tự.", "At most 1 line, 500 characters long.",
     "At most 60 lines, 500 characters each."),
    ("Tối đa %s ký tự.", "At most 1 character.", "At most 60 characters."),
    ("Cần ít nhất %s ký tự.", "At least 1 character.", "At least 60 characters."),
    ("Cần đúng %s chữ số.", "Exactly 1 digit.", "Exactly 60 digits."),
])
def test_a_bound_of_one_is_counted_in_the_singular(app, message, one, many):
    """A limit of one line (or character, or digit) read 'At most 1 lines' on an English page."""
    with app.test_request_context():
        assert [in_page_language(message % n) for n in (1, 60)] == [message % 1, message % 60]
        with force_locale("en"):
            assert [in_page_language(message % n) for n in (1, 60)] == [one, many]


# What people named stays as they wrote it: a form field's title, an agency, a document.
_NAMES = re.compile(r"«[^»]*»|UBND xã Tân Phong|Đăng ký kết hôn|Tờ khai|Bản sao|Ý kiến|Ngày kết thúc|Ngày")


def test_a_refused_step_form_speaks_english_to_an_english_officer(browser, receive_dossier):
    _, item = receive_dossier()
    minh = browser("chuyenvien")
    minh.post("/language", {"locale": "en"})
    minh.post(f"/tasks/{item}/claim")
    page = page_text(minh.post(f"/tasks/{item}/complete", {"appraisal_opinion": "ok"}))
    assert "At least 5 characters." in page and "Cần ít nhất" not in page
    page = page_text(minh.post(f"/tasks/{item}/request-supplement", {"missing": "", "reason": ""}))
    assert "Write at least one document or item to be supplemented." in page
    assert "Give the reason for the supplement request." in page and "Cần ghi" not in page


def test_a_dossiers_procedure_is_one_procedure_in_english_and_the_menu_lists_procedures(browser, receive_dossier):
    _, item = receive_dossier()
    minh = browser("chuyenvien")
    minh.post("/language", {"locale": "en"})
    page = minh.text(f"/tasks/{item}")
    assert "<dt>Procedure</dt><dd>Marriage registration</dd>" in page and "Procedures" not in page
    tam = browser("thietke")
    tam.post("/language", {"locale": "en"})
    assert '">Procedures</a></li>' in tam.text("/inbox")


@pytest.mark.parametrize("singular, one", [
    ("Chưa chuyển được hồ sơ sang %(partner)s: đã thử %(n)d lần từ %(since)s, hệ thống đã ngừng tự gửi lại.",
     "The dossier has not reached BHXH: 1 attempt since 23/11/2026 09:00, and automatic resending has stopped."),
    ("Đang chờ chuyển hồ sơ sang %(partner)s: hệ thống của cơ quan này chưa trả lời (đã thử %(n)d lần từ %(since)s); "
     "hệ thống tự động gửi lại.",
     "Waiting to hand the dossier to BHXH: their system has not answered (1 attempt since 23/11/2026 09:00); "
     "it is resent automatically."),
    ("Yêu cầu bổ sung %(n)d lần", "Supplement requested once"),
    ("Đã cập nhật từ danh mục ngày lễ dựng sẵn: thêm %(n)d ngày; các điều chỉnh của quản trị được giữ nguyên.",
     "Updated from the built-in list of public holidays: 1 day added; administrators’ corrections kept."),
    ("Đã chuyển %(num)d hồ sơ sang phiên bản %(target)s", "Moved 1 dossier to version 3"),
    ("Bạn đã tra cứu quá nhiều lần. Vui lòng thử lại sau %(n)d phút.", "Too many lookups. Please try again in 1 minute."),
])
def test_counted_texts_read_singular_for_one_in_english(app, singular, one):
    """Texts counting something that can be one ('1 attempts', '1 time(s)' before): singular in
    English, the same Vietnamese text for every number."""
    from flask_babel import ngettext
    values = {"partner": "BHXH", "since": "23/11/2026 09:00", "target": 3}
    with app.test_request_context():
        assert ngettext(singular, singular, 2, n=2, **values) == singular % {"n": 2, "num": 2, **values}
        with force_locale("en"):
            assert ngettext(singular, singular, 1, n=1, **values) == one

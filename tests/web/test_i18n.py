"""Vietnamese first, English on request (remembered per officer); Vietnamese dates, Hà Nội time."""
from __future__ import annotations

import io
import os
from datetime import date, datetime, timezone
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask import render_template_string
from flask_babel import force_locale
from sqlalchemy import select

from engine.models import User
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
        assert format_datetime(None) == "—"


def test_a_count_of_one_is_singular_in_english(app):
    template = '{{ ngettext("%(num)d hồ sơ", "%(num)d hồ sơ", n) }}'
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
        str(WEBAPP), method_map=method_map, keywords={"_": None, "gettext": None, "_l": None,
                                                      "lazy_gettext": None, "ngettext": (1, 2)})}
    missing = sorted(str(m) for m in used if m not in translated)
    assert not missing, ("untranslated: update webapp/translations (see webapp/i18n.py): " + repr(missing))


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

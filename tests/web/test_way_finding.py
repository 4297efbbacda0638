"""Citizens and officers find their way (issue 12, points 5-7): the receipt's QR code opens the
tracking page for that dossier, the login and 404 pages lead to public tracking, the tracking code
box takes the whole code, the public history names the partner agency's part, the menu has each
entry once, and the language switch after a refused form comes back to that page."""
from __future__ import annotations

import re

import segno
from sqlalchemy import select

from engine.models import Dossier
from engine.queries.public import track
from tests.partner_instances import _partner_template, partner_database_url  # noqa: F401 (fixtures)
from tests.test_partners import pair, receive_at_a  # noqa: F401  (pair is a fixture)
from tests.web.conftest import Browser, page_text


def test_the_receipts_qr_code_opens_the_tracking_page_for_that_dossier(browser, receive_dossier, demo):
    code, _item = receive_dossier()
    with demo.motcua.read_session() as s:
        dossier_id = s.execute(select(Dossier.id).where(Dossier.code == code)).scalar_one()
    page = browser("tiepnhan").text(f"/dossiers/{dossier_id}/receipt")
    url = f"http://localhost/tra-cuu?ma={code}"
    expected = segno.make(url, error="m").svg_inline(scale=3, border=2, omitsize=True, title=code)
    assert expected in page  # the same symbols as the link's QR code: a camera opens the link
    form = browser().text(f"/tra-cuu?ma={code}")
    assert re.search(rf'<input type="text" id="code" name="code" value="{re.escape(code)}" class="dossier-code-input"', form)
    assert 'size="30"' in form and len(code) == 25


def test_login_and_not_found_pages_lead_to_public_tracking(browser, demo):
    anonymous = browser()
    assert 'href="/tra-cuu"' in anonymous.text("/login")
    missing = anonymous.get("/khong-co-trang-nay")
    assert missing.status_code == 404
    body = page_text(missing)
    assert 'href="/tra-cuu"' in body and "Về hộp việc" not in body
    officer = page_text(browser("chuyenvien").get("/khong-co-trang-nay"))
    assert "Về hộp việc" in officer and 'href="/tra-cuu"' in officer


def test_the_error_pages_lead_a_citizen_home_and_an_officer_to_the_inbox(browser, demo):
    """An expired form and a refused character show one page; a citizen (or anyone not signed in
    as an officer) is not sent to the officers' inbox, whose link opens the officers' login."""
    anonymous = browser()
    for response in (anonymous.post("/tra-cuu", {"code": "\x00", "second_factor": "1"}),
                     anonymous.post("/dang-nhap", {"email": "an@example.vn"}, csrf=False)):
        assert response.status_code == 400
        body = page_text(response)
        assert "Về hộp việc" not in body and 'href="/inbox"' not in body and '<a href="/">Trang chủ</a>' in body
    officer = page_text(browser("chuyenvien").post("/tra-cuu", {"code": "\x00", "second_factor": "1"}))
    assert "Về hộp việc" in officer


def test_the_reception_link_is_in_the_menu_once(browser, demo):
    page = browser("tiepnhan").text("/reception/new")
    nav = page[page.index("<nav"):page.index("</nav>")]
    assert nav.count('href="/reception/new"') == 1


def test_switching_language_after_a_refused_form_comes_back_to_that_page(browser, receive_dossier, demo):
    _code, item = receive_dossier()
    minh = browser("chuyenvien")
    minh.post(f"/tasks/{item}/claim")
    refused = minh.post(f"/tasks/{item}/complete", {}, headers={"Referer": f"http://localhost/tasks/{item}"})
    assert refused.status_code == 422
    assert f'name="next" value="/tasks/{item}"' in page_text(refused)
    switched = minh.post("/language", {"locale": "en", "next": f"/tasks/{item}"})
    assert switched.location == f"/tasks/{item}"


def test_the_public_history_names_the_partner_agencys_part(pair):  # noqa: F811
    a, b = pair
    dossier = receive_at_a(a)
    with a.motcua.uow() as uow:
        uow.session.get(Dossier, dossier.id).applicant_id_number = "001099000777"
        uow.commit()
    a.tick()
    a.do_step("chuyenvien", "prepare", {"draft_note": "Chờ Công an xác nhận."})
    [partner_part] = [s for s in a.read(lambda s: track(s, dossier.code, "001099000777")).steps if s.kind == "partner"]
    assert (partner_part.agency_name, partner_part.finished_at) == ("Công an xã Tân Phong", None)
    b.do_step("congan", "confirm", {"confirmed": True, "note": "Có đăng ký thường trú."})
    b.tick()
    [partner_part] = [s for s in a.read(lambda s: track(s, dossier.code, "001099000777")).steps if s.kind == "partner"]
    assert partner_part.finished_at is not None
    found = page_text(Browser(a.app).post("/tra-cuu", {"code": dossier.code, "second_factor": "001099000777"}))
    assert "Giải quyết liên thông tại Công an xã Tân Phong" in found

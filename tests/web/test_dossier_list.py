"""The dossier list (/dossiers): every dossier an officer may see, found by code, name (accents and
case ignored) or ID number, filtered by procedure, status, period and agency, newest first, a page
at a time."""
from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from conftest import FORMS_DIR
from engine.commands import receive, withdraw
from engine.commands.reception import Applicant
from engine.models import Dossier, DossierSearchKey
from engine.procedures.registry import check_and_deploy
from engine.queries.dossier_list import DossierFilters, dossier_list
from tests.web.conftest import page_text
from tests.web.test_dossier_page import other_commune  # noqa: F401  (a fixture: a second commune)

HERE = Path(__file__).parent
CODES = re.compile(r'class="dossier-code" href="/dossiers/\d+">([^<]+)<')


def _receive(demo, name="Nguyễn Văn An", procedure_key="dang_ky_ket_hon", id_number=""):
    return receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                   procedure_key=procedure_key, applicant=Applicant(name=name, id_number=id_number))


def _codes(b, url) -> list[str]:
    return CODES.findall(b.text(url))


def test_the_receptionist_finds_a_dossier_she_received_by_name_typed_without_accents(browser, demo):
    an = _receive(demo, "Nguyễn Văn An")
    _receive(demo, "Trần Thị Bình")
    b = browser("tiepnhan")
    for typed in ("Nguyen Van An", "nguyễn văn an", "NGUYEN VAN AN", "van an", "An", "  nguyen   van "):
        assert _codes(b, f"/dossiers?q={typed}") == [an.code], typed
    assert _codes(b, "/dossiers?q=guyen") == []  # a word is matched from its start
    page = b.text("/dossiers?q=Nguyen Van Zz")
    assert "Không có hồ sơ nào khớp với điều kiện tìm kiếm." in page


def test_by_code_whole_or_its_start_and_by_id_number(browser, demo):
    first = _receive(demo, "Lê Văn Cường", id_number="001203004005")
    second = _receive(demo, "Phạm Thị Dung", id_number="001203004006")
    b = browser("chuyenvien")
    assert _codes(b, f"/dossiers?q={first.code}") == [first.code]
    assert _codes(b, f"/dossiers?q={first.code.lower()}") == [first.code]
    assert _codes(b, f"/dossiers?q={first.code[:-4]}") == [second.code, first.code]
    assert _codes(b, "/dossiers?q=001203004006") == [second.code]


def test_by_the_day_and_number_read_off_the_receipt(browser, demo):
    """An officer types what follows the agency's identifier on the receipt ("261123-0002"), or the
    number alone; the whole code was needed ("000.31.21.H56-261123-0002")."""
    first, second = _receive(demo, "Lê Văn Cường"), _receive(demo, "Phạm Thị Dung")
    day_and_number = second.code.split("-", 1)[1]
    assert day_and_number.count("-") == 1 and not second.code.startswith(day_and_number)
    b = browser("tiepnhan")
    assert _codes(b, f"/dossiers?q={day_and_number}") == [second.code]
    assert _codes(b, f"/dossiers?q={second.code[-4:]}") == [second.code]
    assert _codes(b, f"/dossiers?q={day_and_number[:6]}") == [second.code, first.code]  # the day's dossiers
    # The search field says so, in the page's language.
    assert "phần cuối ghi trên giấy tiếp nhận (ngày và số thứ tự, ví dụ 261204-0004)" in b.text("/dossiers")
    assert "its end as the receipt shows it (the day and the number, e.g. 261204-0004)" in b.english().text("/dossiers")


def test_every_officer_sees_all_dossiers_of_their_agency_not_only_their_work(browser, demo, other_commune):
    dossiers = [_receive(demo, f"Người nộp {i}") for i in range(3)]
    expected = [d.code for d in reversed(dossiers)]  # newest first (same minute: the later id first)
    for username in ("tiepnhan", "chuyenvien2", "lanhdao", "giamsat"):
        assert _codes(browser(username), "/dossiers") == expected, username
    assert _codes(browser(other_commune), "/dossiers") == []
    assert _codes(browser("congan"), "/dossiers") == []  # no step of these is the police's


def test_an_agency_with_a_step_on_the_dossier_finds_it(browser, demo):
    with demo.motcua.uow() as uow:
        check_and_deploy(uow, [HERE / "police_step.bpmn"], FORMS_DIR, deployed_by="test")
        uow.commit()
    _receive(demo, "Vũ Thị Hà")
    checked = _receive(demo, "Vũ Văn Hải", procedure_key="xac_minh_cong_an")
    assert _codes(browser("congan"), "/dossiers?q=vu") == [checked.code]


def test_filters_by_procedure_status_and_period(browser, demo, frozen_clock):
    old = _receive(demo, "Đỗ Văn Cũ")
    frozen_clock.advance(timedelta(days=3))
    marriage = _receive(demo, "Đỗ Thị Mới")
    business = _receive(demo, "Đỗ Văn Kinh", procedure_key="dang_ky_ho_kinh_doanh")
    withdraw(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], dossier_id=old.id, reason="Công dân xin rút.")
    b = browser("tiepnhan")
    with demo.motcua.read_session() as s:
        procedure_id = s.get(Dossier, business.id).procedure_version.procedure_id
    assert _codes(b, f"/dossiers?procedure_id={procedure_id}") == [business.code]
    assert _codes(b, "/dossiers?status=7") == [old.code]
    status = marriage.status  # whatever the first step declares
    assert _codes(b, f"/dossiers?status={status}&q=do thi") == [marriage.code]
    assert _codes(b, "/dossiers?from=2026-11-26&to=2026-11-26") == [business.code, marriage.code]
    assert _codes(b, "/dossiers?to=2026-11-23") == [old.code]
    # As the officer types them in the filter's fields, whatever the browser's language.
    assert _codes(b, "/dossiers?from=26/11/2026&to=26/11/2026") == [business.code, marriage.code]
    page = b.text("/dossiers?from=26/11/2026")
    assert 'value="26/11/2026"' in page and 'placeholder="dd/mm/yyyy"' in page and 'type="date"' not in page


def test_bad_filters_are_explained_and_left_out_never_an_error(browser, demo):
    d = _receive(demo)
    b = browser("tiepnhan")
    for url in ("/dossiers?status=99", "/dossiers?status=x", "/dossiers?procedure_id=abc", "/dossiers?from=31/02/2026",
                "/dossiers?after=garbage", "/dossiers?agency_id=999999", "/dossiers?q=" + "%" * 300):
        response = b.get(url)
        assert response.status_code == 200, url
    page = b.text("/dossiers?status=99&from=2026-13-01")
    assert "Giá trị không hợp lệ; bộ lọc này chưa được áp dụng." in page
    assert "Ngày không hợp lệ; bộ lọc này chưa được áp dụng." in page
    assert d.code in page  # the other filters still apply: here, none
    assert "Ngày kết thúc không được trước ngày bắt đầu. Bộ lọc này chưa được áp dụng." \
        in b.text("/dossiers?from=2026-11-24&to=2026-11-20")
    assert "Ngày kết thúc" not in b.text("/dossiers?from=2026-11-24&to=2026-11-24")  # one day is a range
    assert 'value="31/02/2026"' in b.text("/dossiers?from=31/02/2026")  # kept as typed, to correct
    assert _codes(b, "/dossiers?agency_id=999999") == []  # not one of hers: nothing, not a leak


@pytest.mark.parametrize("locale, says", [
    ("vi", "Năm phải từ 1900 đến 2100. Bộ lọc này chưa được áp dụng."),
    ("en", "The year must be from 1900 to 2100. This filter was not applied.")])
@pytest.mark.parametrize("field, typed, shown", [("from", "01/01/0001", "01/01/0001"), ("to", "31/12/9999", "31/12/9999"),
                                                ("from", "0001-01-01", "01/01/0001")])
def test_a_day_in_an_impossible_year_is_explained_beside_its_filter(browser, demo, locale, says, field, typed, shown):
    """Before, 'Tiếp nhận từ ngày' 01/01/0001 (or 'Đến ngày' 31/12/9999) failed the list with a server
    error: the day lies outside what the database's times can hold."""
    d = _receive(demo)
    b = browser("tiepnhan")
    b.post("/language", {"locale": locale})
    response = b.get(f"/dossiers?{field}={typed}")
    assert response.status_code == 200
    page = page_text(response)
    assert re.search(rf'<span class="error" id="{field}-error" role="alert">{re.escape(says)}</span>', page)
    assert f'value="{shown}"' in page and d.code in page  # kept, to correct; the list is not filtered by it


def test_pages_follow_each_other_without_gaps_or_repeats(browser, demo):
    received = [_receive(demo, f"Ngô Văn {i}").code for i in range(7)]
    with demo.motcua.read_session() as s:
        pages, after = [], None
        while True:
            page = dossier_list(s, demo.users["tiepnhan"], DossierFilters(search="ngo van"), after=after, per_page=3)
            pages.append([row.code for row in page.rows])
            if page.next_after is None:
                break
            after = page.next_after
    assert [len(p) for p in pages] == [3, 3, 1]
    assert sum(pages, []) == list(reversed(received))
    b = browser("tiepnhan")
    html = b.text("/dossiers?q=ngo")
    assert "Trang sau" not in html  # 7 rows fit on one page of 25


def test_a_name_is_matched_from_a_words_start_newest_first(demo):
    received = [_receive(demo, name).code for name in ("Nguyễn Văn An", "Nguyễn Thị Hoa", "Trần Văn An", "Lê An")]
    with demo.motcua.read_session() as s:
        found = [r.code for r in dossier_list(s, demo.users["tiepnhan"], DossierFilters(search="an")).rows]
    assert found == [received[3], received[2], received[0]]


def test_code_and_id_number_from_their_start(demo):
    first = _receive(demo, "Lý Văn Một", id_number="079123000001")
    second = _receive(demo, "Lý Văn Hai", id_number="079123000002")
    with demo.motcua.read_session() as s:
        def found(text):
            return [r.code for r in dossier_list(s, demo.users["tiepnhan"], DossierFilters(search=text)).rows]
        assert found("0791230000") == [second.code, first.code]
        assert found(first.code[:-2].lower()) == [second.code, first.code]
        assert found(second.code) == [second.code]
        assert found("1230000") == []  # from the start only


def test_name_keys_follow_a_corrected_name(demo):
    d = _receive(demo, "Nguyen Van An")
    with demo.motcua.uow() as uow:
        uow.session.get(Dossier, d.id).applicant_name = "Nguyễn Văn Ánh"
        uow.commit()
    with demo.motcua.read_session() as s:
        keys = set(s.execute(select(DossierSearchKey.key).where(DossierSearchKey.dossier_id == d.id)).scalars())
        assert s.get(Dossier, d.id).search_name == "nguyen van anh"
    day_and_number = d.code.lower().split("-", 1)[1]
    assert keys == {"nguyen van anh", "van anh", "anh", d.code.lower(), day_and_number, day_and_number[-4:]}


def test_the_list_is_in_the_menu_and_needs_a_login(browser, demo):
    assert 'href="/dossiers"' in browser("chuyenvien").text("/inbox")
    assert browser().get("/dossiers").status_code == 302

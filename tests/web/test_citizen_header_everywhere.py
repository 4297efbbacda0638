"""A citizen keeps the citizens' header on every page that is not an officer's: the public look-up,
the public statistics, the document check and the "not found" page looked signed out before (the
officers' header has no citizen name and no citizen sign-in), and a "not found" page offered no
way back to the catalogue or to the citizen's own page (found by a browser audit)."""
from __future__ import annotations

import lxml.html

from tests.web.conftest import page_text
from tests.web.test_citizen_online_submission import app, citizen  # noqa: F401  (fixtures)

PUBLIC_PAGES = ("/tra-cuu", "/thong-ke", "/xac-minh", "/thu-tuc/khong-co", "/cong-dan/ho-so/999999")


def header_and_links(response) -> tuple[str, dict[str, str]]:
    root = lxml.html.document_fromstring(page_text(response))
    header = " ".join(root.xpath("//header[@class='site-header']")[0].text_content().split())
    main = root.xpath("//main")[0]
    return header, {" ".join(a.text_content().split()): a.get("href") for a in main.iter("a")}


def test_a_signed_in_citizen_stays_signed_in_on_every_public_page(citizen):
    b = citizen(name="Nguyễn Văn An")
    for path in PUBLIC_PAGES:
        header, _links = header_and_links(b.get(path))
        assert "Nguyễn Văn An" in header and "Đăng xuất" in header, path
        assert "Danh sách thủ tục" in header and "Tra cứu hồ sơ" in header, path
        assert "Hộp việc" not in header, path
    response = b.get("/ho-so/999999")
    assert response.status_code == 404
    _header, links = header_and_links(response)
    assert links["Trang của tôi"] == "/cong-dan" and links["Danh sách thủ tục"] == "/thu-tuc"
    assert links["Trang chủ"] == "/" and "Về hộp việc" not in links


def test_a_visitor_on_a_missing_page_is_offered_the_citizens_ways_on_in_english(browser):
    b = browser()
    b.post("/language", {"locale": "en", "next": "/"})
    response = b.get("/thu-tuc/khong-co")
    assert response.status_code == 404
    header, links = header_and_links(response)
    assert "Citizen sign-in" in header and "All procedures" in header
    assert links["Home"] == "/" and links["All procedures"] == "/thu-tuc" and "Back to the inbox" not in links
    assert "My page" not in links  # nobody is signed in


def test_an_officer_keeps_the_officers_header_and_way_back(browser):
    response = browser("chuyenvien").get("/ho-so/999999")
    assert response.status_code == 404
    header, links = header_and_links(response)
    assert "Hộp việc" in header and "Đăng nhập công dân" not in header
    assert links["Về hộp việc"] == "/inbox" and "Trang của tôi" not in links

"""The public statistics (/thong-ke) are published for citizens, yet no page linked to them: a
citizen could only find them by typing the address (found by a browser audit of the start page).
The start page now leads there, in the page's language."""
from __future__ import annotations

import lxml.html

from tests.web.conftest import page_text


def links(response) -> dict[str, str]:
    root = lxml.html.document_fromstring(page_text(response))
    return {" ".join(a.text_content().split()): a.get("href") for a in root.iter("a")}


def test_the_start_page_leads_to_the_public_statistics(browser):
    b = browser()
    assert links(b.get("/"))["Kết quả giải quyết hồ sơ của các cơ quan"] == "/thong-ke"
    b.post("/language", {"locale": "en", "next": "/"})
    assert links(b.get("/"))["How the agencies handle dossiers"] == "/thong-ke"
    assert b.get("/thong-ke").status_code == 200

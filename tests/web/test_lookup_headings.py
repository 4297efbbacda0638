"""The counter's look-up by ID number names its two lists as lists: in English "Supplement
requests" and "Dossiers", not one "Dossier" above several (found by a browser audit)."""
from __future__ import annotations

import lxml.html

from engine.commands import receive
from engine.commands.reception import Applicant


def headings(b, url) -> list[str]:
    response = b.get(url)
    assert response.status_code == 200
    return [h.text_content().strip() for h in lxml.html.fromstring(response.get_data(as_text=True)).xpath("//main//h2")]


def test_the_lookups_lists_are_named_in_the_plural_in_english(browser, demo):
    for name in ("Nguyễn Văn An", "Nguyễn Văn An"):
        receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                procedure_key="dang_ky_ket_hon", applicant=Applicant(name=name, id_number="001090012345"))
    b = browser("tiepnhan")
    url = "/reception/lookup?id_number=001090012345"
    assert headings(b, url) == ["Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", "Hồ sơ"]
    b.post("/language", {"locale": "en"})
    assert headings(b, url) == ["Supplement requests", "Dossiers"]

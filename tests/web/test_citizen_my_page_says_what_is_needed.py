"""A citizen's page says which dossier waits for them: papers asked for by the counter were shown
only as the dossier's status ("Mới đăng ký"), so nothing told the citizen to act (found by a
browser audit). The line links to the request, and goes once the papers are sent."""
from __future__ import annotations

import lxml.html

from engine.commands.reception import give_guidance
from tests.web.test_citizen_dossier_page import MISSING, dossier_of, upload
from tests.web.test_citizen_online_submission import PDF, app, citizen, submit_complete  # noqa: F401


def needs(b) -> list[tuple[str, str]]:
    root = lxml.html.document_fromstring(b.text("/cong-dan"))
    return [(" ".join(a.text_content().split()), a.get("href")) for a in root.xpath("//a[@class='needs-you']")]


def test_papers_asked_for_are_said_on_the_citizens_page_until_sent(citizen, demo):
    b = citizen()
    submit_complete(b)
    dossier = dossier_of(demo)
    assert needs(b) == []
    give_guidance(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], dossier_id=dossier.id, missing=[MISSING],
                  note="Bên nam đăng ký tại nơi không thường trú.")
    assert needs(b) == [("Cần bổ sung giấy tờ: xem yêu cầu", f"/cong-dan/ho-so/{dossier.id}#sup-h")]
    b.post("/language", {"locale": "en", "next": "/"})
    assert needs(b) == [("Papers asked for: see the request", f"/cong-dan/ho-so/{dossier.id}#sup-h")]
    upload(b, dossier.id, {"sup-0": ("xac-nhan.pdf", PDF)})
    assert needs(b), "uploading is not sending"
    assert upload(b, dossier.id, {}, action="send").status_code == 302
    assert needs(b) == []

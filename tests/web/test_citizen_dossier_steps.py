"""The citizen's own dossier page names the steps the dossier went through, where and when, as the
public look-up does: its history said only "Chuyển bước xử lý · Đang xử lý" again and again (found
by a browser audit). Both pages show the same table."""
from __future__ import annotations

import lxml.html

from engine.commands.reception import accept
from tests.web.test_citizen_dossier_page import dossier_of
from tests.web.test_citizen_online_submission import app, citizen, submit_complete  # noqa: F401


def step_rows(html: str) -> list[str]:
    root = lxml.html.document_fromstring(html)
    return [" ".join(th.text_content().split()) for th in root.xpath("//table//tbody//th[@scope='row']")]


def test_the_citizen_sees_the_named_steps_in_their_language(citizen, demo):
    b = citizen()
    submit_complete(b)
    dossier = dossier_of(demo)
    assert step_rows(b.text(f"/cong-dan/ho-so/{dossier.id}")) == []  # not received yet: no steps
    accept(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], dossier_id=dossier.id)
    assert step_rows(b.text(f"/cong-dan/ho-so/{dossier.id}")) == ["Tiếp nhận hồ sơ", "Thẩm định hồ sơ"]
    b.post("/language", {"locale": "en", "next": "/"})
    page = b.text(f"/cong-dan/ho-so/{dossier.id}")
    assert step_rows(page) == ["Dossier received", "Appraise the dossier"]
    assert "In progress" in page  # the step not yet finished


def test_before_reception_the_appointment_is_said_to_come_and_nowhere_is_not_a_place(citizen, demo):
    b = citizen()
    submit_complete(b)
    dossier = dossier_of(demo)
    root = lxml.html.document_fromstring(b.text(f"/cong-dan/ho-so/{dossier.id}"))
    facts = {" ".join(dt.text_content().split()): " ".join(dt.getnext().text_content().split())
             for dt in root.xpath("//dl[@class='facts']/dt")}
    assert facts["Hẹn trả kết quả"] == "Có khi hồ sơ được tiếp nhận"
    assert "Đang ở" not in facts  # no officer holds it yet: no "—" to puzzle over

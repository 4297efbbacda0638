"""A form refused on the citizen's dossier page (supplement, withdrawal, rating) comes back at the
top of a long page: on a phone the marked field is screens below. The page then says, before the
dossier's facts, that nothing was sent, and links to the section to correct (found by a browser
audit at 390 px: the rating refused for want of a score looked as if nothing had happened)."""
from __future__ import annotations

import lxml.html

from engine.commands.reception import give_guidance
from tests.web.conftest import page_text
from tests.web.test_citizen_dossier_page import dossier_of, upload
from tests.web.test_citizen_messages_in_english import in_english
from tests.web.test_citizen_online_submission import app, citizen, submit_complete  # noqa: F401
from tests.web.test_citizen_rating import returned_online_dossier


def top_alert(response) -> tuple[str, str]:
    """The alert shown before the dossier's facts (its words, and where its link leads, which must
    exist on the page)."""
    root = lxml.html.document_fromstring(page_text(response))
    main = root.find(".//main")
    first = next(el for el in main.iter()
                 if el.get("role") == "alert" or (el.tag == "dl" and "facts" in (el.get("class") or "")))
    assert first.get("role") == "alert", "nothing before the dossier's facts says the form was refused"
    target = first.find(".//a").get("href")
    assert root.get_element_by_id(target.removeprefix("#")) is not None
    return " ".join(first.text_content().split()), target


def test_a_refused_withdrawal_and_supplement_are_announced_at_the_top(citizen, demo):
    b = citizen()
    submit_complete(b)
    dossier = dossier_of(demo)
    response = b.post(f"/cong-dan/ho-so/{dossier.id}/rut", {"reason": "  "})
    assert response.status_code == 400
    assert top_alert(response) == ("Chưa gửi được. Hãy sửa mục được đánh dấu bên dưới: Rút hồ sơ", "#withdraw-h")
    give_guidance(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], dossier_id=dossier.id,
                  missing=["Giấy xác nhận tình trạng hôn nhân"], note="")
    response = upload(b, dossier.id, {}, action="send")
    assert response.status_code == 400
    assert top_alert(response) == (
        "Chưa gửi được. Hãy sửa mục được đánh dấu bên dưới: Yêu cầu bổ sung, hoàn thiện hồ sơ", "#sup-h")


def test_a_refused_rating_is_announced_at_the_top_in_english(citizen, demo, frozen_clock):
    b = citizen()
    dossier_id = returned_online_dossier(b, demo, frozen_clock)
    in_english(b)
    response = b.post(f"/cong-dan/ho-so/{dossier_id}/danh-gia", {"comment": "Nhanh."})
    assert response.status_code == 400
    assert top_alert(response) == ("Not sent. Correct the item marked below: Rate the service", "#rate-h")
    # An accepted page has no such alert.
    assert "Not sent." not in b.text(f"/cong-dan/ho-so/{dossier_id}")

"""A hand-off whose retries are over can be sent again from the dossier page by whoever may do it on
the supervision page (a supervisor of the dossier's agency, an administrator), and comes back to
the dossier; the history says to whom it went again. Before, the dossier page said the system had
stopped resending and named the supervisors, who had to find the message on another page; and the
history's "Gửi lại thư liên thông" named no partner."""
from __future__ import annotations

import lxml.html
import pytest
from sqlalchemy import select

from engine import audit
from engine.models import Dossier
from tests.page_text import problems, table_rows
from tests.web.test_admin_partners import dead_letter, outbox_state

STOPPED = "hệ thống đã ngừng tự gửi lại"


def dossier_id_of(demo, code: str) -> int:
    with demo.motcua.read_session() as s:
        return s.execute(select(Dossier.id).where(Dossier.code == code)).scalar_one()


def resend_forms(page: str) -> list:
    return lxml.html.fromstring(page).xpath('//section[@aria-labelledby="where-title"]//form')


def history_contents(page: str) -> list[str]:
    return [row[2] for row in table_rows(page, "history-title")]


def test_a_supervisor_sends_a_dead_hand_off_again_from_the_dossier_page(browser, demo, receive_dossier):
    outbox_id, code = dead_letter(demo, browser("admin"), receive_dossier)
    dossier_id = dossier_id_of(demo, code)
    supervisor = browser("giamsat")
    page = supervisor.text(f"/dossiers/{dossier_id}")
    assert STOPPED in page
    [form] = resend_forms(page)
    assert form.get("method") == "post" and form.get("action") == f"/supervise/partner-messages/{outbox_id}/retry"
    assert form.xpath('.//input[@name="csrf_token"]')
    assert " ".join(form.xpath("string(.//button)").split()) == "Gửi lại (thư gửi Sở Tư pháp tỉnh B)"
    assert not problems(page)

    response = supervisor.post(form.get("action"), {"next": form.xpath('string(.//input[@name="next"]/@value)')})
    assert response.status_code == 302 and response.headers["Location"] == f"/dossiers/{dossier_id}"
    assert outbox_state(demo, outbox_id) == (False, 0, True)
    page = supervisor.text(f"/dossiers/{dossier_id}")
    assert "Thư sẽ được gửi lại cho đối tác trong vài phút tới." in page
    assert "Đang gửi lại hồ sơ sang Sở Tư pháp tỉnh B theo yêu cầu của giám sát." in page
    assert STOPPED not in page and not resend_forms(page)
    assert "Gửi lại thư liên thông đến Sở Tư pháp tỉnh B" in history_contents(page)
    assert not problems(page)

    supervisor.english()
    page = supervisor.text(f"/dossiers/{dossier_id}")
    assert "Partner message sent again to Sở Tư pháp tỉnh B" in history_contents(page)
    assert not problems(page)


def test_officers_who_may_not_resend_see_no_button(browser, demo, receive_dossier):
    _outbox_id, code = dead_letter(demo, browser("admin"), receive_dossier)
    page = browser("chuyenvien").text(f"/dossiers/{dossier_id_of(demo, code)}")
    assert STOPPED in page and not resend_forms(page)


@pytest.mark.parametrize("next_url", ["https://evil.example/dossiers/1", "//evil.example/", "/admin/",
                                      "/dossiers/1/../../admin/", "/dossiers/abc", ""])
def test_the_return_goes_only_to_a_dossier_page(browser, demo, receive_dossier, next_url):
    outbox_id, _code = dead_letter(demo, browser("admin"), receive_dossier)
    response = browser("giamsat").post(f"/supervise/partner-messages/{outbox_id}/retry", {"next": next_url})
    assert response.status_code == 302 and response.headers["Location"] == "/supervise"
    assert outbox_state(demo, outbox_id) == (False, 0, True)


def test_an_older_resend_without_the_partner_keeps_the_plain_label(browser, demo, receive_dossier):
    _outbox_id, code = dead_letter(demo, browser("admin"), receive_dossier)
    dossier_id = dossier_id_of(demo, code)
    with demo.motcua.uow() as uow:
        dossier = uow.session.get(Dossier, dossier_id)
        audit.record(uow.session, dossier, "partner_retry", actor_id=demo.users["giamsat"],
                     status_before=dossier.status, message="xin_xac_nhan", idempotency_key="out-1")
        uow.commit()
    page = browser("giamsat").text(f"/dossiers/{dossier_id}")
    assert "Gửi lại thư liên thông" in history_contents(page)
    assert "Gửi lại thư liên thông đến" not in page

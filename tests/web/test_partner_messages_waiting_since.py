"""The administrator's and the supervisor's lists of hand-offs that have not gone through say since
when each dossier has waited for its hand-off (when the step that sends it was done), not only when
the next attempt is or when resending stopped: "since when" is what they tell the partner and the
citizen on the phone."""
from __future__ import annotations

from datetime import datetime, timedelta

import lxml.html
from sqlalchemy import select

from engine.models import Dossier, Partner, PartnerOutbox
from tests.conftest import VN
from tests.page_text import table_rows

QUEUED_WAITING = datetime(2026, 11, 23, 9, 15, tzinfo=VN)
QUEUED_DEAD = datetime(2026, 11, 20, 16, 40, tzinfo=VN)


def _partner(demo) -> int:
    with demo.motcua.uow() as uow:
        partner = Partner(code="B", name="Sở Tư pháp tỉnh B", endpoint="https://tinh-b.example.vn/api/partner/messages",
                          our_code="A", key="k" * 32, active=True)
        uow.session.add(partner)
        uow.commit()
        return partner.id


def _outbox(demo, code: str, partner_id: int, key: str, queued_at: datetime, *, dead: bool) -> None:
    with demo.motcua.uow() as uow:
        dossier_id = uow.session.execute(select(Dossier.id).where(Dossier.code == code)).scalar_one()
        uow.session.add(PartnerOutbox(
            idempotency_key=key, partner_id=partner_id, dossier_id=dossier_id, message="xin_xac_nhan",
            correlation=code, payload={}, created_at=queued_at, attempts=8 if dead else 3,
            next_attempt_at=None if dead else queued_at + timedelta(hours=2),
            dead_at=queued_at + timedelta(hours=5) if dead else None, last_error="HTTP 503"))
        uow.commit()


def _stuck(demo, receive_dossier) -> tuple[str, str]:
    partner_id = _partner(demo)
    waiting, _ = receive_dossier()
    dead, _ = receive_dossier()
    _outbox(demo, waiting, partner_id, "out-waiting", QUEUED_WAITING, dead=False)
    _outbox(demo, dead, partner_id, "out-dead", QUEUED_DEAD, dead=True)
    return waiting, dead


def _column(rows_, header_row: list[str], title: str) -> list[str]:
    return [row[header_row.index(title)] for row in rows_]


def _headers(html: str, table_class: str) -> list[str]:
    table = lxml.html.fromstring(html).xpath(f'//table[contains(concat(" ", @class, " "), " {table_class} ")]')[0]
    return [" ".join(th.text_content().split()) for th in table.xpath("./thead/tr/th")]


def test_the_administrator_sees_since_when_each_hand_off_has_waited(browser, demo, receive_dossier):
    waiting, dead = _stuck(demo, receive_dossier)
    admin = browser("admin")
    html = admin.get("/admin/partners/messages").get_data(as_text=True)
    for table_class, code, since in (("waiting", waiting, "23/11/2026 09:15"),
                                     ("dead-letters", dead, "20/11/2026 16:40")):
        headers = _headers(html, table_class)
        rows = table_rows(html, table_class=table_class)
        assert [row[0] for row in rows] == [code]
        assert _column(rows, headers, "Chờ gửi từ") == [since]

    html = admin.english().get("/admin/partners/messages").get_data(as_text=True)
    assert "Waiting since" in _headers(html, "waiting") and "Waiting since" in _headers(html, "dead-letters")


def test_the_supervisor_sees_since_when_a_failed_hand_off_has_waited(browser, demo, receive_dossier):
    _, dead = _stuck(demo, receive_dossier)
    html = browser("giamsat").get("/supervise").get_data(as_text=True)
    rows = table_rows(html, table_class="dead-letters")
    assert [row[0] for row in rows] == [dead]
    assert _column(rows, _headers(html, "dead-letters"), "Chờ gửi từ") == ["20/11/2026 16:40"]

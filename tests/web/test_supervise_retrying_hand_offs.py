"""The supervision page lists, above the dead letters, the hand-offs of the supervisor's agencies
that failed and that the scheduler still sends again by itself: the supervisor had the first
failure's notice, and until now found nothing about it on the page that lists their partner
messages."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from engine import clock
from engine.models import Dossier, PartnerOutbox
from tests.page_text import problems, table_rows
from tests.web.test_admin_partners import add, partner

HEADING = "Thư liên thông đang được gửi lại"


def outbox(demo, code: str, key: str, **state) -> int:
    """A message to partner B from dossier ``code``, queued at 09:00 (the frozen clock)."""
    with demo.motcua.uow() as uow:
        dossier_id = uow.session.execute(select(Dossier.id).where(Dossier.code == code)).scalar_one()
        row = PartnerOutbox(idempotency_key=key, partner_id=partner(demo).id, dossier_id=dossier_id,
                            message="xin_xac_nhan", correlation=code, payload={}, created_at=clock.now(),
                            **{"next_attempt_at": clock.now(), "attempts": 0, **state})
        uow.session.add(row)
        uow.commit()
        return row.id


def test_a_supervisor_sees_the_messages_still_being_resent(browser, demo, receive_dossier):
    add(browser("admin"), demo)
    retrying, _ = receive_dossier("Nguyễn Văn An")
    outbox(demo, retrying, "out-retrying", attempts=3, last_error="HTTP 503",
           next_attempt_at=clock.now() + timedelta(minutes=4))
    # Not failed (yet): queued, its first sending in flight, delivered, or dead (the list below).
    quiet = {}
    for name, state in {"queued": {}, "in_flight": {"attempts": 1},
                        "delivered": {"attempts": 2, "last_error": "HTTP 503", "next_attempt_at": None,
                                      "delivered_at": clock.now()},
                        "dead": {"attempts": 8, "last_error": "HTTP 503", "next_attempt_at": None,
                                 "dead_at": clock.now()}}.items():
        quiet[name], _ = receive_dossier("Trần Thị Bình")
        outbox(demo, quiet[name], f"out-{name}", **state)
    # Another agency's dossier: its own supervisors' business.
    elsewhere, _ = receive_dossier("Lê Văn Cường")
    with demo.motcua.uow() as uow:
        uow.session.execute(update(Dossier).where(Dossier.code == elsewhere).values(agency_id=demo.police))
        uow.commit()
    outbox(demo, elsewhere, "out-elsewhere", attempts=2, last_error="HTTP 503")

    supervisor = browser("giamsat")
    page = supervisor.text("/supervise")
    assert HEADING in page
    assert "không cần làm gì trừ khi thư chuyển sang danh sách “Thư gửi thất bại”" in page
    # Above the failed list (the dead letter's own section).
    assert page.index(HEADING) < page.index('id="dead-title"')
    [row] = table_rows(page, "retrying-title")
    assert row[:6] == [retrying, "Sở Tư pháp tỉnh B", "Tin nhắn liên thông", "23/11/2026 09:00", "3",
                       "23/11/2026 09:04"]
    # In plain words; the raw error only folded under "Chi tiết kỹ thuật", as in the failed list.
    assert row[6].startswith("Máy nhận đang gặp sự cố (mã 503).Chi tiết kỹ thuật")
    with demo.motcua.read_session() as s:
        dossier_id = s.execute(select(Dossier.id).where(Dossier.code == retrying)).scalar_one()
    section = page[page.index(HEADING):page.index('id="dead-title"')]
    assert f'href="/dossiers/{dossier_id}"' in section
    assert "xin_xac_nhan" not in page and "Gửi lại" not in section  # no button: it resends by itself
    assert not problems(page)

    supervisor.english()
    page = supervisor.text("/supervise")
    assert "Partner messages being sent again" in page
    assert "Nothing needs doing unless one ends up in the “Failed messages” list." in page
    assert table_rows(page, "retrying-title")[0][1:6] == [
        "Sở Tư pháp tỉnh B", "Partner message", "23/11/2026 09:00", "3", "23/11/2026 09:04"]
    assert not problems(page)


def test_no_section_when_nothing_is_being_resent(browser, demo):
    assert HEADING not in browser("giamsat").text("/supervise")

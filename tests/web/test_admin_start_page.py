"""The administrator's start page (/admin/): the system's state at a glance, each count leading to
the page that deals with it; an administrator lands there after login. And the one page for
messages that did not go out (/admin/mail, mail and SMS; /admin/outbox leads there)."""
from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from engine import clock
from engine.models import OutgoingMail, OutgoingSms, Partner, PartnerOutbox, PortalOutbox, WorkItem
from engine.scheduler import runner
from tests.web.conftest import page_text
from tests.web.test_observability import metric


def tile(html: str, name: str) -> tuple[str, str]:
    """A tile's count and the address its link leads to."""
    found = re.search(rf'data-state="{name}">\s*<a href="([^"]+)"><span class="state-count">([^<]+)</span>', html)
    assert found, f"no tile {name}"
    return found.group(2), found.group(1)


def is_bad(html: str, name: str) -> bool:
    return re.search(rf'class="state-tile( bad)?" data-state="{name}"', html).group(1) is not None


@pytest.fixture
def troubles(demo, receive_dossier):
    """One of each thing that goes wrong: a partner message and a portal record given up, a mail
    and a text message given up, a step overdue (and escalated by the scheduler's sweep)."""
    _code, item = receive_dossier()
    now = clock.now()
    with demo.motcua.uow() as uow:
        dossier_id = uow.session.get(WorkItem, item).dossier_id
        partner = Partner(code="THU_NGHIEM", name="Đối tác thử", endpoint="http://127.0.0.1:9/", our_code="UBND",
                          key="k" * 32)
        uow.session.add(partner)
        uow.session.flush()
        uow.session.add_all([
            PartnerOutbox(idempotency_key="dead-1", partner_id=partner.id, dossier_id=dossier_id, message="m",
                          correlation="c", payload={}, created_at=now, next_attempt_at=None, attempts=8,
                          dead_at=now, last_error="HTTP 503"),
            PortalOutbox(dossier_id=dossier_id, status=2, payload={}, audit_upto=0, created_at=now,
                         next_attempt_at=None, attempts=8, dead_at=now, last_error="HTTP 500"),
            OutgoingMail(dedupe_key="m-1", to_address="an@example.vn", subject="Hồ sơ", body="…", created_at=now,
                         next_attempt_at=None, attempts=8, failed_at=now, last_error="MailRefused: 550 no such user"),
            OutgoingSms(dedupe_key="s-1", to_number="0912345678", body="Hồ sơ của ông/bà đã được tiếp nhận",
                        created_at=now, next_attempt_at=None, attempts=8, last_error="HTTPError: 503"),
        ])
        uow.commit()
    return item


def test_an_administrator_lands_on_the_system_state_and_each_count_leads_to_its_page(browser, demo, troubles,
                                                                                     frozen_clock):
    frozen_clock.advance(timedelta(days=30))  # the step is long overdue
    runner._safe_tick(demo.motcua)  # the sweep escalates it; the tick is recorded
    admin = browser()
    response = admin.login("admin")
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/")
    html = page_text(admin.get(response.headers["Location"]))
    assert "Tình trạng hệ thống" in html
    assert tile(html, "partner-dead") == ("1", "/admin/partners/messages")
    assert tile(html, "portal-dead") == ("1", "/admin/portal")
    assert tile(html, "mail-failed") == ("1", "/admin/mail")
    assert tile(html, "sms-failed") == ("1", "/admin/mail#sms")
    assert tile(html, "overdue") == ("1", "/supervise")
    escalations, link = tile(html, "escalations")
    assert int(escalations) >= 1 and link == "/supervise"
    assert all(is_bad(html, name) for name in ("partner-dead", "portal-dead", "mail-failed", "sms-failed",
                                               "overdue", "escalations"))
    # The same counts Prometheus reads.
    scraped = admin.get("/metrics").get_data(as_text=True)
    assert metric(scraped, "motcua_outbox_dead", outbox="sms") == 1
    assert metric(scraped, "motcua_outbox_dead", outbox="mail") == 1
    assert metric(scraped, "motcua_overdue_work_items") == 1
    portal_waiting, _link = tile(html, "portal-waiting")
    assert float(portal_waiting.replace(".", "")) == metric(scraped, "motcua_outbox_pending", outbox="portal")
    # The scheduler ran just now (shown in Vietnam's time), and is fine.
    assert re.search(rf"Lần chạy xong gần nhất:</span> <span[^>]*>{vietnam_time(frozen_clock())}<", html)
    assert not is_scheduler_in_trouble(html)
    assert "Có 6 việc cần xử lý." in html
    # Each page the tiles lead to opens for the administrator, and the start page is in the menu.
    for _name in ("partner-dead", "portal-dead", "mail-failed"):
        assert admin.get(tile(html, _name)[1]).status_code == 200
    assert 'href="/admin/"' in admin.text("/admin/calendar")


def vietnam_time(moment) -> str:
    return moment.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).strftime("%d/%m/%Y %H:%M")


def is_scheduler_in_trouble(html: str) -> bool:
    return 'class="state-tile bad" data-state="scheduler"' in html


def test_a_stopped_or_failing_scheduler_is_plain_on_the_start_page(browser, demo, frozen_clock, monkeypatch):
    admin = browser("admin")
    html = admin.text("/admin/")
    assert "Bộ lập lịch chưa chạy xong lần nào." in html and is_scheduler_in_trouble(html)
    runner._safe_tick(demo.motcua)
    html = admin.text("/admin/")
    assert not is_scheduler_in_trouble(html) and "Không có việc gì cần xử lý." in html
    frozen_clock.advance(timedelta(minutes=10))  # no tick for ten minutes: it stopped
    html = admin.text("/admin/")
    assert is_scheduler_in_trouble(html) and "Bộ lập lịch có vẻ đã dừng" in html

    def broken(_motcua):
        raise RuntimeError("database went away")
    monkeypatch.setattr(runner, "sweep_timers", broken)
    runner._safe_tick(demo.motcua)
    html = admin.text("/admin/")
    assert is_scheduler_in_trouble(html)
    assert f"Lần chạy lúc {vietnam_time(frozen_clock())} bị lỗi; xem nhật ký của bộ lập lịch." in html
    assert "database went away" not in html  # the cause is in the log, not on the page
    admin.post("/language", {"locale": "en"})
    assert "failed; see the scheduler's log" in admin.text("/admin/")


def test_only_administrators_see_the_start_page_and_officers_still_land_on_their_inbox(browser, demo):
    officer = browser()
    response = officer.login("tiepnhan")
    assert response.headers["Location"].endswith("/inbox") or response.headers["Location"].endswith("/")
    assert "/admin" not in response.headers["Location"]
    assert officer.get("/admin/").status_code == 404


def test_failed_mail_and_sms_are_on_one_page_and_the_old_address_leads_there(browser, demo, troubles):
    admin = browser("admin")
    moved = admin.get("/admin/outbox")
    assert moved.status_code == 301 and moved.headers["Location"].endswith("/admin/mail")
    html = admin.text("/admin/mail")
    given_up, failing = html.split('id="sms"')
    assert "an@example.vn" in given_up and "550 no such user" in given_up
    assert "0912345678" in failing and "HTTPError: 503" in failing and "Đã ngừng thử" in failing
    assert html.count("Thư và tin nhắn chưa gửi được") >= 2  # the title and the menu: one page for both
    assert "Tin nhắn chưa gửi được" not in html  # the old page's link is gone
    assert browser("tiepnhan").get("/admin/mail").status_code == 404


def test_counts_of_one_are_singular_on_the_english_start_page(browser, demo, receive_dossier):
    """One open step, one mail and one text message waiting, one thing to deal with (the scheduler
    has not run): 'out of 1 open step', not 'out of 1 open steps'."""
    receive_dossier()
    now = clock.now()
    with demo.motcua.uow() as uow:
        uow.session.add_all([
            OutgoingMail(dedupe_key="m-1", to_address="an@example.vn", subject="Hồ sơ", body="…", created_at=now,
                         next_attempt_at=now, attempts=0),
            OutgoingSms(dedupe_key="s-1", to_number="0912345678", body="Hồ sơ", created_at=now, next_attempt_at=now,
                        attempts=0),
        ])
        uow.commit()
    admin = browser("admin")
    admin.post("/language", {"locale": "en"})
    html = admin.text("/admin/")
    assert "1 thing needs attention." in html
    assert "1 e-mail waiting to be sent" in html and "1 text message waiting to be sent" in html
    assert "out of 1 open step<" in html
    assert not re.search(r"\b1 (things|e-mails|text messages|open steps)\b", html)
    receive_dossier("Trần Thị Bình")
    assert "out of 2 open steps" in admin.text("/admin/")
    admin.post("/language", {"locale": "vi"})
    html = admin.text("/admin/")
    assert "Có 1 việc cần xử lý." in html and "trong 2 bước đang xử lý" in html and "1 thư đang chờ gửi" in html

"""The administrator's start page in English: the words after each tile's count agree with it.
It said "1 messages to partners given up", "1 e-mails that could not be delivered", "1 open
deadline escalations"."""
from __future__ import annotations

import re
from datetime import timedelta

from engine.scheduler import runner
from tests.web.conftest import page_text
from tests.web.test_admin_start_page import troubles  # noqa: F401 (fixture: one of each trouble)


def tiles(html: str) -> dict[str, str]:
    """Each tile's count and the words after it, as read."""
    found = re.findall(r'data-state="([\w-]+)">\s*<a href="[^"]+"><span class="state-count">([^<]+)</span> '
                       r'<span class="state-label">([^<]+)</span>', html)
    return {name: f"{count} {words}" for name, count, words in found}


def test_a_count_of_one_reads_singular_and_more_plural_in_english(browser, demo, troubles,  # noqa: F811
                                                                   frozen_clock):
    frozen_clock.advance(timedelta(days=30))
    runner._safe_tick(demo.motcua)  # the overdue step escalated
    admin = browser("admin")
    admin.post("/language", {"locale": "en"})
    shown = tiles(page_text(admin.get("/admin/")))
    assert shown["partner-dead"] == "1 message to partners given up"
    assert shown["portal-dead"] == "1 record to the national portal given up"
    assert shown["mail-failed"] == "1 e-mail that could not be delivered"
    assert shown["sms-failed"] == "1 text message that could not be delivered"
    assert shown["partner-waiting"] == "0 messages to partners waiting to be sent"
    assert shown["overdue"] == "1 open step past its due time"
    assert re.fullmatch(r"1 open deadline escalation|\d+ open deadline escalations", shown["escalations"])
    admin.post("/language", {"locale": "vi"})
    shown = tiles(page_text(admin.get("/admin/")))
    assert shown["partner-dead"] == "1 thư gửi đối tác đã ngừng gửi"
    assert shown["overdue"] == "1 bước đang xử lý đã quá hạn"

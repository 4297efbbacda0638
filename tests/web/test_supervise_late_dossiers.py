"""A dossier the scheduler flagged as going to be late, seen by its supervisor after its due date
has passed: the escalation list and the apology form say it is late, not that it will be."""
from __future__ import annotations

import re

import pytest

from tests.test_supervision_escalations import at, receive, timed  # noqa: F401 (fixture)
from tests.web.test_supervise import sweep


@pytest.fixture
def past_due(timed, frozen_clock):  # noqa: F811
    """Flagged on Wed 25/11 09:30 (its step overdue); due Thu 26/11 09:00; now Fri 27/11 10:00."""
    dossier = receive(timed, id_number="001090012345", phone="0912345678")
    frozen_clock.current = at(25, 9, 30)
    sweep(timed)
    frozen_clock.current = at(27, 10)
    return dossier


def _level_of_dossier_row(page: str) -> str:
    row = re.search(r'<tr class="escalation level-will_be_late.*?</tr>', page, re.S).group(0)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row))


@pytest.mark.parametrize("locale, late, will_be", [("vi", "Hồ sơ đã trễ hạn", "Hồ sơ có nguy cơ trễ hạn"),
                                                   ("en", "Dossier is late", "Dossier will be late")])
def test_a_past_due_dossier_is_called_late_in_the_escalation_list(browser, past_due, locale, late, will_be):
    giamsat = browser("giamsat")
    giamsat.post("/language", {"locale": locale})
    row = _level_of_dossier_row(giamsat.text("/supervise"))
    assert late in row and will_be not in row, row


@pytest.mark.parametrize("locale, says, not_says", [
    ("vi", "Hồ sơ đã trễ hạn: cần lập phiếu xin lỗi và hẹn lại ngày trả kết quả.", "Hồ sơ có nguy cơ trễ hạn"),
    ("en", "This dossier is late: issue the apology and a new return date.", "This dossier will be late")])
def test_the_apology_form_of_a_past_due_dossier_says_it_is_late(browser, past_due, locale, says, not_says):
    giamsat = browser("giamsat")
    giamsat.post("/language", {"locale": locale})
    page = giamsat.text(f"/dossiers/{past_due.id}/apology")
    assert says in page and not_says not in page


def test_before_its_due_date_the_flagged_dossier_still_will_be_late(browser, timed, frozen_clock):  # noqa: F811
    receive(timed, id_number="001090012345")
    frozen_clock.current = at(25, 9, 30)
    sweep(timed)
    row = _level_of_dossier_row(browser("giamsat").text("/supervise"))
    assert "Hồ sơ có nguy cơ trễ hạn" in row and "Hồ sơ đã trễ hạn" not in row


@pytest.mark.parametrize("locale, says", [
    ("vi", "Khi hệ thống của đối tác đã hoạt động lại, hoặc quản trị hệ thống đã sửa địa chỉ và khóa của đối tác"),
    ("en", "or the system administrator has corrected the partner's address and key")])
def test_a_supervisors_failed_messages_do_not_ask_them_to_fix_the_partners_key(browser, demo, receive_dossier,
                                                                               locale, says):
    """The supervisor was told to "check the partner's address and key", which only administrators
    can see or change (/admin/partners; a supervisor gets "not found" there)."""
    from tests.web.test_admin_partners import dead_letter
    _outbox, code = dead_letter(demo, browser("admin"), receive_dossier)
    supervisor = browser("giamsat")
    assert supervisor.get("/admin/partners").status_code == 404
    supervisor.post("/language", {"locale": locale})
    page = supervisor.text("/supervise")
    assert code in page and says in page
    assert "Hãy kiểm tra địa chỉ và khóa của đối tác" not in page and "Check the partner's address and key" not in page

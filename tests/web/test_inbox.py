"""The inbox: who sees what, the five tabs, search, order and pages."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import update

from engine import clock
from engine.models import WorkItem
from engine.queries.inbox import inbox, tab_counts
from engine.queries.step_urgency import urgency
from engine.scheduler.escalation import sweep_steps
from tests.test_supervision_escalations import at, open_item, receive, timed  # noqa: F401 (fixture)
from tests.page_text import body_text
from tests.web.conftest import page_text


def codes_on(page: str) -> list[str]:
    return re.findall(r'<a class="dossier-code" href="/tasks/\d+">([^<]+)</a>', page)


def set_due(demo, item_id, due, warn=None):
    # The tests choose each item's deadline and warning moment directly (None: none), whatever
    # the reference procedure's allotments gave it.
    with demo.motcua.uow() as uow:
        uow.session.execute(update(WorkItem).where(WorkItem.id == item_id).values(due_at=due, warn_at=warn))
        uow.commit()


def test_each_officer_sees_only_the_queues_of_the_roles_they_hold(browser, receive_dossier):
    code_a, _ = receive_dossier("Nguyễn Văn An")
    code_b, _ = receive_dossier("Trần Thị Bình")
    specialist = browser("chuyenvien").text("/inbox?tab=unclaimed")
    assert set(codes_on(specialist)) == {code_a, code_b}
    assert "Thẩm định hồ sơ" in specialist and "Đăng ký kết hôn" in specialist
    assert "UBND xã Tân Phong" in specialist and "23/11/2026 09:00" in specialist
    # Reception, the leader and the police specialist (same role name, another agency): nothing.
    for username in ("tiepnhan", "lanhdao", "congan"):
        b = browser(username)
        for tab in ("mine", "unclaimed", "due_soon", "overdue", "done"):
            page = b.text(f"/inbox?tab={tab}")
            assert codes_on(page) == [], (username, tab)
            assert code_a not in page and "Nguyễn Văn An" not in page


def test_claimed_work_moves_from_the_units_queue_to_mine_then_to_done(browser, receive_dossier):
    code, item = receive_dossier()
    minh, thu = browser("chuyenvien"), browser("chuyenvien2")
    assert minh.post(f"/tasks/{item}/claim").status_code == 302
    assert codes_on(minh.text("/inbox")) == [code]  # "mine" is the default tab
    assert codes_on(minh.text("/inbox?tab=unclaimed")) == []
    # A colleague sees neither the claimed item in the queue nor in their own work.
    assert codes_on(thu.text("/inbox?tab=unclaimed")) == [] and codes_on(thu.text("/inbox")) == []
    minh.post(f"/tasks/{item}/complete", {"conditions_met": "on", "appraisal_opinion": "Đủ điều kiện kết hôn."})
    assert codes_on(minh.text("/inbox")) == []
    assert codes_on(minh.text("/inbox?tab=done")) == [code]
    assert codes_on(thu.text("/inbox?tab=done")) == []


def test_nothing_of_mine_points_to_the_units_queue_where_work_waits(browser, receive_dossier):
    receive_dossier("Nguyễn Văn An")
    receive_dossier("Trần Thị Bình")
    specialist = browser("chuyenvien")
    page = specialist.text("/inbox")
    assert "Bạn chưa nhận công việc nào. Đơn vị đang có 2 việc chưa ai nhận: xem việc chưa nhận." in body_text(page)
    assert 'href="/inbox?tab=unclaimed">xem việc chưa nhận</a>' in page
    assert ("You have not claimed any work. Your unit has 2 items no one has claimed: see unclaimed work."
            in body_text(specialist.english().text("/inbox")))
    # Nothing waits in the unit's queue either: the plain words.
    assert "Không có công việc nào." in browser("lanhdao").text("/inbox")


def test_search_by_code_or_applicant_name(browser, receive_dossier):
    code_a, _ = receive_dossier("Nguyễn Văn An")
    code_b, _ = receive_dossier("Trần Thị Bình")
    b = browser("chuyenvien")
    assert codes_on(b.text("/inbox?tab=unclaimed&q=" + code_b)) == [code_b]
    assert codes_on(b.text("/inbox?tab=unclaimed&q=" + code_a[-4:])) == [code_a]
    assert codes_on(b.text("/inbox?tab=unclaimed&q=nguyễn văn")) == [code_a]
    assert codes_on(b.text("/inbox?tab=unclaimed&q=Bình")) == [code_b]
    # Accents and case are ignored, as officers type them (issue 12).
    assert codes_on(b.text("/inbox?tab=unclaimed&q=NGUYEN VAN")) == [code_a]
    assert codes_on(b.text("/inbox?tab=unclaimed&q=binh")) == [code_b]
    empty = b.text("/inbox?tab=unclaimed&q=Lê Văn Không")
    assert codes_on(empty) == [] and "Không có công việc nào khớp với “Lê Văn Không”." in empty
    # LIKE wildcards in the search are taken literally.
    assert codes_on(b.text("/inbox?tab=unclaimed&q=%25")) == []


def test_pages_of_25_soonest_deadline_first_and_no_deadline_last(browser, receive_dossier, demo, frozen_clock):
    received = []
    for n in range(30):
        received.append(receive_dossier(f"Người nộp {n:02d}"))
        frozen_clock.advance(timedelta(minutes=1))
    now = clock.now()
    for _, item in received:
        set_due(demo, item, None)
    # Three items get deadlines, later-received ones sooner; the rest have none.
    set_due(demo, received[29][1], now + timedelta(days=1))
    set_due(demo, received[28][1], now + timedelta(days=2))
    set_due(demo, received[27][1], now + timedelta(days=3))
    b = browser("chuyenvien")
    first = b.text("/inbox?tab=unclaimed")
    expected = [received[i][0] for i in (29, 28, 27)] + [received[i][0] for i in range(27)]
    assert codes_on(first) == expected[:25]
    assert 'rel="next" href="/inbox?tab=unclaimed&amp;page=2"' in b.get("/inbox?tab=unclaimed").get_data(as_text=True)
    second = b.text("/inbox?tab=unclaimed&page=2")
    assert codes_on(second) == expected[25:]
    assert 'rel="next"' not in second and 'rel="prev"' in second
    assert ">30<" in first.replace(" ", "")  # the tab's count
    # Search keeps its pages too.
    assert len(codes_on(b.text("/inbox?tab=unclaimed&q=Người nộp&page=2"))) == 5


def test_due_soon_and_overdue_tabs_follow_the_clock(browser, receive_dossier, demo, frozen_clock):
    code_soon, soon = receive_dossier("Hồ sơ sắp hạn")
    code_later, later = receive_dossier("Hồ sơ còn lâu")
    _, no_deadline = receive_dossier("Hồ sơ không hạn")
    set_due(demo, no_deadline, None)
    now = clock.now()
    set_due(demo, soon, now + timedelta(hours=5), warn=now - timedelta(hours=1))
    set_due(demo, later, now + timedelta(days=3), warn=now + timedelta(days=2))
    b = browser("chuyenvien")
    assert codes_on(b.text("/inbox?tab=due_soon")) == [code_soon]
    assert codes_on(b.text("/inbox?tab=overdue")) == []
    frozen_clock.advance(timedelta(hours=6))
    assert codes_on(b.text("/inbox?tab=overdue")) == [code_soon]
    assert 'class="overdue"' in b.get("/inbox?tab=overdue").get_data(as_text=True)
    frozen_clock.advance(timedelta(days=2))
    assert codes_on(b.text("/inbox?tab=due_soon")) == [code_later]
    assert codes_on(b.text("/inbox?tab=overdue")) == [code_soon]
    # A colleague's claimed late item is the supervisor's business, not this officer's tab.
    browser("chuyenvien2").post(f"/tasks/{soon}/claim")
    assert codes_on(b.text("/inbox?tab=overdue")) == []


def due_soon_codes(page: str) -> list[str]:
    """The codes of the rows marked "due soon" on an inbox page."""
    return re.findall(r'<tr class="row-due-soon">\s*<th scope="row"><a class="dossier-code" href="/tasks/\d+">([^<]+)</a>', page)


def test_due_soon_tab_and_row_marks_both_start_at_the_schedulers_warning(browser, timed, frozen_clock):  # noqa: F811
    """One rule (engine/deadlines.py ``warning_time``): a quarter of the step's working time left.
    Before, the tab meant "due within 24 hours" and the marks "a quarter of working time left",
    so a row could be marked and missing from the tab, or the reverse."""
    first = receive(timed, "Người A")  # Mon 23/11 09:00: 1 working day, due Wed 09:00, warning Wed 07:00
    b = browser("chuyenvien")

    def seen():
        with timed.motcua.read_session() as s:
            counts = tab_counts(s, timed.users["chuyenvien"])
        return (codes_on(b.text("/inbox?tab=due_soon")), due_soon_codes(b.text("/inbox?tab=unclaimed")),
                counts["due_soon"])

    # Monday after closing: two working hours left, but the warning is Wednesday 07:00 (Tuesday
    # is a holiday): neither in the tab nor marked.
    frozen_clock.current = at(23, 17, 30)
    assert seen() == ([], [], 0)
    frozen_clock.current = at(25, 7, 30)
    second = receive(timed, "Người B")  # due Thu 07:30, within 24 hours; its warning is Wed 15:30
    sweep_steps(timed.motcua.uow())  # the first step's warning goes out; it stays "due soon"
    assert open_item(timed, first.id).next_escalation_at == at(25, 9)
    assert seen() == ([first.code], [first.code], 1)
    frozen_clock.current = at(25, 15, 30)
    assert seen() == ([second.code], [second.code], 1)  # the first is overdue now
    assert codes_on(b.text("/inbox?tab=overdue")) == [first.code]
    with timed.motcua.read_session() as s:
        assert urgency(s, [open_item(timed, d.id).id for d in (first, second)]) == {
            open_item(timed, first.id).id: "overdue", open_item(timed, second.id).id: "due_soon"}


def test_the_query_alone_agrees_with_the_page(demo, receive_dossier):
    """engine.queries.inbox answers without Flask: what the CLI or an API would use."""
    code, _ = receive_dossier()
    with demo.motcua.read_session() as s:
        listing = inbox(s, demo.users["chuyenvien"], "unclaimed")
        assert [r.dossier_code for r in listing.rows] == [code]
        row = listing.rows[0]
        assert (row.procedure_name, row.agency_name, row.assignee_name) == ("Đăng ký kết hôn", "UBND xã Tân Phong", None)
        assert inbox(s, demo.users["congan"], "unclaimed").rows == []


def test_unknown_tab_falls_back_to_my_work(browser):
    page = browser("chuyenvien").get("/inbox?tab=drop-table&page=-3")
    assert page.status_code == 200
    assert 'aria-current="page">Việc của tôi' in page_text(page)

"""Pages: the supervisor's escalation list, the apology (form 04), notifications, inbox deadline
marks, and the citizen's tracking page."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from engine.commands.escalations import issue_apology
from engine.models import Dossier
from engine.scheduler.escalation import sweep_late_dossiers, sweep_steps
from tests.page_text import shown_notices
from tests.test_supervision_escalations import at, open_item, receive, timed  # noqa: F401 (fixture)
from tests.web.conftest import page_text


def sweep(demo):
    sweep_steps(demo.motcua.uow())
    sweep_late_dossiers(demo.motcua.uow())


@pytest.fixture
def late(timed, frozen_clock):  # noqa: F811
    """A dossier whose step is 30 minutes overdue and which the scheduler flagged as will-be-late."""
    dossier = receive(timed, id_number="001090012345", phone="0912345678", email="an@example.vn")
    frozen_clock.current = at(25, 9, 30)
    sweep(timed)
    return dossier


def test_supervisor_list_acknowledge_and_header(browser, late):
    giamsat = browser("giamsat")
    page = giamsat.text("/supervise")
    rows = re.findall(r'<tr class="escalation level-(\w+)', page)
    assert rows == ["overdue", "will_be_late"]
    assert late.code in page and "Kiểm tra" in page and "Chưa nhận" in page
    assert "trễ 30 phút" in page and "còn 7 giờ 30 phút" in page
    assert "Giám sát</a>" in page and re.search(r"Thông báo <span class=\"count\"[^>]*>2<", page)
    escalation_id = re.search(r'data-escalation="(\d+)"', page).group(1)
    response = giamsat.post(f"/supervise/escalations/{escalation_id}/acknowledge")
    assert response.status_code == 302
    page = giamsat.text("/supervise")
    assert f"Đã xác nhận cảnh báo của hồ sơ {late.code}." in page
    assert re.findall(r'<tr class="escalation level-(\w+)( acknowledged)?', page) == [
        ("will_be_late", ""), ("overdue", " acknowledged")]
    assert "Đã xác nhận: Đỗ Thanh Bình, 25/11/2026 09:30" in page
    assert re.search(r"Thông báo <span class=\"count\"[^>]*>1<", page)
    history = giamsat.text(f"/dossiers/{late.id}")
    assert "Xác nhận cảnh báo: Kiểm tra" in history
    # A second click (another tab) is refused with a message, not an error page.
    giamsat.post(f"/supervise/escalations/{escalation_id}/acknowledge")
    assert "Cảnh báo này đã được xác nhận." in giamsat.text("/supervise")


def test_others_see_no_escalations_and_cannot_acknowledge(browser, late):
    specialist = browser("chuyenvien")
    page = specialist.text("/supervise")
    assert "Bạn không phải là cán bộ giám sát của cơ quan nào." in page and late.code not in page
    assert "Giám sát</a>" not in specialist.text("/inbox")
    page = browser("giamsat").text("/supervise")
    escalation_id = re.search(r'data-escalation="(\d+)"', page).group(1)
    assert browser("lanhdao").post(f"/supervise/escalations/{escalation_id}/acknowledge").status_code == 404


def test_apology_once_printed_and_shown_with_both_dates(browser, late, timed):  # noqa: F811
    giamsat = browser("giamsat")
    dossier_page = giamsat.text(f"/dossiers/{late.id}")
    assert "Lập phiếu xin lỗi và hẹn lại ngày trả" in dossier_page
    form = giamsat.text(f"/dossiers/{late.id}/apology")
    # The form suggests one working day after the current due date (Thu 26/11 09:00 → Fri 09:00).
    assert 'value="27/11/2026"' in form and 'value="09:00"' in form  # dd/mm/yyyy and 24-hour time
    assert 'placeholder="dd/mm/yyyy"' in form and 'placeholder="hh:mm"' in form
    for day, at in (("31/11/2026", "09:00"), ("30/11/2026", "25:00"), ("11/30/2026", "4:00 PM")):
        unreadable = giamsat.post(f"/dossiers/{late.id}/apology",
                                  {"reason": "Chờ ý kiến cơ quan công an.", "new_date": day, "new_time": at})
        assert unreadable.status_code == 422
        assert "Vui lòng nhập ngày (dd/mm/yyyy) và giờ (hh:mm) hẹn trả kết quả mới." in page_text(unreadable)
        assert f'value="{day}"' in page_text(unreadable)  # kept as typed, to correct
    # Nothing filled in: both problems at once, not one per attempt.
    empty = page_text(giamsat.post(f"/dossiers/{late.id}/apology", {"reason": " ", "new_date": "", "new_time": ""}))
    assert "Cần ghi rõ lý do chậm trả kết quả." in empty
    assert "Vui lòng nhập ngày (dd/mm/yyyy) và giờ (hh:mm) hẹn trả kết quả mới." in empty
    refused = giamsat.post(f"/dossiers/{late.id}/apology",
                           {"reason": "Chờ ý kiến cơ quan công an.", "new_date": "2026-11-28", "new_time": "09:00"})
    assert refused.status_code == 422
    assert "Ngày hẹn mới phải là ngày làm việc, trong giờ làm việc của cơ quan." in page_text(refused)
    assert "Chờ ý kiến cơ quan công an." in page_text(refused)  # what was typed stays
    done = giamsat.post(f"/dossiers/{late.id}/apology",
                        {"reason": "Chờ ý kiến cơ quan công an.", "new_date": "30/11/2026", "new_time": "16h"})
    assert done.status_code == 302 and done.location.endswith(f"/dossiers/{late.id}/apology/print")
    slip = giamsat.text(f"/dossiers/{late.id}/apology/print")
    for text in ("PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", f"Mã hồ sơ: <strong>{late.code}</strong>",
                 "Kính gửi: <strong>Ông/Bà Nguyễn Văn An</strong>", "Ngày 23/11/2026, UBND xã Tân Phong",
                 "Ngày tiếp nhận: 23/11/2026 09:00", "<strong>26/11/2026 09:00</strong>",
                 "Lý do: Chờ ý kiến cơ quan công an.",
                 "vào lúc 16 giờ 00 phút, ngày 30 tháng 11 năm 2026", "THỦ TRƯỞNG CƠ QUAN",
                 "receipt.css", "khổ giấy A5"):  # the A5 page set-up of the printed forms
        assert text in slip, text
    shown = giamsat.text(f"/dossiers/{late.id}")
    assert "Hẹn trả kết quả (mới)</dt><dd><strong>30/11/2026 16:00</strong>" in shown
    assert "Hạn ban đầu</dt><dd>26/11/2026 09:00" in shown
    assert "Xin lỗi và hẹn lại ngày trả kết quả" in shown  # history
    # Second time: refused in Vietnamese; the form now only offers the print.
    again = giamsat.post(f"/dossiers/{late.id}/apology",
                         {"reason": "Lần nữa", "new_date": "2026-12-02", "new_time": "16:00"},
                         headers={"Referer": f"http://localhost/dossiers/{late.id}/apology"})
    assert again.status_code == 302
    page = giamsat.text(f"/dossiers/{late.id}/apology")
    assert "Theo quy định, ngày trả kết quả chỉ được hẹn lại một lần." in page
    assert 'name="reason"' not in page and "In phiếu xin lỗi (mẫu 04)" in page
    assert "30/11/2026 16:00" in giamsat.text(f"/dossiers/{late.id}")


@pytest.mark.parametrize("locale, says", [("vi", "Năm phải từ 1900 đến 2100."),
                                          ("en", "The year must be from 1900 to 2100.")])
def test_an_apology_appointment_in_an_impossible_year_is_refused_beside_it(browser, late, timed, locale,  # noqa: F811
                                                                          says):
    """31/12/9999 is a Friday: it was taken as the new return date, written on the apology letter
    and mailed to the citizen, and the dossier could never be late again."""
    giamsat = browser("giamsat")
    giamsat.post("/language", {"locale": locale})
    for day in ("31/12/9999", "02/01/0001"):
        response = giamsat.post(f"/dossiers/{late.id}/apology",
                                {"reason": "Chờ ý kiến cơ quan công an.", "new_date": day, "new_time": "09:00"})
        assert response.status_code == 422
        page = page_text(response)
        assert f'<p class="error" id="due-error">{says}</p>' in page and f'value="{day}"' in page
    with timed.motcua.read_session() as s:
        assert s.get(Dossier, late.id).apology_issued_at is None


def test_the_apology_form_is_for_leaders_of_the_agency(browser, late):
    assert browser("congan").get(f"/dossiers/{late.id}/apology").status_code == 404
    specialist = browser("chuyenvien")
    page = specialist.text(f"/dossiers/{late.id}/apology")
    assert "Chỉ lãnh đạo của cơ quan tiếp nhận" in page and 'name="reason"' not in page
    assert "Lập phiếu xin lỗi và hẹn lại ngày trả" not in specialist.text(f"/dossiers/{late.id}")
    posted = specialist.post(f"/dossiers/{late.id}/apology",
                             {"reason": "x", "new_date": "2026-11-30", "new_time": "16:00"})
    assert posted.status_code == 404
    assert browser("giamsat").get(f"/dossiers/{late.id}/apology/print").status_code == 404  # none yet


def test_notifications_page_and_mark_as_read(browser, late):
    giamsat = browser("giamsat")
    page = giamsat.text("/notifications")
    assert page.count('class="notification unread"') == 2
    assert f"Quá hạn: bước «Kiểm tra» của hồ sơ {late.code}" in shown_notices(page)
    first = re.search(r'action="/notifications/(\d+)/read"', page).group(1)
    assert giamsat.post(f"/notifications/{first}/read").status_code == 302
    page = giamsat.text("/notifications")
    assert page.count('class="notification unread"') == 1 and page.count('class="notification read"') == 1
    assert browser("chuyenvien").post(f"/notifications/{first}/read").status_code == 404
    giamsat.post("/notifications/read-all")
    page = giamsat.text("/notifications")
    assert 'class="notification unread"' not in page and 'class="count"' not in page.split("</nav>")[0]
    giamsat.post("/language", {"locale": "en"})
    assert f"Overdue: step 'Kiểm tra' of dossier {late.code}" in shown_notices(giamsat.text("/notifications"))


def test_inbox_marks_due_soon_and_overdue_rows_in_words(browser, timed, frozen_clock):  # noqa: F811
    first = receive(timed, "Người A")
    frozen_clock.current = at(25, 8)
    second = receive(timed, "Người B")  # its step is due Thu 08:00: a full day left
    b = browser("chuyenvien")
    page = b.text("/inbox?tab=unclaimed")
    row = re.search(rf'<tr class="row-due-soon">\s*<th scope="row"><a class="dossier-code" href="/tasks/\d+">{first.code}</a>', page)
    assert row and 'class="due-soon"><span>25/11/2026 09:00 <span class="deadline-mark">Sắp đến hạn</span>' in page
    assert re.search(rf'<tr>\s*<th scope="row"><a class="dossier-code" href="/tasks/\d+">{second.code}</a>', page)
    frozen_clock.current = at(25, 9, 1)
    page = b.text("/inbox?tab=unclaimed")
    assert re.search(rf'<tr class="row-overdue">\s*<th scope="row"><a class="dossier-code" href="/tasks/\d+">{first.code}</a>', page)
    assert 'class="overdue"><span>25/11/2026 09:00 <span class="deadline-mark">Quá hạn</span>' in page


# The citizen's tracking page -----------------------------------------------------------------------

def lookup(b, code, factor):
    return b.post("/tra-cuu", {"code": code, "second_factor": factor})


def test_citizen_tracks_a_dossier_with_code_and_id_or_phone(browser, late, timed):  # noqa: F811
    citizen = browser()
    assert 'name="code" value="ABC"' in citizen.text("/tra-cuu?ma=ABC")
    found = lookup(citizen, late.code, "0912 345 678")
    assert found.status_code == 200
    page = page_text(found)
    for text in (late.code, "Thủ tục thử co_thoi_han", "<strong>Đang xử lý</strong>", "23/11/2026 09:00",
                 "<strong>26/11/2026 09:00</strong>", "Kiểm tra — UBND xã Tân Phong (Chuyên viên)"):
        assert text in page, text
    assert "001090012345" not in page and "Nguyễn Văn An" not in page  # nothing personal echoed
    issue_apology(timed.motcua.uow(), actor_id=timed.users["giamsat"], dossier_id=late.id,
                  reason="Chờ xác minh.", new_due_at=at(30, 16))
    page = page_text(lookup(citizen, late.code, "001090012345"))
    assert "<strong>30/11/2026 16:00</strong>" in page
    assert "Ngày hẹn đã được dời từ 26/11/2026 09:00 (cơ quan đã gửi thư xin lỗi và hẹn lại ngày 25/11/2026)." in page


def test_wrong_code_and_wrong_second_factor_look_the_same(browser, late):
    citizen = browser()
    wrong_factor = lookup(citizen, late.code, "0999999999")
    wrong_code = lookup(citizen, late.code[:-4] + "9999", "0912345678")
    assert wrong_factor.status_code == wrong_code.status_code == 404
    strip = lambda r: page_text(r).replace(late.code, "").replace(late.code[:-4] + "9999", "")  # noqa: E731
    assert strip(wrong_factor) == strip(wrong_code)
    assert "Không tìm thấy hồ sơ với mã hồ sơ và thông tin xác thực đã nhập." in page_text(wrong_code)


def test_a_code_with_a_control_character_is_not_found_like_any_wrong_code(browser, late):
    # Sent as is by a script, not a browser. NUL, which PostgreSQL refuses in a query (it was a 500
    # there), is refused with every other form value holding it (webapp/params.py).
    for code in (late.code + "\x1b", late.code[:5] + "\x7f" + late.code[5:], "\t"):
        answer = lookup(browser(), code, "0912345678")
        assert answer.status_code == 404
        assert "Không tìm thấy hồ sơ với mã hồ sơ và thông tin xác thực đã nhập." in page_text(answer)
    for code in (late.code + "\x00", "\x00"):
        answer = lookup(browser(), code, "0912345678")
        assert answer.status_code == 400 and "Dữ liệu gửi lên có ký tự không hợp lệ." in page_text(answer)


def test_lookups_are_limited_per_address(browser, late, app, frozen_clock):
    app.config.update(PUBLIC_LOOKUP_MAX=3, PUBLIC_LOOKUP_WINDOW_MINUTES=10)
    citizen = browser(address="203.0.113.7")
    for _ in range(3):
        lookup(citizen, late.code, "0000")
    refused = lookup(citizen, late.code, "0912345678")
    assert refused.status_code == 429
    assert "Bạn đã tra cứu quá nhiều lần. Vui lòng thử lại sau 10 phút." in page_text(refused)
    assert lookup(browser(address="198.51.100.2"), late.code, "0912345678").status_code == 200
    frozen_clock.advance(timedelta(minutes=10))
    assert lookup(citizen, late.code, "0912345678").status_code == 200


@pytest.mark.parametrize("locale, says", [("vi", "Không được chứa ký tự điều khiển (ký tự không in được, thường do dán từ nơi khác)."),
                                          ("en", "Must not contain control characters (invisible characters, often pasted in from elsewhere).")])
def test_an_apology_reason_with_a_control_character_is_refused_beside_it(browser, late, timed, locale,  # noqa: F811
                                                                         says):
    """A terminal's colour code pasted into the reason was printed on form 04 and mailed."""
    giamsat = browser("giamsat")
    giamsat.post("/language", {"locale": locale})
    response = giamsat.post(f"/dossiers/{late.id}/apology",
                            {"reason": "\x1b[31mChờ ý kiến cơ quan công an.", "new_date": "30/11/2026",
                             "new_time": "16:00"})
    assert response.status_code == 422
    assert f'<p class="error" id="reason-error">{says}</p>' in page_text(response)
    with timed.motcua.read_session() as s:
        assert s.get(Dossier, late.id).apology_issued_at is None


@pytest.mark.parametrize("locale, late_by, said", [
    ("vi", timedelta(hours=16, minutes=30), "2 ngày làm việc 30 phút"),
    ("en", timedelta(hours=16, minutes=30), "2 working days 30 min"),
    ("en", timedelta(hours=9), "1 working day 1 h"),
])
def test_a_lateness_counts_working_days_of_eight_hours_and_says_so(app, locale, late_by, said):
    """"trễ 2 ngày" read as two calendar days; English said "late by 2 d"."""
    from flask_babel import force_locale
    from webapp.supervise import working_time_label
    with app.test_request_context(), force_locale(locale):
        assert working_time_label(late_by) == said

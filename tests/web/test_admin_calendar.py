"""Calendar administration: the year view, days off, worked weekends, removing an exception,
re-seeding from the `holidays` package, and agencies' office hours. Administrators only."""
from __future__ import annotations

from datetime import date, datetime

import lxml.html
import pytest
from sqlalchemy import select

from engine.calendar.store import calendar_for
from engine.models import Agency, CalendarDay
from tests.web.conftest import page_text


def rows(demo, code="VN", year=2026) -> dict[date, tuple[bool, str, str]]:
    with demo.motcua.read_session() as s:
        return {r.day: (r.is_working, r.name, r.source) for r in s.execute(select(CalendarDay).where(
            CalendarDay.calendar_code == code, CalendarDay.day.between(date(year, 1, 1), date(year, 12, 31)))).scalars()}


def agency(demo, agency_id) -> Agency:
    with demo.motcua.read_session() as s:
        return s.get(Agency, agency_id)


@pytest.fixture
def admin(browser):
    return browser("admin")


def test_the_year_view_lists_the_seeded_holidays_and_worked_saturdays(admin):
    page = admin.text("/admin/calendar?year=2026")
    assert "Lịch làm việc năm 2026" in page
    assert "01/01/2026" in page and "Tết Dương lịch" in page
    assert "17/02/2026" in page and "Tết Nguyên Đán" in page
    assert "24/11/2026" in page and "Ngày Văn hóa Việt Nam" in page
    assert "22/08/2026" in page and "Ngày làm việc bù" in page  # a worked Saturday
    assert "Thứ Bảy" in page
    # Twelve months drawn, the holiday marked as a day off in its month.
    assert page.count('<table class="month">') == 12
    assert '<td class="day_off" title="Ngày Văn hóa Việt Nam" lang="vi">24' in page
    assert '<td class="worked_weekend" title="Ngày làm việc bù" lang="vi">22' in page
    # The default year is the engine clock's (23/11/2026 in tests); the neighbours are one click away.
    assert "Lịch làm việc năm 2026" in admin.text("/admin/calendar")
    assert "Lịch làm việc năm 2027" in admin.text("/admin/calendar?year=2027")


def test_an_administrator_adds_a_day_off_and_working_time_skips_it(admin, demo):
    response = admin.post("/admin/calendar/VN/days-off", {"day": "25/11/2026", "name": "Nghỉ đột xuất", "year": "2026"})
    assert response.status_code == 302
    page = admin.text(response.headers["Location"])
    assert "Đã thêm ngày nghỉ 25/11/2026." in page
    assert "25/11/2026" in page and "Nghỉ đột xuất" in page
    assert rows(demo)[date(2026, 11, 25)] == (False, "Nghỉ đột xuất", "admin")
    with demo.motcua.read_session() as s:
        calendar = calendar_for(s, s.get(Agency, demo.commune))
    assert not calendar.is_working_day(date(2026, 11, 25))


def test_a_wrong_date_or_a_missing_name_is_shown_beside_the_field(admin, demo):
    before = rows(demo)
    response = admin.post("/admin/calendar/VN/days-off", {"day": "31/02/2026", "name": "Ngày không có", "year": "2026"})
    assert response.status_code == 422
    page = page_text(response)
    assert "Ngày không hợp lệ. Ghi theo dạng dd/mm/yyyy" in page
    assert 'value="31/02/2026"' in page and 'value="Ngày không có"' in page  # what was typed stays
    # The same day field as everywhere: a phone offers its number pad, the field says it is wrong.
    [day] = lxml.html.fromstring(page).xpath('//input[@id="off-day"]')
    assert (day.get("inputmode"), day.get("placeholder"), day.get("aria-invalid")) == ("numeric", "dd/mm/yyyy", "true")
    response = admin.post("/admin/calendar/VN/days-off", {"day": "25/11/2026", "name": "  ", "year": "2026"})
    assert response.status_code == 422 and "Cần ghi tên ngày nghỉ." in page_text(response)
    assert rows(demo) == before


def test_a_day_in_a_year_the_calendar_does_not_show_is_refused_and_nothing_changes(admin, demo):
    """05/03/1999 (or 0026) is a slip of the keyboard: it was saved, then the page sent the
    administrator to a year it cannot show (not found), where the day could not be removed."""
    with demo.motcua.read_session() as s:
        before = s.execute(select(CalendarDay.day)).scalars().all()
    for url, day in [("/admin/calendar/VN/days-off", "05/03/1999"), ("/admin/calendar/VN/days-off", "05/03/0026"),
                     ("/admin/calendar/VN/working-days", "07/03/2101")]:
        response = admin.post(url, {"day": day, "name": "Ngày gõ nhầm", "year": "2026"})
        assert response.status_code == 422, day
        page = page_text(response)
        assert "Năm phải từ 2000 đến 2100." in page and f'value="{day}"' in page
    with demo.motcua.read_session() as s:
        assert s.execute(select(CalendarDay.day)).scalars().all() == before
    admin.post("/language", {"locale": "en"})
    response = admin.post("/admin/calendar/VN/days-off", {"day": "05/03/1999", "name": "Typo", "year": "2026"})
    assert response.status_code == 422 and "The year must be from 2000 to 2100." in page_text(response)


def test_a_weekend_day_can_be_marked_as_worked_and_a_weekday_cannot(admin, demo):
    response = admin.post("/admin/calendar/VN/working-days", {"day": "28/11/2026", "name": "", "year": "2026"})
    assert response.status_code == 302
    assert "Đã đánh dấu 28/11/2026 là ngày làm việc." in admin.text(response.headers["Location"])
    assert rows(demo)[date(2026, 11, 28)] == (True, "Ngày làm việc bù", "admin")

    response = admin.post("/admin/calendar/VN/working-days", {"day": "26/11/2026", "name": "", "year": "2026"})
    assert response.status_code == 422
    assert "Chỉ thứ Bảy hoặc Chủ nhật mới cần đánh dấu là ngày làm việc." in page_text(response)
    assert date(2026, 11, 26) not in rows(demo)


def test_a_removed_holiday_stays_removed_when_the_calendar_is_re_seeded(admin, demo):
    response = admin.post("/admin/calendar/VN/days/2026-11-24/remove")
    assert response.status_code == 302
    page = admin.text(response.headers["Location"])
    assert "Ngày 24/11/2026 đã trở lại như ngày thường." in page
    assert "Ngày Văn hóa Việt Nam" not in page
    admin.post("/admin/calendar/VN/days-off", {"day": "25/11/2026", "name": "Nghỉ đột xuất", "year": "2026"})

    # Rows the package owns come back if lost; the administrator's decisions are kept.
    with demo.motcua.uow() as uow:
        uow.session.execute(CalendarDay.__table__.delete().where(CalendarDay.day == date(2026, 9, 2)))
        uow.commit()
    response = admin.post("/admin/calendar/VN/reseed", {"year": "2026"})
    assert response.status_code == 302
    assert "Đã cập nhật từ danh mục ngày lễ dựng sẵn: thêm 1 ngày" in admin.text(response.headers["Location"])
    now = rows(demo)
    assert now[date(2026, 9, 2)] == (False, "Quốc khánh", "holidays")
    assert now[date(2026, 11, 24)] == (True, "", "admin")  # still an ordinary Tuesday
    assert now[date(2026, 11, 25)] == (False, "Nghỉ đột xuất", "admin")


def test_office_hours_and_time_zone_are_validated_and_saved(admin, demo):
    page = admin.text("/admin/agencies")
    assert "UBND xã Tân Phong" in page and 'value="07:00-11:30,13:30-17:00"' in page
    response = admin.post(f"/admin/agencies/{demo.commune}/hours",
                          {"office_hours": "07:30-11:30, 13:00-17:00", "timezone": "Asia/Ho_Chi_Minh"})
    assert response.status_code == 302
    assert "Đã lưu giờ làm việc của UBND xã Tân Phong." in admin.text(response.headers["Location"])
    saved = agency(demo, demo.commune)
    assert (saved.office_hours, saved.timezone) == ("07:30-11:30,13:00-17:00", "Asia/Ho_Chi_Minh")

    response = admin.post(f"/admin/agencies/{demo.commune}/hours",
                          {"office_hours": "13:30-17:00,07:00-11:30", "timezone": "Sao Hỏa/Olympus"})
    assert response.status_code == 422
    page = page_text(response)
    assert "Giờ làm việc không hợp lệ." in page and "Múi giờ không hợp lệ." in page
    assert 'value="13:30-17:00,07:00-11:30"' in page
    assert agency(demo, demo.commune).office_hours == "07:30-11:30,13:00-17:00"

    # A time with a UTC offset failed the page (500); it is refused like any other wrong hours.
    response = admin.post(f"/admin/agencies/{demo.commune}/hours",
                          {"office_hours": "07:00+05:00-11:00", "timezone": "Asia/Ho_Chi_Minh"})
    assert response.status_code == 422 and "Giờ làm việc không hợp lệ." in page_text(response)
    assert agency(demo, demo.commune).office_hours == "07:30-11:30,13:00-17:00"


@pytest.mark.parametrize("hours", ["07:30-11:30,13:30-17:00", "07:00-11:30,13:00-17:00", "08:00-12:00"])
def test_office_hours_that_do_not_make_an_eight_hour_day_are_refused(admin, demo, hours):
    # One working day of a time limit is 8 office hours: 7.5 or 9 hours a day would count
    # "1 working day" and "8 working hours" to different ends.
    response = admin.post(f"/admin/agencies/{demo.commune}/hours", {"office_hours": hours, "timezone": "Asia/Ho_Chi_Minh"})
    assert response.status_code == 422
    assert "Giờ làm việc trong ngày phải cộng lại đúng 8 giờ." in page_text(response)
    assert agency(demo, demo.commune).office_hours == "07:00-11:30,13:30-17:00"
    admin.post("/language", {"locale": "en"})
    response = admin.post(f"/admin/agencies/{demo.commune}/hours", {"office_hours": hours, "timezone": "Asia/Ho_Chi_Minh"})
    assert "The office hours must add up to exactly 8 hours a day." in page_text(response)


@pytest.mark.parametrize("username", ["chuyenvien", "giamsat", "tiepnhan"])
def test_the_pages_do_not_exist_for_officers(browser, demo, username):
    officer = browser(username)
    before = rows(demo)
    for url in ("/admin/", "/admin/calendar", "/admin/calendar?year=2026", "/admin/agencies"):
        assert officer.get(url).status_code == 404, url
    for url, data in [("/admin/calendar/VN/days-off", {"day": "25/11/2026", "name": "X"}),
                      ("/admin/calendar/VN/working-days", {"day": "28/11/2026"}),
                      ("/admin/calendar/VN/days/2026-11-24/remove", {}),
                      ("/admin/calendar/VN/reseed", {}),
                      (f"/admin/agencies/{demo.commune}/hours", {"office_hours": "08:00-09:00", "timezone": "UTC"})]:
        assert officer.post(url, data).status_code == 404, url
    assert rows(demo) == before
    assert agency(demo, demo.commune).office_hours == "07:00-11:30,13:30-17:00"
    assert "Quản trị" not in officer.text("/inbox")


def test_anonymous_visitors_are_sent_to_the_login(browser, demo):
    response = browser().get("/admin/calendar")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_unknown_calendars_and_years_are_not_found(admin):
    assert admin.get("/admin/calendar?code=XX").status_code == 404
    assert admin.get("/admin/calendar?year=abc").status_code == 404
    assert admin.get("/admin/calendar?year=1492").status_code == 404
    assert admin.post("/admin/calendar/VN/days/2026-13-01/remove").status_code == 404


def test_the_administration_pages_in_english(admin):
    admin.post("/language", {"locale": "en"})
    page = admin.text("/admin/calendar?year=2026")
    assert "Working calendar 2026" in page and "Add a day off" in page and "November" in page
    assert "24/11/2026" in page  # dates keep the Vietnamese format
    assert "Office hours" in admin.text("/admin/agencies")


def test_the_built_in_days_read_in_english_on_an_english_page_and_an_administrators_as_written(admin):
    """The built-in list's own names, in English, a substituted day's date as dd/mm/yyyy; a day an
    administrator named keeps their words, marked as Vietnamese."""
    admin.post("/admin/calendar/VN/days-off", {"day": "25/11/2026", "name": "Nghỉ đột xuất", "year": "2026"})
    admin.post("/admin/calendar/VN/working-days", {"day": "05/12/2026", "name": "", "year": "2026"})  # unnamed
    admin.post("/language", {"locale": "en"})
    html = lxml.html.fromstring(admin.text("/admin/calendar?year=2026"))
    names = {row.xpath("string(th)"): row.xpath("string(td[3])").strip() for row in html.xpath("//table[contains(@class, 'exceptions')]/tbody/tr")}
    assert names["30/04/2026"] == "Liberation Day/Reunification Day"
    assert names["31/08/2026"] == "Day off (substituted from 22/08/2026)"
    assert names["22/08/2026"] == names["05/12/2026"] == "Make-up working day"
    assert names["25/11/2026"] == "Nghỉ đột xuất"
    assert html.xpath("//table[contains(@class, 'exceptions')]//span[@lang='vi']/text()") == ["Nghỉ đột xuất"]
    [cell] = html.xpath("//table[@class='month']//td[@class='day_off' and starts-with(normalize-space(.), '24')]")
    assert cell.get("title") == "Vietnam Cultural Day" and cell.get("lang") is None
    admin.post("/language", {"locale": "vi"})
    page = admin.text("/admin/calendar?year=2026")
    assert "Ngày nghỉ (thay cho ngày 22/08/2026)" in page and "Liberation Day" not in page


def test_the_years_summary_counts_one_day_in_the_singular_in_english(admin):
    """2040 holds no seeded day: one day off and one worked weekend read '1 day off on a weekday ·
    1 weekend day worked', not '1 days off on weekdays · 1 weekend days worked'."""
    admin.post("/language", {"locale": "en"})
    assert "0 days off on weekdays · 0 weekend days worked" in admin.text("/admin/calendar?year=2040")
    admin.post("/admin/calendar/VN/days-off", {"day": "04/01/2040", "name": "Nghỉ đột xuất", "year": "2040"})
    admin.post("/admin/calendar/VN/working-days", {"day": "07/01/2040", "name": "", "year": "2040"})
    page = admin.text("/admin/calendar?year=2040")
    assert "1 day off on a weekday · 1 weekend day worked" in page
    admin.post("/admin/calendar/VN/days-off", {"day": "05/01/2040", "name": "Nghỉ đột xuất", "year": "2040"})
    admin.post("/admin/calendar/VN/working-days", {"day": "08/01/2040", "name": "", "year": "2040"})
    assert "2 days off on weekdays · 2 weekend days worked" in admin.text("/admin/calendar?year=2040")
    admin.post("/language", {"locale": "vi"})
    assert "2 ngày nghỉ rơi vào ngày thường · 2 ngày cuối tuần làm việc" in admin.text("/admin/calendar?year=2040")


def test_a_day_already_in_the_calendar_is_refused_by_its_date_and_nothing_changes(admin, demo):
    """Adding 24/11/2026 again (already the holiday 'Ngày Văn hóa Việt Nam') renamed it and said
    'Đã thêm ngày nghỉ 24/11/2026.'; a worked Saturday marked again was renamed the same way."""
    before = rows(demo)
    response = admin.post("/admin/calendar/VN/days-off", {"day": "24/11/2026", "name": "Tên khác", "year": "2026"})
    assert response.status_code == 422
    page = page_text(response)
    assert "Ngày 24/11/2026 đã có trong lịch là ngày nghỉ «Ngày Văn hóa Việt Nam»." in page
    assert "Đã thêm ngày nghỉ" not in page and 'value="Tên khác"' in page
    [day] = lxml.html.fromstring(page).xpath('//input[@id="off-day"]')
    assert day.get("aria-invalid") == "true"
    response = admin.post("/admin/calendar/VN/working-days", {"day": "22/08/2026", "name": "Làm bù khác", "year": "2026"})
    assert response.status_code == 422
    assert "Ngày 22/08/2026 đã có trong lịch là ngày làm việc «Ngày làm việc bù»." in page_text(response)
    assert rows(demo) == before
    # A day the administrator removed (an ordinary day again) can be added as a day off.
    admin.post("/admin/calendar/VN/days/2026-11-24/remove")
    response = admin.post("/admin/calendar/VN/days-off", {"day": "24/11/2026", "name": "Nghỉ bù", "year": "2026"})
    assert response.status_code == 302 and "Đã thêm ngày nghỉ 24/11/2026." in admin.text(response.headers["Location"])
    admin.post("/language", {"locale": "en"})
    response = admin.post("/admin/calendar/VN/days-off", {"day": "24/11/2026", "name": "Again", "year": "2026"})
    assert response.status_code == 422
    assert "24/11/2026 is already in the calendar as a day off: «Nghỉ bù»." in page_text(response)
    assert rows(demo)[date(2026, 11, 24)] == (False, "Nghỉ bù", "admin")

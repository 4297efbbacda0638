"""A refused administration form far down its page (the calendar's forms under the whole year's
days, the last agency's office hours, a partner's edit form, the password reset under an account's
roles) came back with the page at its top: on a phone the error was thousands of pixels below,
and the administrator saw no sign that nothing was saved. The field refused first now carries
``autofocus``, so the browser scrolls to it and focuses it; one field on the page at most."""
from __future__ import annotations

import lxml.html
from sqlalchemy import select

from engine.models import Partner, User
from tests.web.conftest import page_text


def focused(response) -> list[str]:
    """The ids of the page's elements with ``autofocus``."""
    return [e.get("id") for e in lxml.html.fromstring(page_text(response)).xpath("//*[@autofocus]")]


def test_a_refused_day_off_focuses_its_day_under_the_years_days(browser):
    admin = browser("admin")
    assert focused(admin.get("/admin/calendar?year=2026")) == []
    refused = admin.post("/admin/calendar/VN/days-off", {"year": "2026", "day": "31/02/2026", "name": "Nghỉ"})
    assert refused.status_code == 422 and focused(refused) == ["off-day"]
    refused = admin.post("/admin/calendar/VN/working-days", {"year": "2026", "day": "23/12/2026", "name": ""})
    assert refused.status_code == 422 and focused(refused) == ["work-day"]


def test_a_refused_name_of_a_day_off_focuses_the_name(browser):
    refused = browser("admin").post("/admin/calendar/VN/days-off",
                                    {"year": "2026", "day": "28/12/2026", "name": "x" * 300})
    assert refused.status_code == 422 and focused(refused) == ["off-name"]


def test_the_last_agencys_refused_time_zone_is_focused(browser, demo):
    land = demo.agencies["land_registration_office"]
    refused = browser("admin").post(f"/admin/agencies/{land}/hours",
                                    {"office_hours": "07:00-11:30,13:30-17:00", "timezone": "Mars/Base"})
    assert refused.status_code == 422 and focused(refused) == [f"zone-{land}"]


def test_two_refused_fields_focus_only_the_first(browser, demo):
    refused = browser("admin").post(f"/admin/agencies/{demo.commune}/hours", {"office_hours": "", "timezone": ""})
    assert refused.status_code == 422 and focused(refused) == [f"hours-{demo.commune}"]


def test_a_partners_refused_address_is_focused(browser, demo):
    with demo.motcua.read_session() as s:
        partner = s.scalars(select(Partner).order_by(Partner.id)).first()
    refused = browser("admin").post(f"/admin/partners/{partner.id}", {
        "name": partner.name, "endpoint": "ftp://x", "our_code": partner.our_code, "key": ""})
    assert refused.status_code == 422 and focused(refused) == [f"p{partner.id}-endpoint"]


def test_a_refused_password_reset_under_the_roles_is_focused(browser, demo):
    with demo.motcua.read_session() as s:
        user_id = s.scalar(select(User.id).where(User.username == "chuyenvien2"))
    admin = browser("admin")
    refused = admin.post(f"/admin/users/{user_id}/password", {"new_password": "short"})
    assert refused.status_code == 422 and "Mật khẩu cần ít nhất 10 ký tự." in page_text(refused)
    assert focused(refused) == ["reset-password"]
    assert focused(admin.post("/admin/users/new", {"username": "can.bo.moi", "full_name": "Cán Bộ Mới",
                                                   "password": "ngan"})) == ["new-password"]


def test_a_new_unit_without_a_code_focuses_the_code(browser, demo):
    refused = browser("admin").post(f"/admin/agencies/{demo.commune}/units", {"code": "", "name": ""})
    assert refused.status_code == 422 and focused(refused) == ["new-code"]

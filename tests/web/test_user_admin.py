"""User administration: an administrator creates an officer with the agencies and roles they
hold, changes them, resets a password and locks the account (the officer's sessions end at
once); every change is in the account's history; everyone changes their own password."""
from __future__ import annotations

import re

import lxml.html
from sqlalchemy import select

from engine.folding import vietnamese_order
from engine.models import AccountEvent, Membership, User
from tests.web.conftest import page_text

NEW_PASSWORD = "mat-khau-moi-2026"


def holdings_of(demo, username):
    with demo.motcua.read_session() as s:
        return sorted(s.execute(select(Membership.agency_id, Membership.role).join(User, User.id == Membership.user_id)
                                .where(User.username == username)).all())


def history_of(demo, username):
    with demo.motcua.read_session() as s:
        user_id = s.execute(select(User.id).where(User.username == username)).scalar_one()
        return [(e.action, e.actor_id) for e in s.execute(select(AccountEvent).where(AccountEvent.user_id == user_id)
                                                         .order_by(AccountEvent.id)).scalars()]


def test_the_administrator_creates_an_officer_who_can_then_work(browser, demo):
    admin = browser("admin")
    page = page_text(admin.get("/admin/users/"))
    assert "Nguyễn Thị Hoa" in page and "Tiếp nhận và trả kết quả" in page
    response = admin.post("/admin/users/new", {"username": "canbo.moi", "full_name": "Lý Thị Mới",
                                               "email": "moi@tanphong.gov.vn", "password": NEW_PASSWORD,
                                               "holding": [f"{demo.commune}:specialist", f"{demo.commune}:leader"]})
    assert response.status_code == 302
    assert holdings_of(demo, "canbo.moi") == [(demo.commune, "leader"), (demo.commune, "specialist")]
    assert history_of(demo, "canbo.moi") == [("created", demo.users["admin"])]
    officer = browser()
    assert officer.login("canbo.moi", NEW_PASSWORD).status_code == 302
    assert officer.get("/inbox").status_code == 200


def test_bad_input_is_refused_next_to_the_field_and_creates_nothing(browser, demo):
    admin = browser("admin")
    with demo.motcua.read_session() as s:
        before = s.execute(select(User.id)).all()
    for form, field, message in [
        ({"username": "Có Dấu", "full_name": "A", "password": NEW_PASSWORD}, "username", "chữ thường không dấu"),
        ({"username": "tiepnhan", "full_name": "A", "password": NEW_PASSWORD}, "username", "đã có người dùng"),
        ({"username": "ngan", "full_name": "A", "password": "ngan"}, "password", "ít nhất 10 ký tự"),
        ({"username": "x" * 300, "full_name": "A" * 5000, "password": "p" * 5000}, "full_name", "tối đa 255"),
        ({"username": "hop.le", "full_name": "A", "password": NEW_PASSWORD, "holding": ["999999:leader"]},
         "holdings", "Cơ quan hoặc vai trò không hợp lệ"),
        ({"username": "hop.le", "full_name": "A", "password": NEW_PASSWORD, "holding": [f"{demo.commune}:god"]},
         "holdings", "Cơ quan hoặc vai trò không hợp lệ"),
        ({"username": "hop.le", "full_name": "A", "password": NEW_PASSWORD, "email": "a@b\r\nBcc: x@y"},
         "email", "không hợp lệ"),
    ]:
        response = admin.post("/admin/users/new", form)
        assert response.status_code == 422, form
        assert message in page_text(response), (field, message)
    with demo.motcua.read_session() as s:
        assert s.execute(select(User.id)).all() == before


def test_locking_and_resetting_end_the_officers_sessions_at_once(browser, demo):
    officer = browser("chuyenvien")
    assert officer.get("/inbox").status_code == 200
    admin = browser("admin")
    user_id = demo.users["chuyenvien"]
    assert admin.post(f"/admin/users/{user_id}/active", {"active": "0"}).status_code == 302
    assert officer.get("/inbox").status_code == 302  # back to the login page
    assert browser().login("chuyenvien").status_code != 302  # a locked account cannot sign in
    admin.post(f"/admin/users/{user_id}/active", {"active": "1"})
    officer = browser("chuyenvien")
    assert admin.post(f"/admin/users/{user_id}/password", {"new_password": NEW_PASSWORD}).status_code == 302
    assert officer.get("/inbox").status_code == 302
    assert browser().login("chuyenvien", NEW_PASSWORD).status_code == 302
    assert [a for a, _actor in history_of(demo, "chuyenvien")] == ["deactivated", "activated", "password_reset"]
    page = page_text(admin.get(f"/admin/users/{user_id}"))
    assert "Khóa tài khoản" in page and "Đặt lại mật khẩu" in page and "Quản trị hệ thống" in page


def test_changing_holdings_shows_in_what_the_officer_may_do(browser, demo):
    admin = browser("admin")
    user_id = demo.users["chuyenvien"]
    admin.post(f"/admin/users/{user_id}/holdings", {"holding": [f"{demo.commune}:reception"]})
    assert holdings_of(demo, "chuyenvien") == [(demo.commune, "reception")]
    assert browser("chuyenvien").get("/reception/new").status_code == 200
    assert history_of(demo, "chuyenvien")[-1][0] == "holdings_changed"


def test_only_administrators_see_the_pages_and_an_admin_cannot_lock_themselves_out(browser, demo):
    officer = browser("lanhdao")
    for url in ("/admin/users/", "/admin/users/new", f"/admin/users/{demo.users['admin']}"):
        assert officer.get(url).status_code == 404
    assert officer.post(f"/admin/users/{demo.users['chuyenvien']}/active", {"active": "0"}).status_code == 404
    admin = browser("admin")
    response = admin.post(f"/admin/users/{demo.users['admin']}/active", {"active": "0"})
    assert response.status_code == 422 and "Không thể tự khóa" in page_text(response)
    assert admin.get("/admin/users/99999999999").status_code == 404


def test_an_officer_changes_their_own_password_and_signs_in_again(browser, demo):
    officer = browser("tiepnhan")
    page = page_text(officer.get("/account/password"))
    assert "Mật khẩu hiện tại" in page
    wrong = officer.post("/account/password", {"current_password": "sai", "new_password": NEW_PASSWORD,
                                               "confirm_password": NEW_PASSWORD})
    assert wrong.status_code == 422 and "Mật khẩu hiện tại không đúng" in page_text(wrong)
    mismatch = officer.post("/account/password", {"current_password": "motcua-demo", "new_password": NEW_PASSWORD,
                                                  "confirm_password": "khac"})
    assert mismatch.status_code == 422 and "không giống nhau" in page_text(mismatch)
    done = officer.post("/account/password", {"current_password": "motcua-demo", "new_password": NEW_PASSWORD,
                                              "confirm_password": NEW_PASSWORD})
    assert done.status_code == 302 and "/login" in done.headers["Location"]
    assert officer.get("/inbox").status_code == 302  # this session ended too
    assert browser().login("tiepnhan", NEW_PASSWORD).status_code == 302
    assert history_of(demo, "tiepnhan") == [("password_changed", demo.users["tiepnhan"])]


def test_a_refused_change_of_holdings_shows_the_form_as_it_was_ticked(browser, demo):
    """A unit chosen at an agency where no role is ticked is refused; the page shows the roles
    and units the administrator chose, not the saved ones, so one fix and a second save do."""
    from engine.models import Unit
    admin = browser("admin")
    user_id = demo.users["tiepnhan"]
    with demo.motcua.read_session() as s:
        police_unit = s.execute(select(Unit.id).where(Unit.agency_id == demo.police)).scalars().first()
    before = holdings_of(demo, "tiepnhan")
    response = admin.post(f"/admin/users/{user_id}/holdings", {
        "holding": [f"{demo.commune}:specialist"], f"unit-{demo.police}": str(police_unit)})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'value="{demo.commune}:specialist" checked' in html
    assert f'value="{demo.commune}:reception" checked' not in html
    assert f'<option value="{police_unit}" selected' in html
    assert holdings_of(demo, "tiepnhan") == before


def test_a_password_reset_ending_one_session_says_so_in_the_singular_in_english(browser, demo):
    browser("chuyenvien")  # one session
    admin = browser("admin")
    admin.post("/language", {"locale": "en"})
    user_id = demo.users["chuyenvien"]
    response = admin.post(f"/admin/users/{user_id}/password", {"new_password": NEW_PASSWORD})
    assert response.status_code == 302
    page = admin.text(response.headers["Location"])
    assert "Password reset; 1 session of this user ended." in page and "session(s)" not in page


def test_the_officers_list_is_in_vietnamese_alphabetical_order(browser, demo):
    """Đặng and Đỗ came after Vũ (code-point order); a Vietnamese reader looks for them right
    after the D names, and finds An before Ân (the mark only breaks a tie)."""
    admin = browser("admin")
    for username, name in [("duong", "Dương Văn Hải"), ("an.hoa", "Ân Văn Hải"), ("an.hai", "An Văn Hải")]:
        assert admin.post("/admin/users/new", {"username": username, "full_name": name,
                                               "password": NEW_PASSWORD}).status_code == 302
    html = admin.text("/admin/users/")
    names = [lxml.html.fromstring(row).text_content() for row in re.findall(r'<th scope="row">.*?</th>', html)]
    assert names == sorted(names, key=vietnamese_order)
    assert names.index("An Văn Hải") < names.index("Ân Văn Hải") < names.index("Bùi Thị Mai")
    assert names.index("Dương Văn Hải") < names.index("Đặng Văn Khoa") < names.index("Đỗ Thanh Bình") \
        < names.index("Lê Thị Thu") < names.index("Vũ Đức Anh")


def test_an_empty_new_officer_form_says_only_what_is_required(browser, demo):
    """Sent empty, the form also said the password was the same as the user name (both empty) and
    too short; each empty field now says only that it is required."""
    admin = browser("admin")
    response = admin.post("/admin/users/new", {"username": "", "full_name": "", "email": "", "password": ""})
    assert response.status_code == 422
    page = page_text(response)
    errors = lxml.html.fromstring(page).xpath('//p[@class="error"]/text()')
    assert errors == ["Trường này là bắt buộc."] * 3
    assert "trùng tên đăng nhập" not in page and "ít nhất" not in page and "chữ thường không dấu" not in page
    admin.post("/language", {"locale": "en"})
    page = page_text(admin.post("/admin/users/new", {"username": "", "full_name": "", "password": ""}))
    assert lxml.html.fromstring(page).xpath('//p[@class="error"]/text()') == ["This field is required."] * 3
    # A password typed with no user name is only checked for itself.
    page = page_text(admin.post("/admin/users/new", {"username": "", "full_name": "A", "password": "ngan"}))
    assert "The password needs at least 10 characters." in page and "must not be the username" not in page


def test_the_officers_list_names_units_in_the_pages_language(browser, demo):
    admin = browser("admin")
    assert "UBND xã Tân Phong: Tiếp nhận và trả kết quả · Bộ phận Một cửa" in admin.text("/admin/users/")
    admin.post("/language", {"locale": "en"})
    page = admin.text("/admin/users/")
    assert "UBND xã Tân Phong: Reception and result return · One-stop desk" in page
    assert "Bộ phận Một cửa" not in page

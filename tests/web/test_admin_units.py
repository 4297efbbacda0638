"""Units inside an agency (issue 11 "by agency and its units"; issue 12 point 8 "set their units"):
an administrator adds, changes and removes the units of an agency from the agencies page and sets
the unit an officer sits in; bad input is refused beside its field and changes nothing; every
change is in the history; nobody else sees these pages."""
from __future__ import annotations

import re

import lxml.html
from sqlalchemy import select

from engine.models import AccountEvent, Membership, Unit, UnitEvent, UnitRole, User
from tests.web.conftest import page_text


def units_of(demo, agency_id):
    with demo.motcua.read_session() as s:
        units = {u.code: u.id for u in s.execute(select(Unit).where(Unit.agency_id == agency_id)).scalars()}
        roles = dict(s.execute(select(UnitRole.role, Unit.code).join(Unit, Unit.id == UnitRole.unit_id)
                               .where(UnitRole.agency_id == agency_id)).all())
    return units, roles


def sits(demo, username):
    with demo.motcua.read_session() as s:
        return sorted(set(s.execute(select(Unit.code).join(Membership, Membership.unit_id == Unit.id)
                                    .join(User, User.id == Membership.user_id).where(User.username == username))
                          .scalars()))


def test_the_demo_commune_has_its_units_and_officers_sit_in_them(demo):
    units, roles = units_of(demo, demo.commune)
    assert sorted(units) == ["LD", "MC", "TPHT", "VP"]
    assert roles == {"reception": "MC", "specialist": "TPHT", "supervisor": "VP", "leader": "LD"}
    assert sits(demo, "tiepnhan") == ["MC"] and sits(demo, "chuyenvien") == ["TPHT"]
    assert units_of(demo, demo.police)[1] == {"specialist": "CT"}


def test_the_administrator_adds_changes_and_removes_a_unit(browser, demo):
    admin = browser("admin")
    agencies = admin.text("/admin/agencies")
    link = re.search(rf'href="(/admin/agencies/{demo.commune}/units)"', agencies).group(1)
    page = admin.text(link)
    assert "Bộ phận của UBND xã Tân Phong" in page and "Công chức Tư pháp – Hộ tịch" in page
    response = admin.post(link, {"code": "TCKT", "name": "Công chức Tài chính – Kế toán",
                                 "name_en": "Finance and accounting officer"})
    assert response.status_code == 302
    units, _roles = units_of(demo, demo.commune)
    assert "TCKT" in units
    # The office gives up the supervisor's lane; the new unit takes it.
    vp, tckt = units["VP"], units["TCKT"]
    assert admin.post(f"{link}/{vp}", {"code": "VP", "name": "Văn phòng UBND xã", "name_en": ""}).status_code == 302
    assert "Vai trò chưa thuộc bộ phận nào: Giám sát" in admin.text(link)
    assert admin.post(f"{link}/{tckt}", {"code": "TCKT", "name": "Công chức Tài chính – Kế toán",
                                         "role": "supervisor"}).status_code == 302
    assert units_of(demo, demo.commune)[1]["supervisor"] == "TCKT"
    # Removing the office: giamsat (who sat there) sits in no unit; its lanes answer to none.
    assert sits(demo, "giamsat") == ["VP"]
    assert admin.post(f"{link}/{vp}/remove").status_code == 302
    assert "VP" not in units_of(demo, demo.commune)[0] and sits(demo, "giamsat") == []
    with demo.motcua.read_session() as s:
        history = [(e.action, e.actor_id) for e in s.execute(select(UnitEvent).where(
            UnitEvent.agency_id == demo.commune).order_by(UnitEvent.id)).scalars()]
    assert history == [("unit_created", demo.users["admin"]), ("unit_changed", demo.users["admin"]),
                       ("unit_changed", demo.users["admin"]), ("unit_removed", demo.users["admin"])]
    page = admin.text(link)
    assert "Xóa bộ phận" in page and "Thêm bộ phận" in page and "Quản trị hệ thống" in page


def test_bad_unit_input_is_refused_beside_its_field_and_changes_nothing(browser, demo):
    admin = browser("admin")
    link = f"/admin/agencies/{demo.commune}/units"
    before = units_of(demo, demo.commune)
    for form, message in [
        ({"code": "MC", "name": "Trùng mã"}, "Cơ quan đã có bộ phận mang mã này."),
        ({"code": "mc", "name": "Trùng mã chữ thường"}, "Cơ quan đã có bộ phận mang mã này."),
        ({"code": "có dấu", "name": "A"}, "Mã bộ phận gồm 1–40 chữ cái không dấu"),
        ({"code": "X1", "name": ""}, "Hãy nhập tên bộ phận."),
        ({"code": "X1", "name": "A" * 400}, "Tối đa 255 ký tự."),
        ({"code": "X1", "name": "Thứ hai", "role": "reception"}, "đã thuộc bộ phận «Bộ phận Một cửa»"),
        ({"code": "X1", "name": "Thứ hai", "role": "god"}, "Vai trò không hợp lệ."),
    ]:
        response = admin.post(link, form)
        assert response.status_code == 422, form
        assert message in page_text(response), form
    assert units_of(demo, demo.commune) == before
    other = units_of(demo, demo.police)[0]["CT"]
    assert admin.post(f"{link}/{other}", {"code": "CT", "name": "X"}).status_code == 404  # not this agency's
    assert admin.post(f"{link}/999999/remove").status_code == 404
    assert admin.get("/admin/agencies/999999/units").status_code == 404
    assert browser("lanhdao").get(link).status_code == 404  # administrators only
    assert browser("lanhdao").post(link, {"code": "Z", "name": "Z"}).status_code == 404
    admin.post("/language", {"locale": "en"})
    assert "The agency already has a unit with this code." in page_text(admin.post(link, {"code": "MC", "name": "A"}))


def test_the_administrator_sets_the_unit_an_officer_sits_in(browser, demo):
    admin = browser("admin")
    user_id = demo.users["chuyenvien2"]
    units, _roles = units_of(demo, demo.commune)
    page = admin.text(f"/admin/users/{user_id}")
    assert f'name="unit-{demo.commune}"' in page and "— Chưa xếp bộ phận —" in page
    response = admin.post(f"/admin/users/{user_id}/holdings", {
        "holding": [f"{demo.commune}:specialist", f"{demo.commune}:leader"], f"unit-{demo.commune}": str(units["LD"])})
    assert response.status_code == 302
    assert sits(demo, "chuyenvien2") == ["LD"]
    assert "Lê Thị Thu" in (listing := admin.text("/admin/users/")) and "Lãnh đạo UBND xã" in listing
    with demo.motcua.read_session() as s:
        event = s.execute(select(AccountEvent).where(AccountEvent.user_id == user_id)
                          .order_by(AccountEvent.id.desc())).scalars().first()
    assert event.action == "holdings_changed" and event.detail["units_after"] == ["000.31.21.H56:LD"]
    assert event.detail["units_before"] == ["000.31.21.H56:TPHT"]
    # A unit of another agency, or of an agency the officer holds nothing in: refused, nothing changes.
    police_unit = units_of(demo, demo.police)[0]["CT"]
    for form in ({"holding": [f"{demo.commune}:specialist"], f"unit-{demo.commune}": str(police_unit)},
                 {"holding": [f"{demo.commune}:specialist"], f"unit-{demo.police}": str(police_unit)}):
        response = admin.post(f"/admin/users/{user_id}/holdings", form)
        assert response.status_code == 422 and "Bộ phận phải thuộc cơ quan mà người dùng có vai trò." in page_text(response)
    assert sits(demo, "chuyenvien2") == ["LD"]
    # What is not a number is not a unit (nor an agency): dropped, the form still saves.
    response = admin.post(f"/admin/users/{user_id}/holdings", {
        "holding": [f"{demo.commune}:specialist", "²:leader"], f"unit-{demo.commune}": "²", "unit-²": "1"})
    assert response.status_code == 302 and sits(demo, "chuyenvien2") == []
    # A new officer sits in a unit from the start.
    response = admin.post("/admin/users/new", {"username": "motcua2", "full_name": "Phan Thị Hai",
                                               "password": "mat-khau-moi-2026", "holding": [f"{demo.commune}:reception"],
                                               f"unit-{demo.commune}": str(units["MC"])})
    assert response.status_code == 302 and sits(demo, "motcua2") == ["MC"]


def test_a_role_clash_names_the_role_and_the_unit_that_holds_it(browser, demo):
    """'vai trò này đã thuộc bộ phận khác' said neither which role nor which unit: each role
    already taken is now named by its label, with the unit holding it; nothing changes."""
    admin = browser("admin")
    link = f"/admin/agencies/{demo.commune}/units"
    before = units_of(demo, demo.commune)
    response = admin.post(link, {"code": "X1", "name": "Thứ hai", "role": ["reception", "specialist"]})
    assert response.status_code == 422
    errors = lxml.html.fromstring(page_text(response)).xpath('//fieldset[@class="unit-roles has-error"]/p[@class="error"]/text()')
    assert errors == [
        "Vai trò «Tiếp nhận và trả kết quả» đã thuộc bộ phận «Bộ phận Một cửa» của cơ quan; mỗi vai trò chỉ thuộc một bộ phận.",
        "Vai trò «Chuyên viên» đã thuộc bộ phận «Công chức Tư pháp – Hộ tịch» của cơ quan; mỗi vai trò chỉ thuộc một bộ phận."]
    # Changing a unit to take another's role: the same, beside that unit's roles.
    mc = before[0]["MC"]
    response = admin.post(f"{link}/{mc}", {"code": "MC", "name": "Bộ phận Một cửa", "role": ["reception", "leader"]})
    assert response.status_code == 422
    assert "Vai trò «Lãnh đạo» đã thuộc bộ phận «Lãnh đạo UBND xã» của cơ quan" in page_text(response)
    admin.post("/language", {"locale": "en"})
    page = page_text(admin.post(link, {"code": "X1", "name": "Thứ hai", "role": "specialist"}))
    assert ("The role «Specialist» already belongs to the unit «Justice and civil status officers» of this agency; "
            "each role belongs to one unit only.") in page
    assert "specialist»" not in page and "«reception" not in page
    assert units_of(demo, demo.commune) == before


def test_a_role_clash_names_the_unit_as_the_pages_language_names_it(browser, demo):
    """An English page named the unit holding the role by its Vietnamese name, though the unit has
    an English one; a unit without an English name keeps its Vietnamese name there, as on the units
    page and the statistics by unit."""
    admin = browser("admin")
    link = f"/admin/agencies/{demo.commune}/units"
    units, _roles = units_of(demo, demo.commune)
    assert admin.post(f"{link}/{units['VP']}", {"code": "VP", "name": "Văn phòng UBND xã", "name_en": "",
                                                 "role": "supervisor"}).status_code == 302
    before = units_of(demo, demo.commune)
    roles_error = '//fieldset[@class="unit-roles has-error"]/p[@class="error"]/text()'
    said = {}
    for locale in ("vi", "en"):
        admin.post("/language", {"locale": locale})
        response = admin.post(link, {"code": "X1", "name": "Thứ hai", "role": ["reception", "supervisor"]})
        assert response.status_code == 422
        said[locale] = lxml.html.fromstring(page_text(response)).xpath(roles_error)
    assert said["vi"] == [
        "Vai trò «Tiếp nhận và trả kết quả» đã thuộc bộ phận «Bộ phận Một cửa» của cơ quan; mỗi vai trò chỉ thuộc một bộ phận.",
        "Vai trò «Giám sát» đã thuộc bộ phận «Văn phòng UBND xã» của cơ quan; mỗi vai trò chỉ thuộc một bộ phận."]
    assert said["en"] == [
        "The role «Reception and result return» already belongs to the unit «One-stop desk» of this agency; "
        "each role belongs to one unit only.",
        "The role «Supervisor» already belongs to the unit «Văn phòng UBND xã» of this agency; "
        "each role belongs to one unit only."]
    assert units_of(demo, demo.commune) == before


def test_removing_a_unit_takes_a_second_click_that_says_what_it_means(browser, demo):
    """One click removed a unit with its officers' seats (found by a browser audit): the first click
    now only opens what removing means, and the button that removes it names the unit."""
    admin = browser("admin")
    root = lxml.html.document_fromstring(admin.text(f"/admin/agencies/{demo.commune}/units"))
    removals = root.xpath("//details[@class='confirm-removal']")
    assert removals and not root.xpath("//form[contains(@action, '/remove')][not(ancestor::details)]")
    first = removals[0]
    assert " ".join(first.xpath("summary")[0].text_content().split()).startswith("Xóa bộ phận")
    said = " ".join(first.text_content().split())
    assert re.search(r"Bộ phận này có \d+ cán bộ\. Sau khi xóa, vai trò của bộ phận không thuộc bộ phận nào", said)
    assert first.xpath(".//form//button")[0].text_content().startswith("Xóa hẳn bộ phận ")

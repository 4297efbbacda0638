"""The administrator's user pages, an agency's units and everyone's password page read well at a
desk's and a phone's width, in Vietnamese and English; an officer is created with the keyboard and
mouse, in the unit where they sit."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.test_dossier_whole_life import no_page_scroll

PAGES = ("/admin/users/", "/admin/users/new", "/account/password")

# For each agency's role checkboxes: how far (px) the checkbox sits above the first line of its
# role's name, and whether the unit's label starts below every role instead of after the last one.
ROLE_LINES = """() => [...document.querySelectorAll('fieldset.agency-roles')].map(group => {
  const roles = [...group.querySelectorAll(':scope > label:not([for])')];
  const gaps = roles.map(label => {
    const box = label.querySelector('input').getBoundingClientRect();
    const range = document.createRange();
    range.selectNodeContents(label.lastChild);
    const text = [...range.getClientRects()].find(r => r.width > 0);
    return Math.abs((box.top + box.bottom) / 2 - (text.top + text.bottom) / 2);
  });
  const unit = group.querySelector(':scope > label[for]');
  const below = !unit || roles.every(l => unit.getBoundingClientRect().top >= l.getBoundingClientRect().bottom - 1);
  return {gap: Math.max(...gaps), unitBelow: below};
})"""


def roles_beside_their_boxes(page):
    for group in page.evaluate(ROLE_LINES):
        assert group["gap"] < 12 and group["unitBelow"], group


def test_user_pages_at_both_widths_in_both_languages(officer, demo):
    admin = officer("admin")
    admin.goto("/admin/users/new")
    admin.get_by_label("Tên đăng nhập").fill("can.bo.thu")
    admin.get_by_label("Họ và tên").fill("Đinh Văn Thử")
    admin.get_by_label("Mật khẩu ban đầu").fill("mat-khau-rat-dai-2026")
    commune = admin.get_by_role("group", name="UBND xã Tân Phong")
    commune.get_by_label("Chuyên viên").check()
    commune.get_by_label("Bộ phận").select_option(label="Công chức Tư pháp – Hộ tịch")
    admin.get_by_role("button", name="Tạo tài khoản").click()
    expect(admin.get_by_role("heading", level=1)).to_contain_text("Đinh Văn Thử")
    expect(admin.locator(".account-history")).to_contain_text("Tạo tài khoản")
    expect(admin.locator(f"#unit-{demo.commune} option:checked")).to_have_text("Công chức Tư pháp – Hộ tịch")
    pages = PAGES + (admin.url.replace(admin.url.split("/admin/")[0], ""), f"/admin/agencies/{demo.commune}/units")
    for language in ("vi", "en"):
        for width in (1280, 390):
            admin.set_viewport_size({"width": width, "height": 844})
            for url in pages:
                admin.goto(url)
                no_page_scroll(admin)
                if url == "/admin/users/new":
                    roles_beside_their_boxes(admin)
        if language == "vi":
            admin.get_by_role("button", name="English").click()
    admin.goto("/admin/users/")
    expect(admin.get_by_role("heading", level=1)).to_have_text("Users")

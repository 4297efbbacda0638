"""What one agency sends another, as the receiving officer reads it: every field under its title in
the page's language, in the order of the form that titles it (the catching element's
``payloadForm``), never a field name and never the order the sender's system wrote the keys in."""
from __future__ import annotations

import re
from html import unescape

from engine import commands
from tests.test_collaboration import Officer, receive as receive_death, through_committee_to_police
from tests.test_land_transfer import CHECK, branch_and_tax, receive as receive_land_transfer, task_page  # noqa: F401
from tests.test_lien_thong_khai_sinh import at
from tests.partner_instances import _partner_template, partner_database_url  # noqa: F401 (fixtures)
from tests.web.conftest import open_item
from tests.web.test_control_slip import at_bhxh, at_the_police, card_from_bhxh


def labels(html: str, after: str) -> list[str]:
    """The labels (``<dt>``) of the page's data, from the first one after ``after`` on."""
    html = html[html.index(after):]
    return [unescape(re.sub(r"<[^>]+>", "", label)).strip() for label in re.findall(r"<dt>(.*?)</dt>", html, re.S)]


def in_order(shown: list[str], wanted: list[str]) -> list[str]:
    """``wanted`` as far as ``shown`` lists them, in the order ``shown`` has."""
    return [label for label in shown if label in wanted]


BIRTH_NOTICE_VI = ["Họ, chữ đệm và tên của trẻ", "Ngày, tháng, năm sinh", "Số định danh cá nhân của trẻ",
                   "Họ, chữ đệm và tên người mẹ", "Nơi đăng ký thường trú của trẻ", "Quyển Sổ đăng ký khai sinh",
                   "Số đăng ký khai sinh"]
BIRTH_NOTICE_EN = ["Child's full name", "Date of birth", "Child's personal identification number", "Mother's full name",
                   "Child's place of permanent residence", "Birth register volume", "Birth registration number"]


def test_the_police_read_the_committees_birth_register_entry_under_its_titles(browser, demo, frozen_clock):
    dossier = at_the_police(demo, frozen_clock)
    police = browser("congan")
    for url in (f"/tasks/{open_item(demo, dossier.id)}", f"/dossiers/{dossier.id}"):
        html = police.text(url)
        assert "birth_register" not in html, url
        assert in_order(labels(html, "Hồ sơ đề nghị đăng ký thường trú"), BIRTH_NOTICE_VI) == BIRTH_NOTICE_VI, url
    police.post("/language", {"locale": "en"})
    html = police.text(f"/tasks/{open_item(demo, dossier.id)}")
    assert "birth_register" not in html
    # The group is titled in English too, by the title of the form that titles it.
    assert in_order(labels(html, "Request to register the child's permanent residence"), BIRTH_NOTICE_EN) \
        == BIRTH_NOTICE_EN


def test_the_card_from_bhxh_is_listed_in_the_order_of_its_form_not_by_key(browser, demo, frozen_clock):
    dossier = at_bhxh(demo, frozen_clock)
    frozen_clock.current = at(26, 10, 30)
    card_from_bhxh(browser, dossier)  # its body's keys sorted by name, as any system may send them
    html = browser("tiepnhan").text(f"/tasks/{open_item(demo, dossier.id)}")
    card = ["Mã số thẻ BHYT (2 chữ cái và 13 chữ số, ví dụ TE1010123456789)", "Thẻ có giá trị từ ngày",
            "Thẻ có giá trị đến ngày", "Nơi đăng ký khám bệnh, chữa bệnh ban đầu"]
    assert in_order(labels(html, "Thẻ BHYT đã cấp"), card) == card


TRANSFER_VI = ["Người nộp hồ sơ", "Tờ bản đồ số", "Thửa đất số", "Diện tích (m²)", "Địa chỉ thửa đất",
               "Mục đích sử dụng đất", "Bên chuyển nhượng", "Số định danh cá nhân bên chuyển nhượng",
               "Bên nhận chuyển nhượng", "Số định danh cá nhân bên nhận chuyển nhượng", "Số hợp đồng chuyển nhượng",
               "Giá chuyển nhượng ghi trên hợp đồng (đồng)"]


def test_the_tax_officer_reads_the_transfer_slip_and_the_estimate_titled_and_starts_the_notice_with_it(
        branch_and_tax, frozen_clock):  # noqa: F811
    branch, tax = branch_and_tax
    receive_land_transfer(branch)
    branch.do_step("diachinh", "check_dossier", CHECK)
    branch.tick()
    [(_, step, work_item_id)] = tax.open_items()
    assert step == "issue_notice"
    html = task_page(tax, "thue", work_item_id)
    assert "suggested_" not in html
    assert in_order(labels(html, "Phiếu chuyển thông tin"), TRANSFER_VI) == TRANSFER_VI
    shown = labels(html, "Phiếu chuyển thông tin")
    assert "Thuế thu nhập cá nhân dự kiến (2 % giá chuyển nhượng, đồng)" in shown
    assert "Lệ phí trước bạ dự kiến (0,5 % giá chuyển nhượng, đồng)" in shown
    for amount in ("40.000.000", "10.000.000"):
        assert amount in html
    # Once they take the step, the notice's form starts with the estimate, for them to check.
    commands.claim(tax.motcua.uow(), actor_id=tax.users["thue"], work_item_id=work_item_id)
    html = task_page(tax, "thue", work_item_id)
    assert re.search(r'<input[^>]*name="personal_income_tax"[^>]*value="40.000.000"', html)
    assert re.search(r'<input[^>]*name="registration_fee"[^>]*value="10.000.000"', html)
    # The notice's own number and dates are the officer's to give.
    assert re.search(r'<input[^>]*name="notice_number"[^>]*value=""', html)


def test_the_police_read_the_committees_death_register_entry_under_its_titles(browser, demo):
    dossier = receive_death(demo, Officer(demo, "tiepnhan"))
    through_committee_to_police(demo, dossier.id)
    police = browser("congan")
    police.post("/language", {"locale": "en"})
    html = police.text(f"/tasks/{open_item(demo, dossier.id)}")
    assert "death_register" not in html and "death_registered_on" not in html
    wanted = ["Full name of the deceased", "Personal identification number", "Date of death",
              "Permanent residence of the deceased", "Death register volume", "Death registration number",
              "Death registration date"]
    assert in_order(labels(html, "Request to remove the permanent residence"), wanted) == wanted

"""The task page in the browser (found by a usability audit). A refused step form came back at the
page's top with the focus on its body, and "Vui lòng sửa các trường được đánh dấu bên dưới." some
2,300 px below on a phone: now the list of what is wrong takes the focus, on screen, and its link
leads to the field. And Tab meets the step's own form first: "Trả về đơn vị" and the request for a
supplement (folded) come after "Hoàn thành"."""
from __future__ import annotations

from playwright.sync_api import expect

from engine import commands
from engine.commands.reception import Applicant
from tests.browser.accessibility import serious_violations
from tests.web.conftest import open_item

PHONE = {"width": 390, "height": 844}


def receive(demo):
    return commands.receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                            procedure_key="dang_ky_ket_hon", applicant=Applicant(name="Nguyễn Văn An"))


def at_approval(demo) -> int:
    """A dossier appraised by the specialist, its approval step claimed by the leader."""
    dossier = receive(demo)
    item = commands.claim(demo.motcua.uow(), actor_id=demo.users["chuyenvien"],
                          work_item_id=open_item(demo, dossier.id))
    commands.complete(demo.motcua.uow(), actor_id=demo.users["chuyenvien"], work_item_id=item.id, data={
        "conditions_met": True, "marital_status_verified": True, "appraisal_opinion": "Đủ điều kiện."})
    return commands.claim(demo.motcua.uow(), actor_id=demo.users["lanhdao"],
                          work_item_id=open_item(demo, dossier.id)).id


def in_view(page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and -1 <= box["y"] and box["y"] + min(box["height"], 40) <= page.viewport_size["height"]


def test_a_refused_decision_on_a_phone_focuses_the_list_of_what_is_wrong(officer, demo):
    approval = at_approval(demo)
    page = officer("lanhdao")
    page.set_viewport_size(PHONE)
    page.goto(f"/tasks/{approval}")
    page.get_by_label("Quyết định").select_option(label="Từ chối (nêu rõ lý do)")
    page.get_by_role("button", name="Hoàn thành").click()
    summary = page.get_by_role("alert").filter(has_text="Vui lòng sửa các trường được đánh dấu bên dưới.")
    expect(summary).to_be_focused()
    assert in_view(page, summary), "the list of what is wrong is off screen"
    assert serious_violations(page) == []
    link = summary.get_by_role("link", name="Ý kiến của lãnh đạo:")
    expect(link).to_be_visible()
    link.click()
    opinion = page.locator("#f-leader_opinion")
    assert in_view(page, opinion) and in_view(page, page.get_by_text("Ý kiến của lãnh đạo", exact=True))
    opinion.fill("Hồ sơ không đủ điều kiện.")  # typed where the link led
    expect(opinion).to_be_focused()
    page.get_by_role("button", name="Hoàn thành").click()
    page.wait_for_url("**/inbox")


def tab_until(page, name: str, limit: int = 80) -> list[str]:
    """Press Tab until the focused element's text or name is ``name``; what Tab met on the way."""
    met = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        met.append(page.evaluate("""() => {
            const el = document.activeElement;
            return (el.getAttribute('name') || el.textContent || '').trim().replace(/\\s+/g, ' ');
        }"""))
        if met[-1] == name:
            return met
    raise AssertionError(f"Tab never reached {name!r}: {met}")


def test_tab_meets_the_steps_form_before_the_supplement_request_and_release(officer, demo):
    dossier = receive(demo)
    item = commands.claim(demo.motcua.uow(), actor_id=demo.users["chuyenvien"],
                          work_item_id=open_item(demo, dossier.id))
    page = officer("chuyenvien")
    page.goto(f"/tasks/{item.id}")
    met = tab_until(page, "Hoàn thành")
    assert "appraisal_opinion" in met
    assert "Trả về đơn vị" not in met and "missing" not in met and "Gửi yêu cầu bổ sung" not in met
    # Then the request's summary (folded: its boxes are not Tab stops), then release.
    after = tab_until(page, "Trả về đơn vị")
    assert after == ["Yêu cầu bổ sung hồ sơ", "Trả về đơn vị"]
    assert serious_violations(page) == []
    # Opened, the request is there to fill in.
    page.get_by_text("Yêu cầu bổ sung hồ sơ", exact=True).click()
    page.get_by_label("Giấy tờ, nội dung cần bổ sung (mỗi dòng một mục)").fill("Ảnh chân dung")
    page.get_by_role("button", name="Gửi yêu cầu bổ sung").click()
    # Refused for want of a reason: it comes back open, and the focus on what is wrong.
    summary = page.get_by_role("alert").filter(has_text="Lý do: Cần ghi rõ lý do yêu cầu bổ sung.")
    expect(summary).to_be_focused()
    expect(page.locator("#supplement-reason")).to_be_visible()
    expect(page.get_by_label("Giấy tờ, nội dung cần bổ sung (mỗi dòng một mục)")).to_have_value("Ảnh chân dung")

"""The dossier page: status, open steps and holders, documents, history, diagram; who may see it."""
from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest
from lxml import etree
from sqlalchemy import select

from conftest import FORMS_DIR
from engine.accounts import ensure_agency, ensure_user, grant
from engine.commands import claim, complete, receive
from engine.commands.reception import Applicant
from engine.demo import DEMO_PASSWORD
from engine.documents import ReceivedDocument
from engine.models import WorkItem
from engine.procedures.registry import check_and_deploy
from tests.page_text import table_rows
from tests.web.conftest import page_text

HERE = Path(__file__).parent
SVG = {"s": "http://www.w3.org/2000/svg"}
APPRAISAL = {"conditions_met": True, "appraisal_opinion": "Hai bên đủ điều kiện kết hôn."}


def _deploy(demo, *files):
    with demo.motcua.uow() as uow:
        check_and_deploy(uow, [HERE / f for f in files], FORMS_DIR, deployed_by="test")
        uow.commit()


def _receive(demo, procedure_key="dang_ky_ket_hon", **kwargs):
    return receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                   procedure_key=procedure_key, applicant=Applicant(name="Nguyễn Văn An"), **kwargs)


def _open_item(demo, dossier_id, step_id):
    with demo.motcua.read_session() as s:
        return s.execute(select(WorkItem).where(WorkItem.dossier_id == dossier_id, WorkItem.step_id == step_id,
                                                WorkItem.state == "open")).scalar_one()


def _diagram(html) -> etree._Element:
    return etree.fromstring(re.search(r'<svg xmlns="http://www.w3.org/2000/svg" class="bpmn-diagram".*?</svg>',
                                      html, re.S).group(0).encode("utf-8"))


def _same(html):
    return re.sub(r'name="csrf_token" value="[^"]+"', 'name="csrf_token" value=""', html)


def _classes(svg, element_id):
    [group] = svg.xpath(f"//s:g[@data-element-id='{element_id}']", namespaces=SVG)
    return set(group.get("class").split())


@pytest.fixture
def other_commune(demo):
    """A second commune with its own one-stop officer: nothing of Tân Phong is theirs."""
    with demo.motcua.uow() as uow:
        agency = ensure_agency(uow.session, code="000.31.22.H56", name="UBND xã Tân Lập",
                               kind="commune_committee", area_code="H56.TL")
        user = ensure_user(uow.session, username="tiepnhan_tl", full_name="Hoàng Văn Lập", password=DEMO_PASSWORD)
        grant(uow.session, user, agency, "reception")
        grant(uow.session, user, agency, "supervisor")
        uow.commit()
    return "tiepnhan_tl"


def test_the_page_shows_status_open_steps_documents_and_history(browser, demo):
    dossier = _receive(demo, documents=[ReceivedDocument("Tờ khai đăng ký kết hôn", "original", 1),
                                        ReceivedDocument("Căn cước công dân", "copy", 2)])
    item = _open_item(demo, dossier.id, "appraise")
    claim(demo.motcua.uow(), actor_id=demo.users["chuyenvien"], work_item_id=item.id)

    html = browser("chuyenvien").text(f"/dossiers/{dossier.id}")
    assert " ".join(lxml.html.fromstring(html).xpath("//h1")[0].text_content().split()) == f"Hồ sơ {dossier.code}"
    assert '<span class="status status-2">Được tiếp nhận</span>' in html  # its name, as every other page says it
    steps = html[html.index('id="steps-title"'):html.index('id="diagram-title"')]
    assert re.search(r"<th scope=\"row\">Thẩm định hồ sơ</th>\s*<td[^>]*>UBND xã Tân Phong · Chuyên viên</td>\s*"
                     r"<td[^>]*>Trần Văn Minh</td>", steps)
    documents = table_rows(html, "documents-title")
    assert ["1", "Tờ khai đăng ký kết hôn", "Bản chính", "1"] in documents
    assert ["2", "Căn cước công dân", "Bản sao", "2"] in documents
    rows = [(at, who, what) for at, who, what, _status in table_rows(html, "history-title")]
    assert rows == [
        ("23/11/2026 09:00", "Nguyễn Thị Hoa", "Tiếp nhận hồ sơ"),
        ("23/11/2026 09:00", "Nguyễn Thị Hoa", "Bắt đầu xử lý"),
        ("23/11/2026 09:00", "Trần Văn Minh", "Nhận xử lý: Thẩm định hồ sơ"),
    ]


def test_the_diagram_marks_finished_and_current_steps(browser, demo, frozen_clock):
    _deploy(demo, "diagram_sample.bpmn")
    dossier = _receive(demo, "so_do_thu_nghiem")
    b = browser("chuyenvien")
    svg = _diagram(b.get(f"/dossiers/{dossier.id}").get_data(as_text=True))
    assert "current" in _classes(svg, "appraise") and "done" not in _classes(svg, "appraise")
    assert not {"current", "done"} & _classes(svg, "approve")

    item = _open_item(demo, dossier.id, "appraise")
    claim(demo.motcua.uow(), actor_id=demo.users["chuyenvien"], work_item_id=item.id)
    complete(demo.motcua.uow(), actor_id=demo.users["chuyenvien"], work_item_id=item.id, data=APPRAISAL)

    html = b.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    svg = _diagram(html)
    assert "done" in _classes(svg, "appraise")
    assert "current" in _classes(svg, "approve")
    assert not {"current", "done"} & _classes(svg, "return_result")
    status = html[html.index('<span class="status status-4">'):]
    assert status[:status.index("</span>")].endswith(">Đang xử lý")  # its name, not the portal's number


def _lane_names(svg) -> dict[str, str]:
    return {g.get("data-element-id"): g.find("s:text", SVG).text
            for g in svg.xpath("//s:g[contains(concat(' ', @class, ' '), ' lane ')]", namespaces=SVG)}


def test_diagram_lanes_show_the_roles_label_in_the_readers_language(browser, demo):
    """Our lanes are named by role code ("specialist"); the reader sees the role as elsewhere."""
    dossier = _receive(demo)
    b = browser("chuyenvien")
    assert _lane_names(_diagram(b.text(f"/dossiers/{dossier.id}"))) == {
        "Lane_reception": "Tiếp nhận và trả kết quả", "Lane_specialist": "Chuyên viên", "Lane_leader": "Lãnh đạo"}
    b.post("/language", {"locale": "en"})
    assert _lane_names(_diagram(b.text(f"/dossiers/{dossier.id}"))) == {
        "Lane_reception": "Reception and result return", "Lane_specialist": "Specialist", "Lane_leader": "Leader"}


def test_a_procedure_drawn_without_layout_says_so(browser, demo):
    _deploy(demo, "police_step.bpmn")
    dossier = _receive(demo, "xac_minh_cong_an")
    html = browser("congan").text(f"/dossiers/{dossier.id}")
    assert "Quy trình này chưa có sơ đồ bố cục." in html
    assert "bpmn-diagram" not in html


@pytest.mark.parametrize("username", ["tiepnhan", "chuyenvien", "lanhdao", "giamsat"])
def test_any_role_in_the_receiving_agency_may_read_the_dossier(browser, demo, username):
    dossier = _receive(demo)
    b = browser(username)
    assert dossier.code in b.text(f"/dossiers/{dossier.id}")
    assert dossier.code in b.text(f"/dossiers/{dossier.id}/receipt")


@pytest.mark.parametrize("username", ["congan", "tiepnhan_tl"])
def test_another_agency_gets_the_same_404_as_a_dossier_that_does_not_exist(browser, demo, other_commune, username):
    dossier = _receive(demo)
    b = browser(username)
    missing = b.get("/dossiers/999999")
    assert missing.status_code == 404
    for url in (f"/dossiers/{dossier.id}", f"/dossiers/{dossier.id}/receipt"):
        response = b.get(url)
        assert response.status_code == 404, url
        body = page_text(response)
        # Identical but for the page's own address (the language switch returns to it) and the
        # CSRF token (signed with a timestamp).
        assert _same(body).replace(url, "URL") == _same(page_text(missing)).replace("/dossiers/999999", "URL")
        assert dossier.code not in body and "Nguyễn Văn An" not in body


def test_an_agency_with_a_step_on_the_dossier_may_read_it(browser, demo, other_commune):
    _deploy(demo, "police_step.bpmn")
    dossier = _receive(demo, "xac_minh_cong_an")
    html = browser("congan").text(f"/dossiers/{dossier.id}")
    assert "Xác minh nơi cư trú" in html and "Công an xã Tân Phong · Chuyên viên" in html
    assert browser(other_commune).get(f"/dossiers/{dossier.id}").status_code == 404


def test_the_pages_need_a_login(browser, demo):
    dossier = _receive(demo)
    anonymous = browser()
    for url in (f"/dossiers/{dossier.id}", f"/dossiers/{dossier.id}/receipt"):
        response = anonymous.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- reassign --------------------------------------------------------------------------------------

def _reassign_form(html, item_id):
    match = re.search(rf'<form class="reassign" method="post" action="[^"]*/steps/{item_id}/reassign">(.*?)</form>',
                      html, re.S)
    return match.group(1) if match else None


def test_a_supervisor_reassigns_an_open_step_to_a_colleague_of_the_same_role(browser, demo):
    dossier = _receive(demo)
    item = _open_item(demo, dossier.id, "appraise")
    claim(demo.motcua.uow(), actor_id=demo.users["chuyenvien"], work_item_id=item.id)
    b = browser("giamsat")
    form = _reassign_form(b.text(f"/dossiers/{dossier.id}"), item.id)
    # Only the other specialist: not the current holder, not the leader or the receptionist.
    assert re.findall(r'<option value="(\d+)">([^<]+)</option>', form) == [
        (str(demo.users["chuyenvien2"]), "Lê Thị Thu")]

    response = b.post(f"/dossiers/{dossier.id}/steps/{item.id}/reassign", {"to_user_id": demo.users["chuyenvien2"]})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/dossiers/{dossier.id}")
    html = page_text(b.get(response.headers["Location"]))
    assert "Đã giao bước “Thẩm định hồ sơ” cho cán bộ khác." in html
    assert _open_item(demo, dossier.id, "appraise").assignee_id == demo.users["chuyenvien2"]
    steps = html[html.index('id="steps-title"'):html.index('id="diagram-title"')]
    assert re.search(r"<td[^>]*>Lê Thị Thu</td>", steps)
    assert ["Đỗ Thanh Bình", "Giao lại cho cán bộ khác: Thẩm định hồ sơ từ Trần Văn Minh sang Lê Thị Thu"] in [
        row[1:3] for row in table_rows(html, "history-title")]


def test_an_unclaimed_step_can_be_handed_to_any_member_of_the_role(browser, demo):
    dossier = _receive(demo)
    item = _open_item(demo, dossier.id, "appraise")
    form = _reassign_form(browser("giamsat").text(f"/dossiers/{dossier.id}"), item.id)
    assert [name for _, name in re.findall(r'<option value="(\d+)">([^<]+)</option>', form)] == [
        "Lê Thị Thu", "Trần Văn Minh"]


def test_the_new_holder_must_hold_the_role_in_the_agency(browser, demo):
    dossier = _receive(demo)
    item = _open_item(demo, dossier.id, "appraise")
    b = browser("giamsat")
    response = b.post(f"/dossiers/{dossier.id}/steps/{item.id}/reassign", {"to_user_id": demo.users["lanhdao"]},
                      headers={"Referer": f"http://localhost/dossiers/{dossier.id}"})
    assert response.status_code == 302
    assert "Người nhận phải là cán bộ cùng cơ quan và cùng vai trò." in page_text(b.get(response.headers["Location"]))
    assert _open_item(demo, dossier.id, "appraise").assignee_id is None


@pytest.mark.parametrize("username", ["chuyenvien", "lanhdao", "tiepnhan", "congan", "tiepnhan_tl"])
def test_only_a_supervisor_of_the_steps_agency_may_reassign(browser, demo, other_commune, username):
    dossier = _receive(demo)
    item = _open_item(demo, dossier.id, "appraise")
    b = browser(username)
    page = b.get(f"/dossiers/{dossier.id}")
    if page.status_code == 200:
        assert _reassign_form(page_text(page), item.id) is None
    response = b.post(f"/dossiers/{dossier.id}/steps/{item.id}/reassign", {"to_user_id": demo.users["chuyenvien2"]})
    assert response.status_code == 404
    assert _open_item(demo, dossier.id, "appraise").assignee_id is None

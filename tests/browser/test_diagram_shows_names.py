"""A diagram drawn in the browser (bpmn-js, the comparison of two versions) names a hand-off by
its flow's name and a lane by its role's name; the message's own name (the key the engine and the
partner agencies agree on) and the role's code are not shown to the reader."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from engine.commands.procedures import publish
from tests.conftest import BPMN_DIR, FORMS_DIR

pytestmark = pytest.mark.slow


def test_a_hand_off_reads_by_its_name_not_by_its_message_key(officer, live_server, demo):
    xml = (BPMN_DIR / "dang_ky_bien_dong_dat.bpmn").read_text(encoding="utf-8")
    publish(demo.motcua.uow(), actor_id=demo.users["thietke"], forms_dir=FORMS_DIR, note="Bản 2",
            bpmn_xml=xml.replace("Phiếu chuyển thông tin để xác định nghĩa vụ tài chính",
                                 "Phiếu chuyển thông tin xác định nghĩa vụ tài chính", 1))
    page = officer("thietke")
    page.goto("/procedures/dang_ky_bien_dong_dat/compare")
    diagram = page.locator("#diagram-new")
    expect(diagram).to_have_attribute("data-drawn", "true")
    drawn = diagram.inner_text()
    # The hand-off by its flow's name (the drawing wraps it), the lanes by the roles' names.
    assert "Phiếu chuyển thông tin xác định" in drawn
    assert "Chuyên viên" in drawn and "specialist" not in drawn
    assert "thong_tin_nghia_vu_tai_chinh" not in drawn and "thong_bao_nghia_vu_tai_chinh" not in drawn

"""The editor in a real browser (audit 2, D10, D11, D21): a draft bpmn-js cannot fully draw opens
saying so, with the draft's problems listed; publishing what the editor opened, unchanged, is
refused (bpmn-js writes the same diagram with other bytes); the draft's time is the server's."""
from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from engine.commands import procedures as lifecycle
from engine.models import ProcedureDraft, ProcedureVersion
from tests.bpmn_samples import reference_xml
from tests.browser.test_procedure_editor import open_editor

pytestmark = pytest.mark.slow

DANGLING = reference_xml().replace('<bpmn:sequenceFlow id="flow_start_review" sourceRef="start" targetRef="review_loop" />',
                                   '<bpmn:sequenceFlow id="flow_start_review" sourceRef="start" targetRef="khong_ton_tai" />')


def test_a_draft_that_cannot_be_drawn_opens_with_its_problems(officer, live_server, demo):
    lifecycle.save_draft(demo.motcua.uow(), actor_id=demo.users["thietke"], bpmn_xml=DANGLING)
    page = officer("thietke")
    open_editor(page)
    expect(page.locator("#editor-status")).to_contain_text("Không vẽ được 1 phần tử của bản vẽ")
    expect(page.locator("#editor")).to_have_attribute("data-state", "problems")
    problems = page.locator("#editor-problems li")
    expect(problems.filter(has_text="flow_start_review").first).to_contain_text("không vẽ được")
    expect(problems.filter(has_text="khong_ton_tai").first).to_be_visible()
    # In English, the same.
    page.goto("/procedures")
    page.get_by_role("button", name="English").click()
    open_editor(page)
    expect(page.locator("#editor-status")).to_contain_text("1 element of the diagram could not be drawn")
    expect(page.locator("#editor-problems li").filter(has_text="flow_start_review").first).to_contain_text(
        "could not be drawn")


def test_publishing_what_the_editor_opened_unchanged_is_refused(officer, live_server, demo):
    page = officer("thietke")
    open_editor(page, "lien_thong_khai_tu")
    page.get_by_role("button", name="Xuất bản").click()
    expect(page.locator("#editor")).to_have_attribute("data-state", "problems")
    expect(page.locator("#editor-problems li").first).to_contain_text("không khác phiên bản 1 đang áp dụng")
    with demo.motcua.read_session() as s:
        assert s.query(ProcedureVersion).join(ProcedureVersion.procedure).filter_by(key="lien_thong_khai_tu").count() == 1


def test_the_draft_is_saved_at_the_servers_time_in_the_agencys_zone(officer, live_server, demo):
    page = officer("thietke")
    open_editor(page)
    page.get_by_role("button", name="Lưu nháp và kiểm tra").click()
    expect(page.locator("#editor-status")).to_contain_text("Đã lưu bản nháp lúc")
    with demo.motcua.read_session() as s:
        at = s.query(ProcedureDraft).one().saved_at.astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))
    expect(page.locator("#editor-status")).to_contain_text(
        re.compile(re.escape(f"Đã lưu bản nháp lúc {at:%d/%m/%Y %H:%M}.")))

"""Leaving the editor with unsaved changes asks first: drawing never reaches the server until a
save, and a click on another link, a reload or a closed tab lost the work without a word (found by
a browser audit of the modeller's workbench). Once saved, the page is left without a question."""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from engine.models import ProcedureDraft, ProcedureVersion
from tests.browser.test_procedure_editor import open_editor, select_element

pytestmark = pytest.mark.slow

# What the browser decides when the page is about to go: whether the page asked to stay.
WOULD_ASK = """() => {
    const leaving = new Event("beforeunload", {cancelable: true});
    window.dispatchEvent(leaving);
    return leaving.defaultPrevented;
}"""


def test_leaving_with_unsaved_changes_asks_first_and_not_once_saved(officer, live_server, demo):
    page = officer("thietke")
    open_editor(page)
    assert page.evaluate(WOULD_ASK) is False  # opened, nothing changed
    select_element(page, "appraise")
    page.locator("#panel-fields input[name=allotment]").fill("3 working days")
    page.locator("#panel-fields input[name=allotment]").press("Tab")
    assert page.evaluate(WOULD_ASK) is True
    page.get_by_role("button", name="Lưu nháp và kiểm tra").click()
    expect(page.locator("#editor")).to_have_attribute("data-state", "clean")
    assert page.evaluate(WOULD_ASK) is False
    # A change to a form counts too.
    page.locator("#form-schema").press("End")
    page.locator("#form-schema").type(" ")
    assert page.evaluate(WOULD_ASK) is True


def test_a_form_schema_that_cannot_be_read_is_said_at_saving_and_stops_publishing(officer, live_server, demo):
    """A save or publish took the last readable version of the form being edited, without a word,
    and a save right after a change sent the version before it (the form was taken only once the
    server had drawn its preview)."""
    page = officer("thietke")
    page.get_by_role("button", name="English").click()
    open_editor(page)
    expect(page.locator("#form-pick")).to_have_value("ket_hon_tham_dinh.json")
    schema = json.loads(page.locator("#form-schema").input_value())
    schema["properties"]["appraisal_opinion"]["title"] = "Ý kiến thẩm định (mới)"
    page.locator("#form-schema").fill(json.dumps(schema, ensure_ascii=False, indent=2))
    page.get_by_role("button", name="Save draft and check").click()  # at once, before the preview
    expect(page.locator("#editor")).to_have_attribute("data-state", "clean")
    with demo.motcua.read_session() as s:
        draft = s.query(ProcedureDraft).one()
        assert draft.forms["ket_hon_tham_dinh.json"]["properties"]["appraisal_opinion"]["title"] == \
            "Ý kiến thẩm định (mới)"

    page.locator("#form-schema").fill('{"type": "object",')
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("#editor-status")).to_have_text(
        "The schema of form ket_hon_tham_dinh.json cannot be read: correct it before publishing.")
    expect(page.locator("#form-schema")).to_be_focused()
    with demo.motcua.read_session() as s:
        assert s.query(ProcedureVersion).join(ProcedureVersion.procedure).filter_by(key="dang_ky_ket_hon").count() == 1
    page.get_by_role("button", name="Save draft and check").click()
    expect(page.locator("#editor-status")).to_contain_text(
        "The schema of form ket_hon_tham_dinh.json cannot be read, so it was not saved")
    assert page.evaluate(WOULD_ASK) is True  # the form as typed is not saved

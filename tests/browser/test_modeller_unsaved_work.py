"""Leaving the editor with unsaved changes asks first: drawing never reaches the server until a
save, and a click on another link, a reload or a closed tab lost the work without a word (found by
a browser audit of the modeller's workbench). Once saved, the page is left without a question."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

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

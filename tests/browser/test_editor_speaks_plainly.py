"""Issue 12, point 6 in the procedure editor: no technical text reaches a modeller. The editor is
drawn by its script (the properties panel) and by bpmn-js (palette, context pad, the menu that
changes an element's kind), so the text walk of tests/web/test_every_page.py cannot read it; here
Chromium opens it as the modeller ``thietke`` and the page as drawn is read with the same rules
(tests/page_text.py: no raw identifiers, no English on a Vietnamese page, no Vietnamese of ours
on an English page), with the process, a step, a lane, a gateway, a sequence flow and two pools
selected in turn, and the change menu of a step open.

bpmn-js falls back to its own English for a text the page does not give it; so every entry of the
palette, the context pad and the change menu must read differently in Vietnamese than in English.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_procedure_editor import open_editor
from tests.page_text import problems

pytestmark = pytest.mark.slow

# What the modeller selects, and the words the panel's title then names its kind with.
SELECTED = {
    "dang_ky_ket_hon": [
        (None, {"vi": "Quy trình", "en": "Process"}),
        ("appraise", {"vi": "Bước xử lý của người", "en": "User task"}),
        ("Lane_specialist", {"vi": "Làn (vai trò)", "en": "Lane (role)"}),
        ("supplement_gateway", {"vi": "Cổng rẽ nhánh (chọn một nhánh)", "en": "Exclusive gateway"}),
        ("flow_sufficient", {"vi": "Luồng tuần tự", "en": "Sequence flow"}),
    ],
    "dang_ky_bien_dong_dat": [
        (None, {"vi": "Quy trình liên thông", "en": "Collaboration"}),
        ("Pool_bd_vpdk", {"vi": "Bể (cơ quan tham gia)", "en": "Pool"}),
        ("Pool_bd_thue", {"vi": "Bể (cơ quan tham gia)", "en": "Pool"}),
    ],
}
# Every entry of bpmn-js's palette and context pad and of the change menu: (what, its text).
ENTRIES = """() => [
  ...[...document.querySelectorAll('.djs-palette .entry[data-action]')].map(
    e => ['palette ' + e.dataset.action, e.getAttribute('title') || e.getAttribute('aria-label') || '']),
  ...[...document.querySelectorAll('.djs-context-pad .entry[data-action]')].map(
    e => ['context pad ' + e.dataset.action, e.getAttribute('title') || e.getAttribute('aria-label') || '']),
  ...[...document.querySelectorAll('.djs-popup .entry')].map(
    e => ['change menu ' + (e.dataset.id || e.getAttribute('title')),
          (e.querySelector('.djs-popup-label') || e).textContent.trim() || e.getAttribute('title') || '']),
]"""


def select(page: Page, element_id: str) -> None:
    """Click the element as a modeller does: a pool or a lane on its name band, a flow on its label."""
    canvas = page.locator("#editor-canvas")
    if element_id.startswith(("Pool_", "Lane_")):
        canvas.scroll_into_view_if_needed()
        box = canvas.locator(f'g.djs-shape[data-element-id="{element_id}"]').first.bounding_box()
        page.mouse.click(box["x"] + 10, box["y"] + box["height"] / 2)
    elif element_id.startswith("flow_"):
        canvas.locator(f'g.djs-shape[data-element-id="{element_id}_label"]').first.click()
    else:
        canvas.locator(f'g.djs-shape[data-element-id="{element_id}"]').first.click()
    expect(page.locator("#panel-fields input[name=id]")).to_have_value(element_id)


def in_english(page: Page) -> None:
    """The header's language switch, as an officer changes language (kept for the officer)."""
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def read_editor(page: Page, language: str) -> tuple[list[str], dict[str, str]]:
    """Everything wrong on the editor's pages as the modeller goes through them, and the texts of
    the palette, the context pad and the change menu (by entry)."""
    found, entries = [], {}

    def read(where: str) -> None:
        found.extend(f"{language} {where}: {p}" for p in problems(page.content()))
        entries.update(dict(page.evaluate(ENTRIES)))

    for key, selections in SELECTED.items():
        open_editor(page, key)
        for element_id, kind in selections:
            if element_id:
                select(page, element_id)
            expect(page.locator("#panel-title")).to_have_text(re.compile(re.escape(kind[language]) + "$"))
            labels = page.locator("#panel-fields label")
            expect(labels.first).to_be_visible()
            for label in labels.all():
                # Every field has a label of words, never the name of what it sets.
                field = page.locator(f'[id="{label.get_attribute("for")}"]')
                assert label.inner_text().strip() not in ("", field.get_attribute("name")), label.inner_text()
            read(f"{key} {element_id or 'diagram'}")
    # The context pad and the menu that changes the kind of a step, a gateway and an event (each
    # on a fresh page: an open context pad may cover the next element).
    for element_id in ("appraise", "supplement_gateway", "end_returned"):
        open_editor(page)
        select(page, element_id)
        page.locator('.djs-context-pad .entry[data-action="replace"]').click()
        expect(page.locator(".djs-popup .entry").first).to_be_visible()
        read(f"change menu of {element_id}")
    return found, entries


def test_the_editor_speaks_the_modellers_language(officer, live_server, demo):
    page = officer("thietke")
    vietnamese_problems, vietnamese = read_editor(page, "vi")
    in_english(page)
    english_problems, english = read_editor(page, "en")
    assert not vietnamese_problems + english_problems, "\n".join(vietnamese_problems + english_problems)
    # The palette, the context pad of a step and the change menus were all read, in both languages.
    assert {"palette create.task", "palette hand-tool", "context pad append.end-event", "context pad delete",
            "change menu replace-with-service-task"} <= vietnamese.keys()
    assert vietnamese.keys() == english.keys()
    untranslated = sorted(f"{what}: {text!r}" for what, text in vietnamese.items() if text == english[what] or not text)
    assert not untranslated, "bpmn-js's English on the Vietnamese page:\n" + "\n".join(untranslated)

"""The statistics period chooser on a phone: each label stays on the line of its field. It wrapped
between a label and its field, so "To" ended one line and its date began the next (the service
indices page in English at 390 px), the date looking like it belonged to nothing."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.test_dossier_whole_life import no_page_scroll

# Each label of the chooser with the vertical extent of its own field: the label's middle must lie
# within the field's top and bottom.
SPLIT_LABELS = """() => [...document.querySelectorAll('.statistics-choice label')].filter(label => {
  const field = document.getElementById(label.htmlFor).getBoundingClientRect();
  const box = label.getBoundingClientRect(), middle = (box.top + box.bottom) / 2;
  return middle < field.top || middle > field.bottom;
}).map(label => label.innerText)"""


def test_every_chooser_label_stays_beside_its_field_on_a_phone(officer):
    for username in ("giamsat", "admin"):
        reader = officer(username)
        reader.set_viewport_size({"width": 390, "height": 844})
        for language in ("vi", "en"):
            for url in ("/statistics", "/statistics/indices", "/statistics/units"):
                reader.goto(url)
                expect(reader.locator(".statistics-choice legend")).to_be_visible()
                assert reader.evaluate(SPLIT_LABELS) == [], (username, language, url)
                no_page_scroll(reader)
            if language == "vi":
                reader.get_by_role("button", name="English").click()
                expect(reader.locator("html")).to_have_attribute("lang", "en")

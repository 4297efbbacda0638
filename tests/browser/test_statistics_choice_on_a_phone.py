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


def test_the_chooser_shows_the_fields_of_the_kind_of_period_chosen(officer):
    """All five fields showed whatever the period: with "Tháng" chosen, a quarter and two days
    were there to fill in too, and nothing said which counted. Now the kind chosen decides, and a
    period chosen that way is the one shown."""
    reader = officer("giamsat")
    reader.goto("/statistics")
    shown = {"month": ["Tháng", "Năm"], "quarter": ["Quý", "Năm"], "year": ["Năm"], "custom": ["Từ ngày", "Đến ngày"]}
    fields = ("Tháng", "Quý", "Năm", "Từ ngày", "Đến ngày")
    for kind, visible in shown.items():
        reader.locator("select#period").select_option(kind)
        for label in fields:
            field = reader.get_by_label(label, exact=True)
            expect(field).to_be_visible() if label in visible else expect(field).to_be_hidden()
    reader.locator("select#period").select_option("quarter")
    reader.get_by_label("Quý", exact=True).fill("3")
    reader.get_by_label("Năm", exact=True).fill("2026")
    reader.get_by_role("button", name="Xem").click()
    expect(reader.locator("body")).to_contain_text("Từ ngày 01/07/2026 đến ngày 30/09/2026")
    expect(reader.get_by_label("Tháng", exact=True)).to_be_hidden()  # the page opens on the kind it shows

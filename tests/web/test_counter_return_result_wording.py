"""The return-result step (Trả kết quả) in English names the place the way the rest of the officers'
pages do: the counter (the channel "At the counter", the menu's "Receive a dossier"), not a
"one-stop desk" found nowhere else the counter officer looks."""
from __future__ import annotations

from tests.test_end_of_processing import result_ready
from tests.web.conftest import page_text
from tests.web.test_result_handover_page import _return_step


def test_the_return_step_offers_handing_over_in_person_at_the_counter(browser, demo, frozen_clock):
    dossier_id, _reception = result_ready(demo, frozen_clock)
    item = _return_step(demo, dossier_id)
    hoa = browser("tiepnhan")
    hoa.post("/language", {"locale": "en"})
    hoa.post(f"/tasks/{item}/claim")
    text = page_text(hoa.get(f"/tasks/{item}"))
    assert "In person at the counter" in text
    assert "one-stop desk" not in text.lower()


def test_no_step_form_says_one_stop_desk_in_english():
    """The fee step said "At the one-stop desk" too; every form's English says "counter"."""
    from conftest import FORMS_DIR
    said = {path.name: path.read_text(encoding="utf-8") for path in FORMS_DIR.glob("*.json")}
    assert said and [name for name, text in said.items() if "one-stop desk" in text.lower()] == []

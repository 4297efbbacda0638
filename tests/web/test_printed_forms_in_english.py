"""An officer working in English prints forms whose names are in English too: the receipt said
"Request: Đăng ký kết hôn" over rows named "Tờ khai đăng ký kết hôn" while the checklist on screen
said "Marriage registration declaration" (found by a browser audit). The procedure, its documents
and its steps are named by the catalogue's English on every printed form and in the register."""
from __future__ import annotations

import csv
import io

from tests.web.conftest import page_text
from tests.web.test_reception_outcomes_page import APPLICANT, DECLARATION, ID_COPIES

ENGLISH_PROCEDURE, ENGLISH_DECLARATION = "Marriage registration", "Marriage registration declaration"


def test_the_receipt_and_the_register_name_the_procedure_and_its_papers_in_english(browser, frozen_clock):
    b = browser("tiepnhan").english()
    response = b.post("/reception/new", dict(APPLICANT, action="receive", checklist=[DECLARATION, ID_COPIES]))
    assert response.status_code == 302, page_text(response)
    receipt = b.text(response.headers["Location"])
    assert f"<strong>{ENGLISH_PROCEDURE}</strong>" in receipt and f"<td>{ENGLISH_DECLARATION}</td>" in receipt
    assert "Đăng ký kết hôn" not in receipt and DECLARATION not in receipt
    slip = b.text(response.headers["Location"].replace("/receipt", "/control-slip"))
    assert f"Procedure: {ENGLISH_PROCEDURE}" in slip and "Đăng ký kết hôn" not in slip
    register = b.text("/registers/tracking?from=01/11/2026&to=30/11/2026")
    assert f"<td>{ENGLISH_PROCEDURE}</td>" in register and "Đăng ký kết hôn" not in register
    rows = list(csv.reader(io.StringIO(b.get("/registers/tracking.csv?from=2026-11-01&to=2026-11-30")
                                       .get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[1][2] == ENGLISH_PROCEDURE
    b.post("/language", {"locale": "vi"})  # the same form in Vietnamese keeps the diagram's names
    assert "<strong>Đăng ký kết hôn</strong>" in b.text(response.headers["Location"])


def test_the_supplement_slip_names_the_step_and_the_papers_in_english(browser, receive_dossier, frozen_clock):
    _code, item = receive_dossier()
    b = browser("chuyenvien").english()
    b.post(f"/tasks/{item}/claim")
    response = b.post(f"/tasks/{item}/request-supplement", {"missing": DECLARATION, "reason": "Missing a paper."})
    assert response.status_code == 302, page_text(response)
    slip = b.text(response.headers["Location"])
    assert f"<strong>{ENGLISH_PROCEDURE}</strong>" in slip and f"<td>{ENGLISH_DECLARATION}</td>" in slip
    assert "Appraise the dossier" in slip and "Thẩm định hồ sơ" not in slip

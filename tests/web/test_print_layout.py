"""The printable forms share one page (webapp/templates/_print.html): the national heading with
the agency on the left and the date under the motto, a toolbar that is not printed."""
from __future__ import annotations

import re

from engine.commands.escalations import issue_apology
from tests.test_supervision_escalations import at, timed  # noqa: F401 (fixture)
from tests.web.test_supervise import late  # noqa: F401 (fixture)

HEADING = re.compile(
    r'<header class="heading">\s*<div class="issuer">\s*<p class="agency">(?:<strong>)?UBND XÃ TÂN PHONG(?:</strong>)?</p>'
    r'.*?<div class="nation">\s*<p class="republic">(?P<republic>[^<]+)</p>\s*<p class="motto">(?P<motto>[^<]+)</p>'
    r'\s*<p class="rule"></p>\s*<p class="place-date">(?P<date>[^<]+)</p>', re.S)


def heading(html: str) -> tuple[str, str, str]:
    found = HEADING.search(html)
    assert found, html
    assert html.count('class="republic"') == 1 and '<nav class="no-print toolbar"' in html
    return found.group("republic"), found.group("motto"), found.group("date")


def test_receipt_and_apology_carry_the_same_heading_in_the_readers_language(browser, late, timed):  # noqa: F811
    issue_apology(timed.motcua.uow(), actor_id=timed.users["giamsat"], dossier_id=late.id,
                  reason="Chờ xác minh.", new_due_at=at(30, 16))
    reception, supervisor = browser("tiepnhan"), browser("giamsat")
    receipt = reception.text(f"/dossiers/{late.id}/receipt")
    apology = supervisor.text(f"/dossiers/{late.id}/apology/print")
    motto = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
    assert heading(receipt) == (*motto, "ngày 23 tháng 11 năm 2026")  # received
    assert heading(apology) == (*motto, "ngày 25 tháng 11 năm 2026")  # issued
    assert "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ" in receipt and "………/PXL" in apology
    assert '<article class="receipt" aria-labelledby="receipt-title">' in receipt
    assert '<article class="receipt apology" aria-labelledby="apology-title">' in apology
    assert ">In giấy hẹn<" in receipt and ">In phiếu<" in apology
    supervisor.post("/language", {"locale": "en"})
    assert heading(supervisor.text(f"/dossiers/{late.id}/apology/print")) == (
        "SOCIALIST REPUBLIC OF VIET NAM", "Independence - Freedom - Happiness", "25/11/2026")

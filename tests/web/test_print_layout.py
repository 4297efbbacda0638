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


def stylesheets(b, html: str) -> list[tuple[str, str]]:
    """The page's stylesheets in the order it links them: (file name, text served)."""
    hrefs = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    return [(href.rsplit("/", 1)[1].split("?")[0], b.get(href).get_data(as_text=True)) for href in hrefs]


def test_the_a4_forms_share_their_sheet_and_each_sets_its_own_paper(browser, late):  # noqa: F811
    """The control slip (form 05) and the tracking register (form 06) print with one shared sheet
    (heading, tables, the toolbar hidden) and each its own paper: A4 portrait and A4 landscape."""
    b = browser("tiepnhan")
    slip = stylesheets(b, b.text(f"/dossiers/{late.id}/control-slip"))
    register = stylesheets(b, b.text("/registers/tracking?from=2026-11-01&to=2026-11-30"))
    assert [name for name, _ in slip] == ["a4_form.css", "control_slip.css"]
    assert [name for name, _ in register] == ["a4_form.css", "register.css"]
    shared = slip[0][1]
    assert shared == register[0][1] and "@page" not in shared
    assert re.search(r"@media print\s*\{[^@]*\.no-print\s*\{\s*display:\s*none", shared)
    assert re.search(r"@page\s*\{[^}]*size:\s*A4 portrait", slip[1][1])
    assert re.search(r"@page\s*\{[^}]*size:\s*A4 landscape", register[1][1])
    for _, own in (slip[1], register[1]):  # what is shared is written once
        assert ".toolbar" not in own and ".heading p" not in own and "th, td" not in own

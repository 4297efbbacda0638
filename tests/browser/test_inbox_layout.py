"""The inbox at an office screen's width (1280 px): a dossier code stays on one line."""
from __future__ import annotations

from engine import commands
from engine.commands.reception import Applicant


def test_dossier_codes_never_wrap_in_the_inbox_table(officer, demo):
    for name in ("Nguyễn Văn An", "Trần Thị Bình"):
        commands.receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                         procedure_key="dang_ky_ket_hon", applicant=Applicant(name=name))
    page = officer("chuyenvien")  # a 1280 × 900 window
    page.goto("/inbox?tab=unclaimed")
    codes = page.locator("table .dossier-code")
    assert codes.count() == 2
    for i in range(2):
        # An inline box broken over two lines has two client rectangles.
        assert codes.nth(i).evaluate("el => el.getClientRects().length") == 1, codes.nth(i).inner_text()

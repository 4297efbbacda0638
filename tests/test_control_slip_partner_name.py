"""The control slip (form 05) names a partner agency by its full name as registered on the
partners page (Partner.name), as the form names every agency, not by the short name of its pool in
the diagram ("BHXH"); the pool's name stands in only when no partner has the pool's code."""
from __future__ import annotations

import re

from sqlalchemy import update

from engine.models import Partner
from tests.page_text import table_rows
from tests.web.conftest import browser, page_text  # noqa: F401 (fixture)
from tests.web.test_control_slip import ID_NUMBER, at_bhxh

REGISTERED = "Bảo hiểm xã hội huyện Tân Phong"


def partner_row(demo, **values):
    with demo.motcua.uow() as uow:
        uow.session.execute(update(Partner).where(Partner.code == "BHXH").values(**values))
        uow.commit()


def agencies_table(html):
    return re.search(r'<table class="agencies">.*?</table>', html, re.S).group(0)


def test_the_slip_names_the_partner_by_its_registered_name(browser, demo, frozen_clock):  # noqa: F811
    dossier = at_bhxh(demo, frozen_clock)
    partner_row(demo, name=REGISTERED)
    html = browser("tiepnhan").text(f"/dossiers/{dossier.id}/control-slip")
    assert table_rows(html, table_class="handovers")[5][:3] == [
        "6", "UBND xã Tân Phong · Chuyên viên", f"{REGISTERED} (hệ thống đối tác)"]
    assert f"{REGISTERED} <span class=\"muted\">(hệ thống đối tác)</span>" in agencies_table(html)
    assert "BHXH (hệ thống đối tác)" not in html and "BHXH <span" not in html
    # Who holds the dossier and its way, on the dossier page and the citizen's tracking page.
    page = browser("tiepnhan").text(f"/dossiers/{dossier.id}")
    assert f"Đang ở cơ quan: <strong>{REGISTERED}</strong>" in page
    assert f"UBND xã Tân Phong → {REGISTERED}</span>" in page
    found = page_text(browser().post("/tra-cuu", {"code": dossier.code, "second_factor": ID_NUMBER}))
    assert f"Đang ở cơ quan</dt><dd><strong>{REGISTERED}</strong>" in found


def test_without_a_partner_registered_for_the_pool_the_slip_says_the_pools_name(browser, demo, frozen_clock):  # noqa: F811
    dossier = at_bhxh(demo, frozen_clock)
    partner_row(demo, code="BHXH-CU", name=REGISTERED)  # the partner is now registered under another code
    html = browser("tiepnhan").text(f"/dossiers/{dossier.id}/control-slip")
    assert table_rows(html, table_class="handovers")[5][2] == "BHXH (hệ thống đối tác)"
    assert REGISTERED not in html

"""The counter ticks an online dossier's checklist against what the citizen uploaded: the
"check and decide" page lists the scans, each opening in a new tab so the ticks already made stay
(before, the scans were only on the queue's page, and following one lost the page being filled)."""
from __future__ import annotations

from sqlalchemy import select

from engine.models import ApplicationFile, Dossier
from tests.web.conftest import Browser
from tests.web.test_citizen_online_submission import PDF, app, citizen, submit_complete  # noqa: F401 (fixtures)


def test_the_check_page_of_an_online_dossier_lists_the_citizens_scans(app, citizen, demo):  # noqa: F811
    submit_complete(citizen())
    with demo.motcua.read_session() as s:
        dossier_id = s.scalars(select(Dossier.id)).one()
        scans = s.scalars(select(ApplicationFile.id).order_by(ApplicationFile.id)).all()
    counter = Browser(app)
    counter.login("tiepnhan")
    page = counter.text(f"/reception/registered/{dossier_id}")
    assert "Giấy tờ tải lên" in page
    assert "to-khai.pdf" in page and "can-cuoc.png" in page
    for scan in scans:
        assert f'href="/reception/online/files/{scan}" target="_blank"' in page


def test_a_scan_linked_from_the_check_page_opens_for_the_counter(app, citizen, demo):  # noqa: F811
    submit_complete(citizen())
    with demo.motcua.read_session() as s:
        scan = s.scalars(select(ApplicationFile.id).order_by(ApplicationFile.id)).first()
    counter = Browser(app)
    counter.login("tiepnhan")
    assert counter.get(f"/reception/online/files/{scan}").status_code == 200


def test_a_walk_in_has_no_scans_section(browser, demo):
    page = browser("tiepnhan").text("/reception/new")
    assert "Giấy tờ tải lên" not in page

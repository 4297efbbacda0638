"""The scans a citizen sent online stay in reach once the counter has accepted the dossier: the
specialist who appraises it and the counter answering a supplement read them on the step's page
and the dossier's page (before, only the counter's queue of new online dossiers listed them, so
an accepted dossier's scans were out of every officer's sight). Officers of another agency see no
link, as they may not open the file."""
from __future__ import annotations

import re

from sqlalchemy import select

from engine import commands
from engine.commands.reception import accept
from engine.models import ApplicationFile, Dossier
from tests.web.conftest import Browser, open_item
from tests.web.test_citizen_online_submission import PDF, app, citizen, submit_complete  # noqa: F401 (fixtures)


def accepted_and_taken_for_appraisal(app, demo, dossier_id: int) -> tuple[Browser, int]:
    """The counter accepts the online dossier and the specialist takes its first step: their
    browser, logged in, and the step's work item."""
    accept(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], dossier_id=dossier_id)
    item_id = open_item(demo, dossier_id)
    commands.claim(demo.motcua.uow(), actor_id=demo.users["chuyenvien"], work_item_id=item_id)
    specialist = Browser(app)
    specialist.login("chuyenvien")
    return specialist, item_id


def test_the_specialist_reads_the_citizens_scans_on_the_step_and_dossier_pages(app, citizen, demo):  # noqa: F811
    submit_complete(citizen())
    with demo.motcua.read_session() as s:
        dossier_id = s.scalars(select(Dossier.id)).one()
        first_scan = s.scalars(select(ApplicationFile.id).order_by(ApplicationFile.id)).first()
    specialist, item_id = accepted_and_taken_for_appraisal(app, demo, dossier_id)
    for url in (f"/tasks/{item_id}", f"/dossiers/{dossier_id}"):
        page = specialist.text(url)
        assert "Bản chụp công dân nộp trực tuyến" in page, url
        assert "to-khai.pdf" in page and "can-cuoc.png" in page, url
        assert f'href="/reception/online/files/{first_scan}"' in page, url
    opened = specialist.get(f"/reception/online/files/{first_scan}")
    assert opened.status_code == 200 and opened.data == PDF
    specialist.post("/language", {"locale": "en"})
    assert "Scans the citizen sent online" in specialist.text(f"/dossiers/{dossier_id}")


def test_a_dossier_received_at_the_counter_lists_no_scans(browser, demo, receive_dossier):
    _code, item_id = receive_dossier()
    page = browser("chuyenvien").text(f"/tasks/{item_id}")
    assert "Bản chụp công dân nộp trực tuyến" not in page
    assert not re.search(r"/reception/online/files/\d+", page)

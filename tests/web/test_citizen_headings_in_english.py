"""Citizens' pages in English name things as English does (found by a browser audit): the list of
procedures is "Administrative procedures"; tracking says which steps are open under one label
(it had "Now at" and "Currently at" side by side) and when each step finished ("Finished", not
the button's "Complete")."""
from __future__ import annotations

from engine import commands
from engine.commands.reception import Applicant


def test_the_start_page_lists_administrative_procedures(browser):
    b = browser()
    b.post("/language", {"locale": "en"})
    page = b.text("/")
    assert "<h2>Administrative procedures</h2>" in page


def test_tracking_in_english_names_the_open_steps_and_when_each_finished(browser, demo):
    dossier = commands.receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                               procedure_key="dang_ky_ket_hon",
                               applicant=Applicant(name="Nguyễn Văn An", phone="0912 345 678"))
    b = browser()
    b.post("/language", {"locale": "en"})
    page = b.post("/tra-cuu", {"code": dossier.code, "second_factor": "0912345678"}).get_data(as_text=True)
    assert "<dt>Open steps</dt>" in page and "Currently at" not in page
    assert "<th scope=\"col\">Finished</th>" in page and ">Complete<" not in page

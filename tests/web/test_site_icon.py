"""The browser tab shows the site's own icon on every kind of page, instead of asking for a
/favicon.ico that is not there (a 404 in every officer's console)."""
from __future__ import annotations

import re

from engine.commands import receive
from engine.commands.reception import Applicant

ICON = re.compile(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">')


def test_officer_citizen_and_printed_pages_link_the_icon_that_is_served(browser, demo):
    dossier = receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                      procedure_key="dang_ky_ket_hon", applicant=Applicant(name="Nguyễn Văn An"))
    counter, citizen = browser("tiepnhan"), browser()
    pages = [counter.text("/inbox"), counter.text(f"/dossiers/{dossier.id}/receipt"), citizen.text("/"),
             citizen.text("/login")]
    icons = {ICON.search(page).group(1) for page in pages}
    assert len(icons) == 1
    served = citizen.get(icons.pop())
    assert served.status_code == 200 and served.mimetype == "image/svg+xml"
    assert served.get_data(as_text=True).startswith("<svg")
